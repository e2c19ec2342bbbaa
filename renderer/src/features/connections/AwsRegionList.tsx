/** Commercial AWS regions offered as suggestions; any region code can still be typed. */
export const awsRegions = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'me-central-1',
  'me-south-1',
  'il-central-1',
  'af-south-1',
  'ap-south-1',
  'ap-south-2',
  'ap-east-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
] as const;

/** The `<datalist>` of {@link awsRegions}; render once per form and point inputs at `id`. */
export function AwsRegionList({ id }: { id: string }) {
  return (
    <datalist id={id}>
      {awsRegions.map((r) => (
        <option key={r} value={r} />
      ))}
    </datalist>
  );
}
