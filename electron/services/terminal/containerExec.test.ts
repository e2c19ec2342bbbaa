import { describe, expect, it } from 'vitest';
import { exitFromStatus } from './containerExec';

describe('exitFromStatus', () => {
  it("reads the kubelet's Success and NonZeroExitCode statuses", () => {
    expect(exitFromStatus({ status: 'Success' })).toEqual({ exitCode: 0 });
    expect(
      exitFromStatus({ status: 'Failure', reason: 'NonZeroExitCode', message: 'command terminated with non-zero exit code', details: { causes: [{ reason: 'ExitCode', message: '137' }] } }),
    ).toEqual({ exitCode: 137 });
  });

  it("reads Go's \"exit status N\" at the end of a runtime's internal error, and nothing else from a message", () => {
    expect(exitFromStatus({ status: 'Failure', reason: 'InternalError', message: 'Internal error occurred: error executing command in container: cmd wait: sh: exit status 3' })).toEqual({ exitCode: 3 });
    expect(exitFromStatus({ status: 'Failure', reason: 'InternalError', message: 'exit status 3 was not what happened: the container is gone' })).toEqual({
      message: 'exit status 3 was not what happened: the container is gone',
    });
    expect(exitFromStatus({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: 'not a number' }] } })).toEqual({ message: 'The command failed' });
  });

  it('says the connection closed when no status came', () => {
    expect(exitFromStatus(undefined)).toEqual({ message: expect.stringContaining('closed without an exit status') });
  });
});
