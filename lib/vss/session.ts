/**
 * Getting a backup components object from a backend: the one way both the check on a snapshot
 * and `listWriters()` open one, so both refuse a backend without VSS alike and both release an
 * object that arrives after its caller gave up.
 */
import type { Backend } from '../backends/types';
import { VssUnavailableError } from '../errors';
import { HRESULT } from '../hresult';
import type { VssSession, Writer, WriterStatus } from './types';

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
      (late) => late.release().catch(() => undefined),
      () => undefined,
    );
    throw error;
  }
}

/** The status GatherWriterStatus gave for `writer`'s instance (its instance id: a writer id may have several). */
export function statusOf(statuses: readonly WriterStatus[], writer: Pick<Writer, 'instanceId'>): WriterStatus | undefined {
  return statuses.find((s) => s.instanceId === writer.instanceId);
}

/** `volumes` with `volume` added unless it is there already (volume names compare case-insensitively). */
export function withVolume(volumes: readonly string[], volume: string): string[] {
  return volumes.some((v) => v.toLowerCase() === volume.toLowerCase()) ? [...volumes] : [...volumes, volume];
}
