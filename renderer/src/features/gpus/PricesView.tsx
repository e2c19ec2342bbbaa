import { Fragment, useState } from 'react';
import { GpuPriceInput, type GpuPrice } from '../../../../shared/contract';
import { call } from '../../api/client';
import { CsvButton } from '../../shell/charts/CsvButton';
import type { CsvColumn } from '../../shell/charts/csv';
import { describeError } from '../../shell/errorActions';
import { ErrorNotice } from '../../shell/ErrorNotice';
import { FieldError } from '../../shell/FieldError';
import { useQuery } from '../../ui/useQuery';
import { formatUsd } from './gpuView';
import { usePricesVersion } from './usePricesVersion';

type Field = 'instanceType' | 'gpuProduct' | 'gpus' | 'hourlyUsd';

/** A row as typed: text until saved. */
export interface PriceDraft {
  instanceType: string;
  gpuProduct: string;
  gpus: string;
  hourlyUsd: string;
}

const EMPTY: PriceDraft = { instanceType: '', gpuProduct: '', gpus: '', hourlyUsd: '' };

const draftOf = (p: GpuPrice): PriceDraft => ({ instanceType: p.instanceType, gpuProduct: p.gpuProduct, gpus: String(p.gpus), hourlyUsd: String(p.hourlyUsd) });

/** A number as typed, or NaN for text that is not one (so the schema says what is wrong, not that it is missing). */
const numberOf = (text: string): number => (/^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN);

/**
 * A draft checked by the contract's own schema: the input to save, or each
 * field's first problem. `taken` refuses an instance type already in the
 * table when adding (saving would replace that row).
 */
export function checkDraft(draft: PriceDraft, taken?: ReadonlySet<string>): { input: GpuPriceInput } | { problems: Partial<Record<Field, string>> } {
  const problems: Partial<Record<Field, string>> = {};
  const gpus = numberOf(draft.gpus);
  const hourlyUsd = numberOf(draft.hourlyUsd);
  if (Number.isNaN(gpus)) problems.gpus = draft.gpus.trim() ? 'GPUs are a whole number such as 8' : 'Type how many GPUs the instance has';
  if (Number.isNaN(hourlyUsd)) problems.hourlyUsd = draft.hourlyUsd.trim() ? 'A price is a number of dollars such as 98.32' : 'Type the price per hour';
  const parsed = GpuPriceInput.safeParse({ instanceType: draft.instanceType, gpuProduct: draft.gpuProduct, gpus: Number.isNaN(gpus) ? 1 : gpus, hourlyUsd: Number.isNaN(hourlyUsd) ? 0 : hourlyUsd });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as Field;
      problems[field] ??= issue.message;
    }
  }
  const instanceType = draft.instanceType.trim();
  if (!problems.instanceType && taken?.has(instanceType)) problems.instanceType = `${instanceType} is in the table already: edit that row`;
  return Object.keys(problems).length || !parsed.success ? { problems } : { input: parsed.data };
}

const CSV: CsvColumn<GpuPrice>[] = [
  { title: 'Instance type', value: (p) => p.instanceType },
  { title: 'GPU product', value: (p) => p.gpuProduct },
  { title: 'GPUs', value: (p) => p.gpus },
  { title: 'USD per hour', value: (p) => p.hourlyUsd },
  { title: 'USD per GPU-hour', value: (p) => p.gpuHourUsd },
  { title: 'Source', value: (p) => p.source },
  { title: 'Updated', value: (p) => p.updatedAt },
];

interface EditorProps {
  /** Where field ids start, unique on the page. */
  id: string;
  draft: PriceDraft;
  problems: Partial<Record<Field, string>>;
  /** The instance type is the row's key: typed when adding, fixed when editing. */
  adding: boolean;
  busy: boolean;
  onChange(draft: PriceDraft): void;
  onSave(): void;
  onCancel(): void;
}

/** One row of inputs, each with its problem under it. */
function PriceEditor({ id, draft, problems, adding, busy, onChange, onSave, onCancel }: EditorProps) {
  const input = (field: Field, label: string, props: { inputMode?: 'decimal' | 'numeric'; placeholder?: string; readOnly?: boolean } = {}) => (
    <td>
      <input
        aria-label={label}
        value={draft[field]}
        aria-invalid={problems[field] !== undefined}
        aria-describedby={`${id}-${field}-error`}
        spellCheck={false}
        onChange={(e) => onChange({ ...draft, [field]: e.target.value })}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onSave();
          if (e.key === 'Escape') onCancel();
        }}
        {...props}
      />
      <FieldError id={`${id}-${field}-error`} problem={problems[field]} />
    </td>
  );
  return (
    <tr className="gpu-price-editor">
      {input('instanceType', 'Instance type', { placeholder: 'p5.48xlarge', readOnly: !adding })}
      {input('gpuProduct', 'GPU product', { placeholder: 'NVIDIA-H100-80GB-HBM3' })}
      {input('gpus', 'GPUs', { inputMode: 'numeric', placeholder: '8' })}
      {input('hourlyUsd', 'USD per hour', { inputMode: 'decimal', placeholder: '98.32' })}
      <td colSpan={3} className="row-actions">
        <button type="button" className="primary" onClick={onSave} disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>{' '}
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </td>
    </tr>
  );
}

/** The GPU-hour price table idle costs are computed with: shipped on-demand prices, editable, resettable. */
export function PricesView() {
  const version = usePricesVersion();
  const query = useQuery('gpu.prices.list', {}, { refreshKey: String(version), keepPrevious: true });
  // What a change answered, shown until the table changes again (here or in another window) and has been read afresh.
  const [saved, setSaved] = useState<{ prices: GpuPrice[]; version: number }>();
  const prices = saved && (saved.version === version || query.loading) ? saved.prices : query.value;
  /** The row being edited (its instance type), or "new" for the add row. */
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<PriceDraft>(EMPTY);
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [confirmReset, setConfirmReset] = useState(false);

  const mutate = async (run: () => Promise<GpuPrice[]>) => {
    setBusy(true);
    setError(undefined);
    try {
      setSaved({ prices: await run(), version });
      setEditing(null);
      setProblems({});
      setConfirmReset(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const edit = (key: string | null, next: PriceDraft) => {
    setEditing(key);
    setDraft(next);
    setProblems({});
    setError(undefined);
  };

  const save = () => {
    const checked = checkDraft(draft, editing === 'new' ? new Set(prices?.map((p) => p.instanceType)) : undefined);
    if ('problems' in checked) {
      setProblems(checked.problems);
      return;
    }
    void mutate(() => call('gpu.prices.save', { prices: [checked.input] }));
  };

  const editor = (key: string) => (
    <PriceEditor id={`gpu-price-${key}`} draft={draft} problems={problems} adding={key === 'new'} busy={busy} onChange={setDraft} onSave={save} onCancel={() => setEditing(null)} />
  );
  const edited = prices?.filter((p) => p.source === 'user').length ?? 0;

  return (
    <div className="gpu-view">
      <div className="page-header">
        <p className="muted">
          What an instance costs per hour, on demand; a GPU-hour is that divided by its GPUs. Idle costs match a node by its instance type, else by its GPU product.
        </p>
        <div className="page-header-actions">
          <button type="button" onClick={() => edit('new', EMPTY)} disabled={busy || editing === 'new'}>
            Add price
          </button>
          {prices && <CsvButton title="GPU prices" columns={CSV} rows={prices} />}
          <button type="button" onClick={() => setConfirmReset(true)} disabled={busy || confirmReset}>
            Reset…
          </button>
        </div>
      </div>
      {confirmReset && (
        <div className="notice gpu-notice-warn" role="alert">
          <p>
            Go back to the prices Pilothouse ships? {edited ? `Your ${edited.toLocaleString()} edited or added prices are dropped.` : 'No price was edited.'}
          </p>
          <button type="button" className="danger" onClick={() => void mutate(() => call('gpu.prices.reset', {}))} disabled={busy}>
            Reset prices
          </button>{' '}
          <button type="button" onClick={() => setConfirmReset(false)} disabled={busy}>
            Cancel
          </button>
        </div>
      )}
      {query.error !== undefined && !prices && <ErrorNotice error={describeError(query.error)} />}
      {error !== undefined && <ErrorNotice error={describeError(error)} />}
      {!prices && query.loading && <p className="muted">Reading the price table…</p>}
      {prices && (
        <div className="table-scroll">
          <table className="data gpu-prices" aria-label="GPU prices">
            <thead>
              <tr>
                <th>Instance type</th>
                <th>GPU product</th>
                <th className="kind-number">GPUs</th>
                <th className="kind-number">$/hour</th>
                <th className="kind-number">$/GPU-hour</th>
                <th>Source</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {editing === 'new' && editor('new')}
              {prices.map((p) =>
                editing === p.instanceType ? (
                  <Fragment key={p.instanceType}>{editor(p.instanceType)}</Fragment>
                ) : (
                  <tr key={p.instanceType}>
                    <td className="mono">{p.instanceType}</td>
                    <td>{p.gpuProduct}</td>
                    <td className="kind-number">{p.gpus}</td>
                    <td className="kind-number">{formatUsd(p.hourlyUsd)}</td>
                    <td className="kind-number">{formatUsd(p.gpuHourUsd)}</td>
                    <td title={`Updated ${new Date(p.updatedAt).toLocaleString()}`}>{p.source === 'user' ? <span className="badge tone-neutral">edited</span> : p.source}</td>
                    <td className="row-actions">
                      <button type="button" onClick={() => edit(p.instanceType, draftOf(p))} disabled={busy} aria-label={`Edit the price of ${p.instanceType}`}>
                        Edit
                      </button>{' '}
                      <button type="button" onClick={() => void mutate(() => call('gpu.prices.remove', { instanceTypes: [p.instanceType] }))} disabled={busy} aria-label={`Remove the price of ${p.instanceType}`}>
                        Remove
                      </button>
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
          {!prices.length && editing !== 'new' && <p className="muted">The table is empty: idle GPUs show as unpriced. Add a price, or reset to the shipped ones.</p>}
        </div>
      )}
    </div>
  );
}
