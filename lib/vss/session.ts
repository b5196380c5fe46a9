/**
 * Getting a backup components object from a backend: the one way both the check on a snapshot
 * and `listWriters()` open one, so both refuse a backend without VSS alike and both release an
 * object that arrives after its caller gave up.
 */
import type { Backend } from '../backends/types';
import { VssUnavailableError } from '../errors';
import { HRESULT } from '../hresult';
import type { VssSession } from './types';

/**
 * CreateVssBackupComponents through `wait` (the caller's deadline and record). A session that
 * arrives after `wait` rejected is released at once, so none outlives its caller.
 * @throws VssUnavailableError when the backend has no VSS requester
 */
export async function openSession(backend: Backend, wait: (created: Promise<VssSession>) => Promise<VssSession>): Promise<VssSession> {
  const requester = backend.vss;
  if (requester === undefined)
    throw new VssUnavailableError(`the ${backend.name} backend has no VSS requester`, {
      hresult: HRESULT.ERROR_NOT_SUPPORTED,
      call: 'CreateVssBackupComponents',
      phase: 'writers',
      returnedByCall: false,
    });
  const created = requester.createBackupComponents();
  try {
    return await wait(created);
  } catch (error) {
    void created.then(
      (late) => late.release(),
      () => undefined,
    );
    throw error;
  }
}
