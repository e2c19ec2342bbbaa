import { Fragment } from 'react';
import { plural } from '../../../shell/format';
import { CopyButton } from '../../../ui/CopyButton';
import { CallProblem } from './CallProblem';
import type { SecretReveal } from './useSecretReveal';

interface SecretDataProps {
  /** The Secret's keys and sizes, from `kube.get`: never the values. */
  keys: readonly { key: string; bytes: number }[];
  reveal: SecretReveal;
}

/**
 * A Secret's data: its keys while hidden; on "Reveal values" (audited by the
 * services) each value with its own Copy, until "Hide values".
 */
export function SecretData({ keys, reveal }: SecretDataProps) {
  const { values } = reveal;
  return (
    <>
      <div className="detail-toolbar">
        {values ? (
          <button type="button" onClick={reveal.hide}>
            Hide values
          </button>
        ) : (
          <button type="button" onClick={reveal.reveal} disabled={reveal.busy || !keys.length}>
            {reveal.busy ? 'Revealing…' : 'Reveal values'}
          </button>
        )}
        <span className="muted">Revealing is recorded in the audit log.</span>
      </div>
      {reveal.error !== undefined && <CallProblem error={reveal.error} what="the values of this secret" onRetry={reveal.reveal} />}
      {values ? (
        <dl className="secret-data" aria-label="Secret values">
          {values.map((v) => (
            <div key={v.key} className="secret-entry">
              <dt className="mono">{v.key}</dt>
              <dd>
                <code className="secret-value">{v.value}</code>
                <span className="secret-actions">
                  {v.encoding === 'base64' && <span className="muted">base64: not text</span>}
                  <CopyButton text={v.value} label={`Copy ${v.key}`} />
                </span>
              </dd>
            </div>
          ))}
        </dl>
      ) : !keys.length ? (
        <p className="muted">No data.</p>
      ) : (
        <dl className="facts">
          {keys.map((k) => (
            <Fragment key={k.key}>
              <dt className="mono">{k.key}</dt>
              <dd className="muted">{plural(k.bytes, 'byte')}, hidden</dd>
            </Fragment>
          ))}
        </dl>
      )}
    </>
  );
}
