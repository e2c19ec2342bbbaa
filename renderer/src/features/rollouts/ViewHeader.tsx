interface ViewHeaderProps {
  /** What the view shows once read; undefined before the first answer. */
  summary: string | undefined;
  /** Said while the first answer is awaited: "Reading every cluster…". */
  reading: string;
  loading: boolean;
  /** The filter field's accessible name and hint. */
  filterLabel: string;
  placeholder: string;
  filter: string;
  onFilter(filter: string): void;
  onRefresh(): void;
}

/** The head of a Rollouts view: what it shows (or that it is reading), a word filter and Refresh. */
export function ViewHeader({ summary, reading, loading, filterLabel, placeholder, filter, onFilter, onRefresh }: ViewHeaderProps) {
  return (
    <div className="page-header">
      <p className="muted" aria-live="polite">
        {summary ?? (loading ? reading : '')}
      </p>
      <div className="page-header-actions">
        <label className="field inline">
          <span>Filter</span>
          <input type="search" aria-label={filterLabel} placeholder={placeholder} value={filter} onChange={(e) => onFilter(e.target.value)} />
        </label>
        <button type="button" onClick={onRefresh} disabled={loading}>
          {loading ? 'Reading…' : 'Refresh'}
        </button>
      </div>
    </div>
  );
}
