/** What is wrong with a form field, under it; the field points here with `aria-describedby={id}`. */
export function FieldError({ id, problem }: { id: string; problem: string | undefined }) {
  if (!problem) return null;
  return (
    <p id={id} className="field-error">
      {problem}
    </p>
  );
}
