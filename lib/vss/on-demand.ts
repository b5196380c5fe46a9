/**
 * The check on demand, the way Windows Server Backup runs it: find the application's writer,
 * snapshot exactly its component's volumes (non-persistent, VSS_CTX_BACKUP, VSS_BT_COPY), run
 * the add-in's check with the writer's own metadata document and the source/snapshot pairs,
 * then BackupComplete or AbortBackup as Microsoft's termination rules say, and release the
 * backup components object last (it must outlive the add-in's async object: its release
 * deletes the snapshot the check reads). One deadline and one signal cover every phase.
 */
import { findApplication, parseSelector, type ApplicationSelector, type BackendOptions } from '../applications';
import { backendFor } from '../backends/default';
import type { Backend, RegisteredApplication, VolumePair } from '../backends/types';
import type { CheckResult } from '../check';
import { VssError, VssNotFoundError, WsbError } from '../errors';
import { HRESULT } from '../hresult';
import { parseOptions, type PollOptions } from '../options';
import { optionalFunction, optionalObject, requireStrictObject, requireString } from '../validate';
import { StopRequested } from '../stopper';
import { SnapshotRecord } from './record';
import type { SnapshotPhase, SnapshotReport } from './report';
import { SnapshotRun } from './run';
import { openSession, withVolume } from './session';
import { isFailedState, type Writer, type WriterComponent, type WriterState } from './types';

/** What `checkConsistency({ ..., snapshot: true })` takes: the application and its component; VSS gives the rest. */
export interface SnapshotCheckRequest {
  readonly application: ApplicationSelector;
  /** The component: its name, its logical path, or `logicalPath\name`, as the writer's metadata gives them. */
  readonly component: string;
  readonly snapshot: true;
}

/** The check's verdict, with what was snapshotted. */
export interface SnapshotCheckResult extends CheckResult {
  readonly snapshot: SnapshotReport;
}

/** The options of a check on a snapshot: those of any check (CheckOptions), and a callback per phase. */
export interface SnapshotCheckOptions extends PollOptions, BackendOptions {
  /** Called as each phase starts (the CLI's progress line). */
  readonly onPhase?: (phase: SnapshotPhase) => void;
}

/** Between tries of StartSnapshotSet while another requester holds a set in creation (restic waits 5 s in all). */
const SET_IN_PROGRESS_RETRY_MS = 1_000;

/** One snapshot set in creation per process at a time: VSS refuses a second (VSS_E_SNAPSHOT_SET_IN_PROGRESS). */
let creationQueue: Promise<void> = Promise.resolve();

/** What GatherWriterMetadata did not give: naming what it did. */
function notFound(summary: string, phase: SnapshotPhase, offered: readonly string[]): VssNotFoundError {
  const list = offered.length === 0 ? 'none' : offered.join(', ');
  return new VssNotFoundError(`${summary}; VSS offers: ${list}`, {
    hresult: HRESULT.VSS_E_OBJECT_NOT_FOUND,
    call: 'GatherWriterMetadata',
    phase,
    offered,
    returnedByCall: false,
  });
}

/** The component `wanted` names: by name, by logical path, or by `logicalPath\name`. */
function findComponent(writer: Writer, wanted: string, phase: SnapshotPhase): WriterComponent {
  const full = (c: WriterComponent) => (c.logicalPath === '' ? c.name : `${c.logicalPath}\\${c.name}`);
  const byFullPath = writer.components.filter((c) => full(c) === wanted);
  const byName = writer.components.filter((c) => c.name === wanted);
  const found = byFullPath.length > 0 ? byFullPath : byName.length > 0 ? byName : writer.components.filter((c) => c.logicalPath === wanted);
  if (found.length === 1) return found[0];
  const offered = writer.components.map(full);
  const why = found.length > 1 ? `names ${found.length} components of ${writer.name}` : `is not a component of ${writer.name}`;
  throw notFound(`${JSON.stringify(wanted)} ${why}`, phase, offered);
}

/** Refuses a writer in a VSS_WS_FAILED_AT_* state: a snapshot it took part in would not be consistent. */
function requireHealthy(writer: Writer, state: WriterState, phase: SnapshotPhase): void {
  if (!isFailedState(state.state)) return;
  const hresult = state.lastError >= 0x80000000 ? state.lastError : HRESULT.VSS_E_WRITER_NOT_RESPONDING;
  throw new VssError(`the writer ${writer.name} is in state ${state.stateName}`, {
    hresult,
    call: 'GatherWriterStatus',
    phase,
    returnedByCall: false,
  });
}

/** The distinct volumes the component's files live on. */
async function volumesOf(run: SnapshotRun, component: WriterComponent): Promise<string[]> {
  let volumes: string[] = [];
  for (const file of component.files) volumes = withVolume(volumes, await run.call('GetVolumeName', () => run.sessionNow().volumeOf(file)));
  if (volumes.length === 0)
    throw new VssError(`the component ${component.name} has no files, so no volume to snapshot`, {
      hresult: HRESULT.VSS_E_OBJECT_NOT_FOUND,
      call: 'GetVolumeName',
      phase: run.phase,
      returnedByCall: false,
    });
  return volumes;
}

/** Waits for this process's turn to create a snapshot set; the returned function ends it (more than once is harmless). */
async function creationTurn(run: SnapshotRun): Promise<() => void> {
  let release: () => void = () => {};
  const mine = new Promise<void>((resolve) => (release = resolve));
  const before = creationQueue;
  creationQueue = before.then(() => mine);
  try {
    await run.stopper.race(before);
  } catch (error) {
    release();
    throw error instanceof StopRequested ? run.stopped(error, 'StartSnapshotSet') : error;
  }
  return release;
}

/** StartSnapshotSet, again every second while another requester holds a set in creation, until the deadline. */
async function startSet(run: SnapshotRun): Promise<string> {
  for (;;) {
    try {
      return await run.call('StartSnapshotSet', () => run.sessionNow().startSnapshotSet());
    } catch (error) {
      if (!(error instanceof VssError) || error.hresult !== HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS) throw error;
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await run.stopper.race(new Promise((r) => (timer = setTimeout(r, SET_IN_PROGRESS_RETRY_MS))));
      } catch (stop) {
        throw stop instanceof StopRequested ? run.stopped(stop, 'StartSnapshotSet') : stop;
      } finally {
        clearTimeout(timer);
      }
    }
  }
}

/** The writers phase: the session, the application's writer (healthy) and the component. */
async function writersPhase(
  run: SnapshotRun,
  backend: Backend,
  app: RegisteredApplication,
  wanted: string,
): Promise<{ writer: Writer; component: WriterComponent }> {
  run.enter('writers');
  run.session = await openSession(backend, (created) => run.call('CreateVssBackupComponents', () => created));
  const writers = await run.call('GatherWriterMetadata', (signal) => run.sessionNow().gatherWriterMetadata(signal));
  const writer = writers.find((w) => w.writerId === app.writerId);
  if (writer === undefined)
    throw notFound(
      `the writer ${app.writerId} of ${app.identifier} is not running or not registered with VSS`,
      'writers',
      writers.map((w) => `${w.name} ${w.writerId}`),
    );
  run.writer = writer;
  run.record.writer = { writerId: writer.writerId, instanceId: writer.instanceId, name: writer.name, before: null, after: null };
  const before = await run.writerStatus(writer);
  run.record.writerState('before', before);
  requireHealthy(writer, before, 'writers');
  const component = findComponent(writer, wanted, 'writers');
  run.record.component = { name: component.name, logicalPath: component.logicalPath };
  return { writer, component };
}

/**
 * The prepare and snapshot phases: the component's volumes in a new set, PrepareForBackup,
 * DoSnapshotSet, each snapshot's device. The process's turn to create a set ends with
 * DoSnapshotSet's success, or in the cleanup (after AbortBackup or the release).
 */
async function snapshotPhases(run: SnapshotRun, writer: Writer, component: WriterComponent): Promise<void> {
  run.enter('prepare');
  const volumes = await volumesOf(run, component);
  await run.call('AddComponent', () => run.sessionNow().addComponent(writer, component));
  run.endTurn = await creationTurn(run);
  run.record.setId = await startSet(run);
  for (const volume of volumes) {
    const snapshotId = await run.call('AddToSnapshotSet', () => run.sessionNow().addToSnapshotSet(volume));
    run.record.volumes.push({ volume, snapshotId, device: null });
  }
  await run.call(
    'PrepareForBackup',
    (signal) => run.sessionNow().prepareForBackup(signal),
    () => (run.prepared = true),
  );
  requireHealthy(writer, await run.writerStatus(writer), 'prepare');

  run.enter('snapshot');
  await run.call(
    'DoSnapshotSet',
    (signal) => run.sessionNow().doSnapshotSet(signal),
    () => (run.snapshotted = true),
  );
  run.endTurn();
  for (const [i, v] of run.record.volumes.entries()) {
    const device = await run.call('GetSnapshotProperties', () => run.sessionNow().snapshotDevice(v.snapshotId));
    run.record.volumes[i] = { ...v, device };
  }
  requireHealthy(writer, await run.writerStatus(writer), 'snapshot');
}

/** The add-in's check as the library runs it (consistency.ts's checkConsistency), passed in so this module does not import its caller. */
export type RunCheck = (
  request: {
    readonly application: string;
    readonly component: string;
    readonly logicalPath: string;
    readonly writerMetadata: string;
    readonly volumes: readonly VolumePair[];
  },
  options: PollOptions & BackendOptions,
) => Promise<CheckResult>;

/** With the snapshot made: the add-in's own check, on the devices, within what is left of the deadline. */
async function checkPhase(
  run: SnapshotRun,
  runCheck: RunCheck,
  check: {
    readonly app: RegisteredApplication;
    readonly writer: Writer;
    readonly component: WriterComponent;
    readonly options: PollOptions & BackendOptions;
  },
): Promise<CheckResult> {
  run.enter('check');
  const volumes = run.record.volumes.flatMap((v) => (v.device === null ? [] : [{ source: v.volume, snapshot: v.device }]));
  const result = await runCheck(
    {
      application: check.app.writerId,
      component: check.component.name,
      logicalPath: check.component.logicalPath,
      writerMetadata: check.writer.metadataXml,
      volumes,
    },
    { ...check.options, timeout: run.remainingMs() },
  );
  run.record.verdict = { outcome: result.outcome, hresult: result.hresult, hex: result.hex, symbol: result.symbol };
  return result;
}

const REQUEST_KEYS = ['application', 'component', 'snapshot'] as const;

/** Validates a check-on-a-snapshot request (a TypeError naming the field) before anything runs. */
function parseSnapshotRequest(raw: unknown): { selector: ReturnType<typeof parseSelector>; component: string } {
  const request = requireStrictObject(raw, 'request', REQUEST_KEYS);
  const component = requireString(request.component, 'request.component');
  return { selector: parseSelector(request.application, 'request.application'), component };
}

/**
 * Run the whole check on demand (the entry point is `checkConsistency` with `snapshot: true`).
 * Rejects with the check's own errors (CheckFailedError, TimeoutError, ...), VssError (a VSS
 * step failed, naming the phase), VssNotFoundError (no such writer or component: what VSS
 * offers), VssUnavailableError; each carries `snapshot`, what was made and how it ended.
 */
export async function runSnapshotCheck(request: unknown, rawOptions: unknown, runCheck: RunCheck): Promise<SnapshotCheckResult> {
  const startedAt = Date.now();
  const { selector, component: wanted } = parseSnapshotRequest(request);
  const { onPhase, ...rest } = optionalObject(rawOptions, 'options');
  const { settings, backend: choice } = parseOptions(rest, 'checkConsistency');
  const backend = backendFor(choice);
  const phaseCallback = optionalFunction<(phase: SnapshotPhase) => void>(onPhase, 'options.onPhase');
  const run = new SnapshotRun(new SnapshotRecord(), { ...settings, startedAt, onPhase: phaseCallback });
  let result: CheckResult | undefined;
  let failure: unknown;
  try {
    const app = await run.race(findApplication(backend, selector));
    run.record.writer = { ...run.record.writer, writerId: app.writerId };
    const { writer, component } = await writersPhase(run, backend, app, wanted);
    await snapshotPhases(run, writer, component);
    result = await checkPhase(run, runCheck, { app, writer, component, options: { ...(rest as PollOptions), backend } });
  } catch (error) {
    failure = error;
  } finally {
    run.stopper.dispose();
  }
  const cleanupFailure = await run.cleanUp();
  const report = run.record.report();
  const thrown = failure ?? cleanupFailure ?? run.callbackFailure;
  if (thrown !== undefined) {
    if (thrown instanceof WsbError) thrown.snapshot = report;
    throw thrown as Error;
  }
  return { ...(result as CheckResult), snapshot: report };
}
