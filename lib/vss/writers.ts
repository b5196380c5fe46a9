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
import { settlesWithin } from '../releases';
import { VSS_CANCEL_WAIT_MS } from './run';
import { openSession, statusOf, withVolume } from './session';
import type { VssSession, Writer, WriterComponent, WriterState } from './types';

const UNKNOWN_STATE: WriterState = { state: 0, stateName: 'unknown', lastError: 0 };

/** A component with the volumes its files live on (a path VSS cannot place is left out). */
export interface ListedComponent extends WriterComponent {
  readonly volumes: readonly string[];
}

/** A writer whose status GatherWriterStatus did not give is in state `unknown`. */
export interface ListedWriter extends Omit<Writer, 'components'>, WriterState {
  readonly components: readonly ListedComponent[];
  /** The WSB application registered for this writer, or null: WSB runs no check for it. */
  readonly application: RegisteredApplication | null;
}

export interface ListWritersOptions extends CallOptions, BackendOptions {}

/** The default deadline: gathering metadata asks every writer on the machine. */
export const LIST_WRITERS_TIMEOUT_MS = 2 * 60_000;

/** The component with the volumes of its files, each lookup under the deadline (a path VSS cannot place is left out). */
async function withVolumes(session: VssSession, deadline: CallDeadline, component: WriterComponent): Promise<ListedComponent> {
  let volumes: string[] = [];
  for (const file of component.files) {
    const volume = await deadline
      .step('GetVolumeName', () => session.volumeOf(file))
      .catch((error: unknown) => {
        if (deadline.stopped) throw error;
        return undefined;
      });
    if (volume !== undefined) volumes = withVolume(volumes, volume);
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
  // The VSS call in flight, so that a stop can give it its bounded time to end before the release.
  let inFlight: Promise<unknown> = Promise.resolve();
  const step = <T>(call: 'GatherWriterMetadata' | 'GatherWriterStatus' | 'ListApplications', work: () => Promise<T>) =>
    deadline.step(call, () => {
      const started = work();
      inFlight = started;
      return started;
    });
  try {
    session = await openSession(backend, (created) => deadline.step('CreateVssBackupComponents', () => created));
    const open = session;
    const writers = await step('GatherWriterMetadata', () => open.gatherWriterMetadata(cancel.signal));
    const statuses = await step('GatherWriterStatus', () => open.gatherWriterStatus(cancel.signal));
    const apps = await step('ListApplications', () => backend.listApplications());
    const listed: ListedWriter[] = [];
    for (const w of writers) {
      const status = statusOf(statuses, w);
      const components: ListedComponent[] = [];
      for (const c of w.components) components.push(await withVolumes(open, deadline, c));
      listed.push({
        ...w,
        ...(status === undefined ? UNKNOWN_STATE : { state: status.state, stateName: status.stateName, lastError: status.lastError }),
        components,
        application: apps.find((a) => a.writerId === w.writerId) ?? null,
      });
    }
    return listed;
  } finally {
    if (deadline.stopped) {
      cancel.abort();
      await settlesWithin(inFlight, VSS_CANCEL_WAIT_MS);
    }
    deadline.dispose();
    if (session !== undefined)
      await settlesWithin(
        session.release().catch(() => undefined),
        VSS_CANCEL_WAIT_MS,
      );
  }
}
