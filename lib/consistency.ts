/**
 * Running a consistency check: validate the request and options (once), activate the add-in,
 * call CheckConsistency, poll (lib/check.ts, lib/poll.ts), and release exactly once on every
 * path. The entry points come first, then each step in the order it runs.
 */
import { activateWithin } from './activation';
import { findApplication, parseSelector, type ApplicationSelector, type BackendOptions } from './applications';
import { nextId, publishCheckEnd, publishCheckStart } from './diagnostics';
import { withTarget } from './errors';
import { ConsistencyCheck, describeTarget, pollToVerdict, type CheckResult } from './check';
import { backendFor } from './backends/default';
import type { Backend, BackendAddin, BackendOperation, CheckArguments, VolumePair } from './backends/types';
import { parseOptions, type PollOptions } from './options';
import { abortWithin, stopError, type PollSettings } from './poll';
import { StopRequested, Stopper } from './stopper';
import { DEFAULT_RELEASE_TIMEOUT_MS, releaseAll, settlesWithin, trackRelease } from './releases';
import { MAX_WRITER_METADATA_UNITS, optionalString, requireBoolean, requireStrictObject, requireVolumes } from './validate';
import { runSnapshotCheck, type SnapshotCheckOptions, type SnapshotCheckRequest, type SnapshotCheckResult } from './vss/on-demand';

/** What to check. Only `application` is required; the rest map to CheckConsistency's optional arguments. */
export interface ConsistencyCheckRequest {
  /** The application: identifier, writer id, `{ writerId }` or `{ identifier }`. */
  readonly application: ApplicationSelector;
  /** The component to check (the VSS component name). */
  readonly component?: string | null;
  /** The component's logical path. */
  readonly logicalPath?: string | null;
  /** The writer's metadata document (XML), up to 16 Mi UTF-16 units. */
  readonly writerMetadata?: string | null;
  /** Source volumes and the snapshots to check, at most 64 pairs. */
  readonly volumes?: readonly VolumePair[];
  /** `true`: snapshot the component's volumes with VSS and check on the snapshot ({@link SnapshotCheckRequest}). */
  readonly snapshot?: false;
}

/** Options of checkConsistency(): polling, deadline, signal, and the backend. */
export interface CheckOptions extends PollOptions, BackendOptions {}

/** Options of startConsistencyCheck(): the backend, and a signal/deadline for activation and CheckConsistency. */
export interface StartOptions extends BackendOptions, Pick<PollOptions, 'signal' | 'timeout'> {}

/**
 * Run a consistency check to its verdict: activate, CheckConsistency, poll QueryStatus with
 * backoff until the status leaves "in progress", release. One deadline and one signal cover
 * the whole walk. Settles once the Releases have returned, or 5 s after the verdict at most (a
 * hung add-in cannot hold it; the Releases go on in the background, and `waitForReleases()`
 * waits for them).
 *
 * Resolves with outcome `consistent`, `no-check-required` or `undocumented-success`.
 * Rejects with CheckFailedError (the check reported failure), AddinCallError and subclasses
 * (a call failed), NotRegisteredError, AccessDeniedError, TimeoutError or AbortedError (after
 * calling Abort once), or TypeError/RangeError for bad input (before any backend call).
 */
export function checkConsistency(request: SnapshotCheckRequest, options?: SnapshotCheckOptions): Promise<SnapshotCheckResult>;
export function checkConsistency(request: ConsistencyCheckRequest, options?: CheckOptions): Promise<CheckResult>;
export function checkConsistency(
  request: ConsistencyCheckRequest | SnapshotCheckRequest,
  options: CheckOptions | SnapshotCheckOptions = {},
): Promise<CheckResult | SnapshotCheckResult> {
  // With `snapshot: true` the caller brings no metadata or volumes: VSS gives them (lib/vss/on-demand.ts).
  if (typeof request === 'object' && request !== null && (request as { snapshot?: unknown }).snapshot === true)
    return runSnapshotCheck(request, options, checkWithoutSnapshot);
  return checkWithoutSnapshot(request as ConsistencyCheckRequest, options);
}

async function checkWithoutSnapshot(request: ConsistencyCheckRequest, options: CheckOptions): Promise<CheckResult> {
  const start = startOf(request, options, 'checkConsistency');
  try {
    const check = await begin(start);
    try {
      return await pollToVerdict(check, start.settings, start.stopper);
    } finally {
      await check.close();
    }
  } finally {
    start.stopper.dispose();
  }
}

/**
 * Activate the application's add-in and call CheckConsistency, returning the handle of the
 * running check. The caller owns it and must release it (or use `await using`).
 * `options.timeout` and `options.signal` bound activation and CheckConsistency only.
 * @throws TypeError / RangeError for bad input, before any backend call
 */
export async function startConsistencyCheck(request: ConsistencyCheckRequest, options: StartOptions = {}): Promise<ConsistencyCheck> {
  const start = startOf(request, options, 'startConsistencyCheck');
  try {
    return await begin(start);
  } finally {
    start.stopper.dispose();
  }
}

/** One check from its start: the request and options, parsed once, and the one deadline and signal. */
interface Start {
  readonly id: number;
  readonly parsed: ParsedRequest;
  readonly settings: PollSettings;
  readonly backend: Backend;
  readonly startedAt: number;
  readonly stopper: Stopper;
}

/**
 * Parse the request and the options of `entry`, select the backend, and arm the check's stopper
 * (the caller disposes it): from here on the check has started.
 */
function startOf(request: unknown, options: unknown, entry: 'checkConsistency' | 'startConsistencyCheck'): Start {
  const startedAt = Date.now();
  const parsed = parseRequest(request);
  const { settings, backend } = parseOptions(options, entry);
  const start = {
    id: nextId(),
    parsed,
    settings,
    backend: backendFor(backend),
    startedAt,
    stopper: Stopper.forCheck(settings, startedAt),
  };
  publishCheckStart(start.id, parsed.application, parsed.args.component, startedAt);
  return start;
}

interface ParsedRequest {
  /** The application as the request named it, for diagnostics. */
  readonly application: ApplicationSelector;
  readonly selector: ReturnType<typeof parseSelector>;
  readonly args: CheckArguments;
}

const REQUEST_KEYS: readonly (keyof ConsistencyCheckRequest)[] = [
  'application',
  'component',
  'logicalPath',
  'writerMetadata',
  'volumes',
  'snapshot',
];

function parseRequest(request: unknown): ParsedRequest {
  const r = requireStrictObject(request, 'request', REQUEST_KEYS);
  if (r.snapshot !== undefined) requireBoolean(r.snapshot, 'request.snapshot');
  const application = r.application;
  return {
    application: application as ApplicationSelector,
    selector: parseSelector(application, 'request.application'),
    args: {
      writerMetadata: optionalString(r.writerMetadata, 'request.writerMetadata', MAX_WRITER_METADATA_UNITS),
      component: optionalString(r.component, 'request.component'),
      logicalPath: optionalString(r.logicalPath, 'request.logicalPath'),
      volumes: requireVolumes(r.volumes, 'request.volumes'),
    },
  };
}

/**
 * Activate and call CheckConsistency under the stopper. A stop before there is an operation to
 * abort becomes TimeoutError / AbortedError with no polls and no Abort. A check that fails here
 * has no handle to release: its end is published now.
 */
async function begin({ id, parsed, settings, backend, startedAt, stopper }: Start): Promise<ConsistencyCheck> {
  try {
    const { application, addin } = await activate(backend, parsed, stopper);
    const operation = await callCheckConsistency(addin, parsed.args, stopper);
    return new ConsistencyCheck(addin, operation, application, parsed.args.component, startedAt, id);
  } catch (error) {
    const thrown =
      error instanceof StopRequested ? stopBeforePolling(error, parsed, startedAt, settings) : withTarget(error, contextOf(parsed));
    publishCheckEnd(id, startedAt, { error: thrown });
    throw thrown;
  }
}

async function activate(backend: Backend, parsed: ParsedRequest, stopper: Stopper) {
  const application = await stopper.race(findApplication(backend, parsed.selector));
  return { application, addin: await activateWithin(backend, application, (_call, work) => stopper.race(work())) };
}

async function callCheckConsistency(addin: BackendAddin, args: CheckArguments, stopper: Stopper): Promise<BackendOperation | null> {
  const call = addin.checkConsistency(args);
  try {
    return await stopper.race(call);
  } catch (error) {
    // Release the add-in now, even at a deadline with the call still running: the native layer
    // cancels calls in flight on a released object, so a hung CheckConsistency ends here.
    const released = releaseAll([addin]);
    // Tracked from now, though its Release starts only once the late object arrives and Abort returned.
    if (error instanceof StopRequested) void trackRelease(call.then(abandonOperation));
    await settlesWithin(released, DEFAULT_RELEASE_TIMEOUT_MS);
    throw error;
  }
}

/** How long a check abandoned at its deadline waits for Abort before releasing the late operation. */
const ABANDON_ABORT_MS = 1_000;

/**
 * An operation that arrived after the check was given up: Abort it (bounded), then release.
 * Abort first, because a Release issued meanwhile would cancel the Abort call in flight.
 */
async function abandonOperation(operation: BackendOperation | null): Promise<void> {
  if (operation === null) return;
  await abortWithin(operation, ABANDON_ABORT_MS);
  await releaseAll([operation]);
}

function stopBeforePolling(stop: StopRequested, parsed: ParsedRequest, startedAt: number, settings: PollSettings) {
  const progress = { startedAt, context: contextOf(parsed), lastStatus: undefined };
  return stopError(stop.reason, { delivered: false, hresult: undefined }, progress, settings);
}

function contextOf(parsed: ParsedRequest): string {
  const app = 'writerId' in parsed.selector ? parsed.selector.writerId : JSON.stringify(parsed.selector.identifier);
  return describeTarget(app, parsed.args.component);
}
