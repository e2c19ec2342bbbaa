import { describe, expect, it } from 'vitest';
import type { TerminalSession } from '../../../../shared/contract';
import { endText, hasEnded, stateText } from './terminalFormat';
import { targetOf } from './terminalNavigation';

const base: TerminalSession = { id: 't1', kind: 'local', title: 'zsh', state: 'running', startedAt: '2026-12-04T08:00:00Z', attached: true, size: { cols: 80, rows: 24 } };

describe('terminal sessions, for display', () => {
  it('says how a session ended: code, signal, or why it failed', () => {
    expect(hasEnded(base)).toBe(false);
    expect(stateText(base)).toBe('running');
    expect(stateText({ ...base, state: 'starting' })).toBe('starting');
    expect(endText({ ...base, state: 'exited', exitCode: 0 })).toBe('exited with code 0');
    expect(endText({ ...base, state: 'exited', exitCode: 137, signal: 'SIGKILL' })).toBe('ended by SIGKILL');
    expect(endText({ ...base, state: 'failed', error: 'spawn /bin/nope ENOENT' })).toBe('failed: spawn /bin/nope ENOENT');
    expect(endText({ ...base, state: 'failed' })).toBe('failed');
    expect(endText({ ...base, state: 'exited' })).toBe('exited');
  });

  it('starts again what a session ran: the same connection, or the same container', () => {
    expect(targetOf(base)).toEqual({ kind: 'local' });
    expect(targetOf({ ...base, connectionId: 'k-prod' })).toEqual({ kind: 'local', connectionId: 'k-prod' });
    expect(targetOf({ ...base, kind: 'exec', connectionId: 'k-prod', container: { namespace: 'shop', pod: 'web-1', container: 'app' } })).toEqual({
      kind: 'exec',
      connectionId: 'k-prod',
      namespace: 'shop',
      pod: 'web-1',
      container: 'app',
    });
  });
});
