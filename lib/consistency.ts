/**
 * Running a consistency check: validate the request, activate the add-in, call
 * CheckConsistency, poll, and release exactly once on every path.
 */
import { activateWithin } from './activation';
import { findApplication, parseSelector, type ApplicationSelector, type BackendOptions } from './applications';
import { ConsistencyCheck, describeTarget, type CheckResult } from './check';
import { selectBackend, type BackendChoice } from './backends/select';
import type { Backend, BackendAddin, BackendOperation, CheckArguments, VolumePair } from './backends/types';
import { parsePollOptions, type PollOptions } from './options';
import { StopRequested, abortWithin, stopError, type Stopper } from './poll';
import { DEFAULT_RELEASE_TIMEOUT_MS, releaseAll, settlesWithin, trackRelease } from './releases';
import { MAX_WRITER_METADATA_UNITS, optionalString, requireObject, requireVolumes } from './validate';

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
}

/** Options of checkConsistency(): polling, deadline, signal, and the backend. */
export interface CheckOptions extends PollOptions, BackendOptions {}

/** Options of startConsistencyCheck(): the backend, and a signal/deadline for activation and CheckConsistency. */
export interface StartOptions extends BackendOptions, Pick<PollOptions, 'signal' | 'timeout'> {}

interface ParsedRequest {
  readonly selector: ReturnType<typeof parseSelector>;
  readonly args: CheckArguments;
}

function parseRequest(request: unknown): ParsedRequest {
  const r = requireObject(request, 'request');
  return {
    selector: parseSelector(r.application, 'request.application'),
    args: {
      writerMetadata: optionalString(r.writerMetadata, 'request.writerMetadata', MAX_WRITER_METADATA_UNITS),
      component: optionalString(r.component, 'request.component'),
      logicalPath: optionalString(r.logicalPath, 'request.logicalPath'),
      volumes: requireVolumes(r.volumes, 'request.volumes'),
    },
  };
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

async function begin(backend: Backend, parsed: ParsedRequest, stopper: Stopper, startedAt: number): Promise<ConsistencyCheck> {
  const { application, addin } = await activate(backend, parsed, stopper);
  const operation = await callCheckConsistency(addin, parsed.args, stopper);
  return new ConsistencyCheck(addin, operation, application, parsed.args.component, startedAt);
}

function contextOf(parsed: ParsedRequest): string {
  const app = 'writerId' in parsed.selector ? parsed.selector.writerId : JSON.stringify(parsed.selector.identifier);
  return describeTarget(app, parsed.args.component);
}

/** Turn a stop before polling began into TimeoutError/AbortedError; rethrow anything else. */
function asStopError(error: unknown, settings: Parameters<typeof stopError>[3]): unknown {
  if (!(error instanceof StopRequested)) return error;
  return stopError(error.reason, { delivered: false, hresult: undefined }, { polls: 0, lastStatus: undefined }, settings);
}

/**
 * Activate the application's add-in and call CheckConsistency, returning the handle of the
 * running check. The caller owns it and must release it (or use `await using`).
 * @throws TypeError / RangeError for bad input, before any backend call
 */
export async function startConsistencyCheck(request: ConsistencyCheckRequest, options: StartOptions = {}): Promise<ConsistencyCheck> {
  const startedAt = Date.now();
  const parsed = parseRequest(request);
  const settings = parsePollOptions(options, startedAt, contextOf(parsed));
  const backend = selectBackend(requireObject(options, 'options').backend as BackendChoice | undefined);
  const stopper = settings.stopper();
  try {
    return await begin(backend, parsed, stopper, startedAt);
  } catch (error) {
    throw asStopError(error, settings);
  } finally {
    stopper.dispose();
  }
}

/**
 * Run a consistency check to its verdict: activate, CheckConsistency, poll QueryStatus with
 * backoff until the status leaves "in progress", release. Settles once the Releases have
 * returned, or 5 s after the verdict at most (a hung add-in cannot hold it; the Releases go on
 * in the background, and `waitForReleases()` waits for them).
 *
 * Resolves with outcome `consistent`, `no-check-required` or `undocumented-success`.
 * Rejects with CheckFailedError (the check reported failure), AddinCallError and subclasses
 * (a call failed), NotRegisteredError, AccessDeniedError, TimeoutError or AbortedError (after
 * calling Abort once), or TypeError/RangeError for bad input (before any backend call).
 */
export async function checkConsistency(request: ConsistencyCheckRequest, options: CheckOptions = {}): Promise<CheckResult> {
  const check = await startConsistencyCheck(request, options);
  try {
    return await check.wait(options);
  } finally {
    await check.close();
  }
}
