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
import { callStopError } from '../deadline';
import { type AbortedError, type TimeoutError, VssError, VssNotFoundError, WsbError } from '../errors';
import { decode, HRESULT } from '../hresult';
import { parseOptions, type PollOptions } from '../options';
import { optionalFunction, optionalObject, requireStrictObject, requireString } from '../validate';
import { Stopper, StopRequested } from '../stopper';
import type { SnapshotCleanup, SnapshotPhase, SnapshotReport, SnapshotVolume, VssCallRecord } from './report';
import { openSession } from './session';
import { isFailedState, type VssCall, type VssSession, type Writer, type WriterComponent, type WriterState } from './types';

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

/** How long a wait that was cancelled (IVssAsync::Cancel) may take to end, and each cleanup call. */
export const VSS_CANCEL_WAIT_MS = 5_000;
/** Between tries of StartSnapshotSet while another requester holds a set in creation (restic waits 5 s in all). */
const SET_IN_PROGRESS_RETRY_MS = 1_000;

/** One snapshot set in creation per process at a time: VSS refuses a second (VSS_E_SNAPSHOT_SET_IN_PROGRESS). */
let creationQueue: Promise<void> = Promise.resolve();

/** A run's mutable record, frozen into the SnapshotReport. */
class Record {
  readonly calls: VssCallRecord[] = [];
  readonly phases: { phase: SnapshotPhase; elapsedMs: number }[] = [];
  setId: string | null = null;
  writer: SnapshotReport['writer'];
  component: SnapshotReport['component'] = null;
  volumes: SnapshotVolume[] = [];
  cleanup: SnapshotCleanup = 'release';
  private phaseStarted = 0;

  constructor() {
    this.writer = { writerId: '', instanceId: null, name: null, before: null, after: null };
  }

  /** One VSS call's HRESULT, decoded, and its time since `started` (performance.now()). */
  note(call: VssCall, hresult: number, started: number): void {
    const d = decode(hresult);
    this.calls.push({ call, hresult: d.hresult, hex: d.hex, symbol: d.symbol, elapsedMs: Math.round(performance.now() - started) });
  }

  enter(phase: SnapshotPhase): void {
    this.close();
    this.phaseStarted = performance.now();
    this.phases.push({ phase, elapsedMs: 0 });
  }

  close(): void {
    const last = this.phases.at(-1);
    if (last !== undefined && last.elapsedMs === 0) last.elapsedMs = Math.round(performance.now() - this.phaseStarted);
  }

  report(): SnapshotReport {
    this.close();
    return {
      setId: this.setId,
      writer: this.writer,
      component: this.component,
      volumes: this.volumes,
      phases: this.phases,
      cleanup: this.cleanup,
      calls: this.calls,
    };
  }
}

const stateOf = (s: WriterState): WriterState => ({ state: s.state, stateName: s.stateName, lastError: s.lastError });

/** One run: the session, the stopper, the record, and where the cleanup rules stand. */
class Run {
  session: VssSession | undefined;
  /** PrepareForBackup succeeded: from here a failure needs AbortBackup. */
  prepared = false;
  /** DoSnapshotSet succeeded: from here the end is BackupComplete. */
  snapshotted = false;
  phase: SnapshotPhase = 'writers';
  private readonly cancel = new AbortController();

  constructor(
    readonly stopper: Stopper,
    readonly record: Record,
    readonly options: SnapshotCheckOptions,
    readonly timeoutMs: number,
    readonly startedAt: number,
  ) {
    stopper.onStop(() => this.cancel.abort(new StopRequested(stopper.stoppedBy ?? 'abort')));
  }

  enter(phase: SnapshotPhase): void {
    this.phase = phase;
    this.record.enter(phase);
    this.options.onPhase?.(phase);
  }

  /** One VSS call under the stopper, recorded; a cancelled wait is given VSS_CANCEL_WAIT_MS to end. */
  async call<T>(call: VssCall, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const started = performance.now();
    const pending = work(this.cancel.signal);
    const note = (hresult: number) => this.record.note(call, hresult, started);
    try {
      const value = await this.stopper.race(pending);
      note(HRESULT.S_OK);
      return value;
    } catch (error) {
      if (error instanceof StopRequested) {
        // Cancelled (the session's signal): give the wait its bounded time to end before cleanup.
        await settles(pending, VSS_CANCEL_WAIT_MS);
        note(HRESULT.VSS_S_ASYNC_CANCELLED);
        throw this.stopped(error, call);
      }
      note(error instanceof WsbError ? error.hresult : HRESULT.E_UNEXPECTED);
      throw error;
    }
  }

  /** `work` under the stopper, a stop becoming TimeoutError / AbortedError. */
  async race<T>(work: Promise<T>): Promise<T> {
    try {
      return await this.stopper.race(work);
    } catch (error) {
      throw error instanceof StopRequested ? this.stopped(error, undefined) : error;
    }
  }

  /** The TimeoutError / AbortedError of a stop during `call`. */
  stopped(stop: StopRequested, call: VssCall | undefined): TimeoutError | AbortedError {
    const settings = { timeoutMs: this.timeoutMs, signal: this.options.signal };
    return callStopError(stop.reason, call, `${this.phase} phase of the check on a snapshot`, this.startedAt, settings);
  }

  /** The writer states now: GatherWriterStatus. */
  async statusOf(writer: Writer): Promise<WriterState> {
    const statuses = await this.call('GatherWriterStatus', (signal) => this.sessionNow().gatherWriterStatus(signal));
    const status = statuses.find((s) => s.instanceId === writer.instanceId) ?? statuses.find((s) => s.writerId === writer.writerId);
    if (status === undefined) throw notFound(`the writer ${writer.name} ${writer.writerId} is gone from VSS`, this.phase, []);
    return stateOf(status);
  }

  /** The writer's state once the backup completed (best effort: the verdict does not depend on it). */
  private async recordAfter(cleanup: Stopper, session: VssSession, writer: Writer): Promise<void> {
    const started = performance.now();
    let hresult: number = HRESULT.S_OK;
    try {
      const statuses = await cleanup.race(session.gatherWriterStatus(new AbortController().signal));
      const status = statuses.find((s) => s.instanceId === writer.instanceId);
      if (status !== undefined) this.record.writer = { ...this.record.writer, after: stateOf(status) };
    } catch (error) {
      // `after` stays null: the report says the state after is unknown.
      hresult = error instanceof WsbError ? error.hresult : HRESULT.ERROR_TIMEOUT;
    }
    this.record.note('GatherWriterStatus', hresult, started);
  }

  sessionNow(): VssSession {
    if (this.session === undefined) throw new Error('wsbapp: a VSS call before the backup components object exists (a bug)');
    return this.session;
  }

  /**
   * The end Microsoft's rules give: BackupComplete after a snapshot, AbortBackup after a
   * successful PrepareForBackup, else nothing; then the release. Each bounded, whatever the
   * deadline: a stopped run still cleans up.
   */
  async cleanUp(writer: Writer | undefined): Promise<VssError | undefined> {
    const session = this.session;
    if (session === undefined) return undefined;
    if (this.snapshotted) this.enter('complete');
    this.session = undefined;
    const cleanup = new Stopper(undefined, VSS_CANCEL_WAIT_MS * 2);
    let failure: VssError | undefined;
    const bounded = async (call: VssCall, work: () => Promise<void>) => {
      const started = performance.now();
      try {
        await cleanup.race(work());
        this.record.note(call, HRESULT.S_OK, started);
      } catch (error) {
        const hresult = error instanceof WsbError ? error.hresult : HRESULT.ERROR_TIMEOUT;
        this.record.note(call, hresult, started);
        failure ??=
          error instanceof VssError
            ? error
            : new VssError(`${call} did not return`, { hresult, call, phase: 'complete', returnedByCall: false });
      }
    };
    try {
      if (this.snapshotted) {
        this.record.cleanup = 'backup-complete';
        await bounded('BackupComplete', () => session.backupComplete(new AbortController().signal));
        if (writer !== undefined) await this.recordAfter(cleanup, session, writer);
      } else if (this.prepared) {
        this.record.cleanup = 'abort-backup';
        await bounded('AbortBackup', () => session.abortBackup());
      }
    } finally {
      cleanup.dispose();
      await session.release();
    }
    return failure;
  }
}

/** Waits for `work` to settle, at most `ms`. */
function settles(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

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
  const found =
    writer.components.find((c) => c.name === wanted) ??
    writer.components.find((c) => full(c) === wanted) ??
    writer.components.filter((c) => c.logicalPath === wanted);
  if (!Array.isArray(found)) return found;
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
async function volumesOf(run: Run, component: WriterComponent): Promise<string[]> {
  const volumes: string[] = [];
  for (const file of component.files) {
    const volume = await run.call('GetVolumeName', () => run.sessionNow().volumeOf(file));
    if (!volumes.some((v) => v.toLowerCase() === volume.toLowerCase())) volumes.push(volume);
  }
  if (volumes.length === 0)
    throw new VssError(`the component ${component.name} has no files, so no volume to snapshot`, {
      hresult: HRESULT.VSS_E_OBJECT_NOT_FOUND,
      call: 'GetVolumeName',
      phase: run.phase,
      returnedByCall: false,
    });
  return volumes;
}

/** Waits for this process's turn to create a snapshot set; the returned function ends it. */
async function creationTurn(run: Run): Promise<() => void> {
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
async function startSet(run: Run): Promise<string> {
  for (;;) {
    try {
      return await run.call('StartSnapshotSet', () => run.sessionNow().startSnapshotSet());
    } catch (error) {
      if (!(error instanceof VssError) || error.hresult !== HRESULT.VSS_E_SNAPSHOT_SET_IN_PROGRESS) throw error;
      try {
        await run.stopper.race(new Promise((r) => setTimeout(r, SET_IN_PROGRESS_RETRY_MS)));
      } catch (stop) {
        throw stop instanceof StopRequested ? run.stopped(stop, 'StartSnapshotSet') : stop;
      }
    }
  }
}

/** The phases up to a snapshot of the component's volumes; the writer and component found. */
async function snapshot(run: Run, backend: Backend, app: RegisteredApplication, wanted: string) {
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
  const before = await run.statusOf(writer);
  run.record.writer = { writerId: writer.writerId, instanceId: writer.instanceId, name: writer.name, before, after: null };
  requireHealthy(writer, before, 'writers');
  const component = findComponent(writer, wanted, 'writers');
  run.record.component = { name: component.name, logicalPath: component.logicalPath };

  run.enter('prepare');
  const volumes = await volumesOf(run, component);
  await run.call('AddComponent', () => run.sessionNow().addComponent(writer, component));
  const endTurn = await creationTurn(run);
  try {
    run.record.setId = await startSet(run);
    for (const volume of volumes) {
      const snapshotId = await run.call('AddToSnapshotSet', () => run.sessionNow().addToSnapshotSet(volume));
      run.record.volumes.push({ volume, snapshotId, device: null });
    }
    await run.call('PrepareForBackup', (signal) => run.sessionNow().prepareForBackup(signal));
    run.prepared = true;
    requireHealthy(writer, await run.statusOf(writer), 'prepare');

    run.enter('snapshot');
    await run.call('DoSnapshotSet', (signal) => run.sessionNow().doSnapshotSet(signal));
    run.snapshotted = true;
  } finally {
    endTurn();
  }
  for (const [i, v] of run.record.volumes.entries())
    run.record.volumes[i] = { ...v, device: await run.call('GetSnapshotProperties', () => run.sessionNow().snapshotDevice(v.snapshotId)) };
  requireHealthy(writer, await run.statusOf(writer), 'snapshot');
  return { writer, component };
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

/** With the snapshot made: the add-in's own check, within what is left of the deadline. */
function checkOnSnapshot(
  run: Run,
  runCheck: RunCheck,
  backend: Backend,
  app: RegisteredApplication,
  writer: Writer,
  component: WriterComponent,
) {
  run.enter('check');
  const { onPhase: _onPhase, ...options } = run.options;
  return runCheck(
    {
      application: app.writerId,
      component: component.name,
      logicalPath: component.logicalPath,
      writerMetadata: writer.metadataXml,
      volumes: run.record.volumes.map((v) => ({ source: v.volume, snapshot: v.device ?? '' })),
    },
    { ...options, backend, timeout: Math.max(0, run.timeoutMs - (Date.now() - run.startedAt)) },
  );
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
  const options: SnapshotCheckOptions = {
    ...(rest as PollOptions & BackendOptions),
    onPhase: optionalFunction(onPhase, 'options.onPhase'),
  };
  const backend = backendFor(choice);
  const stopper = new Stopper(settings.signal, settings.timeoutMs);
  const record = new Record();
  const run = new Run(stopper, record, options, settings.timeoutMs, startedAt);
  let result: CheckResult | undefined;
  let failure: unknown;
  let writer: Writer | undefined;
  try {
    const app = await run.race(findApplication(backend, selector));
    record.writer = { ...record.writer, writerId: app.writerId };
    const found = await snapshot(run, backend, app, wanted);
    writer = found.writer;
    result = await checkOnSnapshot(run, runCheck, backend, app, found.writer, found.component);
  } catch (error) {
    failure = error;
  } finally {
    stopper.dispose();
  }
  const cleanupFailure = await run.cleanUp(writer);
  const report = record.report();
  const thrown = failure ?? cleanupFailure;
  if (thrown !== undefined) {
    if (thrown instanceof WsbError) thrown.snapshot = report;
    throw thrown as Error;
  }
  return { ...(result as CheckResult), snapshot: report };
}
