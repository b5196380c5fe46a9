/**
 * `listWriters()`: the machine's VSS writers as `vssadmin list writers` shows them (name, id,
 * instance, state, last error), with their components, the volumes those live on, and the
 * WSB application (if any) registered for each writer. No snapshot is made: the backup
 * components object gathers metadata and status, and is released.
 */
import type { BackendOptions } from '../applications';
import { backendFor } from '../backends/default';
import type { RegisteredApplication } from '../backends/types';
import { CALL_OPTION_KEYS, CallDeadline, parseCallOptions, type CallOptions } from '../deadline';
import { openSession } from './session';
import type { VssSession, Writer, WriterComponent } from './types';

/** A component with the volumes its files live on (a path VSS cannot place is left out). */
export interface ListedComponent extends WriterComponent {
  readonly volumes: readonly string[];
}

export interface ListedWriter extends Omit<Writer, 'components'> {
  readonly components: readonly ListedComponent[];
  /** The WSB application registered for this writer, or null: WSB runs no check for it. */
  readonly application: RegisteredApplication | null;
}

export interface ListWritersOptions extends CallOptions, BackendOptions {}

/** The default deadline: gathering metadata asks every writer on the machine. */
export const LIST_WRITERS_TIMEOUT_MS = 2 * 60_000;

async function withVolumes(session: VssSession, component: WriterComponent): Promise<ListedComponent> {
  const volumes: string[] = [];
  for (const file of component.files) {
    const volume = await session.volumeOf(file).catch(() => undefined);
    if (volume !== undefined && !volumes.some((v) => v.toLowerCase() === volume.toLowerCase())) volumes.push(volume);
  }
  return { ...component, volumes };
}

/**
 * The writers, their state and components, and which have a WSB add-in.
 * Rejects with VssError / VssUnavailableError, TimeoutError or AbortedError.
 */
export async function listWriters(options: ListWritersOptions = {}): Promise<ListedWriter[]> {
  const settings = parseCallOptions(options, [...CALL_OPTION_KEYS, 'backend'], LIST_WRITERS_TIMEOUT_MS);
  const backend = backendFor(options.backend);
  const deadline = new CallDeadline(settings, 'the VSS writers');
  const cancel = new AbortController();
  let session: VssSession | undefined;
  try {
    session = await openSession(backend, (created) => deadline.step('CreateVssBackupComponents', () => created));
    const open = session;
    const writers = await deadline.step('GatherWriterMetadata', () => open.gatherWriterMetadata(cancel.signal));
    const statuses = await deadline.step('GatherWriterStatus', () => open.gatherWriterStatus(cancel.signal));
    const apps = await deadline.step('ListApplications', () => backend.listApplications());
    return await Promise.all(
      writers.map(async (w): Promise<ListedWriter> => {
        const status = statuses.find((s) => s.instanceId === w.instanceId);
        return {
          ...w,
          ...(status === undefined ? {} : { state: status.state, stateName: status.stateName, lastError: status.lastError }),
          components: await Promise.all(w.components.map((c) => withVolumes(open, c))),
          application: apps.find((a) => a.writerId === w.writerId) ?? null,
        };
      }),
    );
  } finally {
    cancel.abort();
    deadline.dispose();
    await session?.release();
  }
}
