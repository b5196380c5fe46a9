/**
 * `wsbapp check`: run one consistency check to its verdict, with live progress, Ctrl+C as
 * Abort, and NDJSON status events for agents.
 */
import {
  AbortedError,
  CheckFailedError,
  checkConsistency,
  DEFAULT_ABORT_TIMEOUT_MS,
  DEFAULT_BACKOFF,
  DEFAULT_INTERVAL_MS,
  DEFAULT_MAX_INTERVAL_MS,
  DEFAULT_TIMEOUT_MS,
  type CheckOptions,
  type CheckResult,
  type ConsistencyCheckRequest,
  type SnapshotCheckRequest,
  type SnapshotCheckResult,
  type SnapshotPhase,
  type StatusEvent,
} from '../../index';
import { BACKEND_OPTIONS, noMorePositionals, parseCommandLine, required } from '../args';
import { withBackend } from '../backend';
import { CheckReport } from '../check-report';
import { BACKEND_FLAGS_HELP, SHARED_FLAGS_HELP, type Command } from '../command';
import { DURATION_HELP, formatDuration, parseDuration } from '../duration';
import { COMMON_EXIT_CODES, ExitCode, exitCodesHelp } from '../exit-codes';
import { parseVolumes, readMetadata } from '../inputs';
import { describeCause, watchInterrupts } from '../interrupt';
import type { CliIo } from '../io';
import { createProgress } from '../progress';
import { writeEvent } from '../ndjson';
import { targetLabel } from '../status-text';
import { UsageError } from '../usage-error';

const OPTIONS = {
  ...BACKEND_OPTIONS,
  app: { type: 'string' },
  component: { type: 'string' },
  'logical-path': { type: 'string' },
  metadata: { type: 'string' },
  volume: { type: 'string', multiple: true },
  interval: { type: 'string' },
  timeout: { type: 'string' },
  'abort-timeout': { type: 'string' },
  snapshot: { type: 'boolean' },
} as const;

const HELP = `Usage: wsbapp check --app APP [--component NAME] [options]
       wsbapp check --snapshot --app APP --component NAME [options]

Run the add-in's consistency check (CheckConsistency, then QueryStatus until done), the way
Windows Server Backup does after taking the shadow copies. Progress goes to stderr, the verdict
to stdout. Ctrl+C (or SIGTERM, SIGHUP, Ctrl+Break) calls Abort on the add-in and waits for its
answer; a second one exits at once. A closed stdout (| head -1) aborts the check quietly.

With --snapshot, wsbapp does what Windows Server Backup does around the check: it finds the
application's VSS writer and the component, snapshots exactly its volumes (a non-persistent
copy backup: no history, no log truncation), checks on the snapshot with the writer's own
metadata, then completes or aborts the backup; nothing is left behind (docs/on-demand.md).

Options:
  --app APP                 application identifier or writer id (GUID); required
  --component NAME          the VSS component to check
  --logical-path PATH       the component's logical path
  --metadata FILE           the writer's metadata document (XML, UTF-8)
  --volume SOURCE=SNAPSHOT  a source volume and its shadow copy; repeatable
  --interval DURATION       first wait between polls (default ${formatDuration(DEFAULT_INTERVAL_MS)}; grows ${DEFAULT_BACKOFF}x up to ${formatDuration(DEFAULT_MAX_INTERVAL_MS)})
  --timeout DURATION        give up (Abort) after this long (default ${formatDuration(DEFAULT_TIMEOUT_MS)})
  --abort-timeout DURATION  how long to wait for Abort's answer (default ${formatDuration(DEFAULT_ABORT_TIMEOUT_MS)})
  --snapshot                snapshot the component's volumes with VSS and check on the snapshot
                            (--component required; --metadata, --volume, --logical-path come from VSS)
${BACKEND_FLAGS_HELP}
${SHARED_FLAGS_HELP}
  ${DURATION_HELP}

${exitCodesHelp([ExitCode.OK, ExitCode.FAILED, ExitCode.TIMEOUT, ...COMMON_EXIT_CODES], { [ExitCode.OK]: 'consistent', [ExitCode.FAILED]: 'check failed' })}`;

type Settled =
  | { readonly kind: 'result'; readonly result: CheckResult | SnapshotCheckResult }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'forced' };

function optionalDuration(text: string | undefined, flag: string): number | undefined {
  return text === undefined ? undefined : parseDuration(text, flag);
}

/** Wait for the check, or for the second Ctrl+C, whichever comes first. */
function settle(running: Promise<CheckResult | SnapshotCheckResult>, forced: Promise<void>): Promise<Settled> {
  return Promise.race([
    running.then(
      (result): Settled => ({ kind: 'result', result }),
      (error: unknown): Settled => ({ kind: 'error', error }),
    ),
    forced.then((): Settled => ({ kind: 'forced' })),
  ]);
}

function conclude(settled: Settled, report: CheckReport, startedAt: number): number {
  if (settled.kind === 'result') return report.verdict(settled.result);
  if (settled.kind === 'error') {
    if (settled.error instanceof CheckFailedError) return report.failed(settled.error);
    throw settled.error;
  }
  // The user would not wait for Abort's answer: report the abort as undelivered.
  const context = `${report.target}; second signal: did not wait for the answer to Abort`;
  throw new AbortedError({
    elapsedMs: Date.now() - startedAt,
    polls: report.polls,
    lastStatus: report.last,
    abortDelivered: false,
    abortHresult: undefined,
    context,
  });
}

/** What the command line asked for. */
interface CheckJob {
  readonly request: ConsistencyCheckRequest | SnapshotCheckRequest;
  readonly options: CheckOptions;
  readonly app: string;
  readonly json: boolean;
}

async function runWatched(job: CheckJob, io: CliIo): Promise<number> {
  const startedAt = Date.now();
  const component = job.request.component ?? null;
  const progress = createProgress(io, job.json, targetLabel(job.app, component), startedAt);
  const report = new CheckReport(io, job.json, job.app, component, progress);
  const waitMs = job.options.abortTimeout ?? DEFAULT_ABORT_TIMEOUT_MS;
  const interrupts = watchInterrupts(io, (cause) =>
    progress.note(
      `${describeCause(cause)}: aborting the check (waiting up to ${formatDuration(waitMs)} for the add-in); Ctrl+C again exits now`,
    ),
  );
  const onStatus = (event: StatusEvent): void => {
    io.trail.at(`check: polling, after QueryStatus answer ${event.polls}`);
    progress.update(event);
    report.status(event);
  };
  const onPhase = (phase: SnapshotPhase): void => {
    io.trail.at(`check: the ${phase} phase`);
    progress.phase(phase);
    if (job.json) writeEvent(io.stdout, 'phase', { phase, elapsedMs: Date.now() - startedAt });
  };
  let settled: Settled;
  io.trail.at('check: activation and CheckConsistency');
  const options = { ...job.options, signal: interrupts.signal, onStatus };
  const running =
    job.request.snapshot === true ? checkConsistency(job.request, { ...options, onPhase }) : checkConsistency(job.request, options);
  try {
    settled = await settle(running, interrupts.forced);
  } finally {
    progress.stop();
    interrupts.dispose();
  }
  return conclude(settled, report, startedAt);
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  noMorePositionals(positionals, 0);
  const app = required(values.app, '--app');
  const request = values.snapshot === true ? snapshotRequest(app, values) : plainRequest(app, values);
  const timing = {
    interval: optionalDuration(values.interval, '--interval'),
    timeout: optionalDuration(values.timeout, '--timeout'),
    abortTimeout: optionalDuration(values['abort-timeout'], '--abort-timeout'),
  };
  const target = { app, component: request.component ?? null };
  return withBackend(
    values,
    io,
    (backend) => runWatched({ request, options: { ...timing, backend }, app, json: values.json === true }, io),
    target,
  );
}

type CheckValues = {
  readonly component?: string;
  readonly 'logical-path'?: string;
  readonly metadata?: string;
  readonly volume?: string[];
};

function plainRequest(app: string, values: CheckValues): ConsistencyCheckRequest {
  return {
    application: app,
    component: values.component,
    logicalPath: values['logical-path'],
    writerMetadata: readMetadata(values.metadata),
    volumes: parseVolumes(values.volume),
  };
}

/** --snapshot: the component is required, and what VSS gives may not be given too. */
function snapshotRequest(app: string, values: CheckValues): SnapshotCheckRequest {
  for (const flag of ['logical-path', 'metadata', 'volume'] as const)
    if (values[flag] !== undefined) throw new UsageError(`--${flag} cannot be given with --snapshot: VSS gives it`);
  return { application: app, component: required(values.component, '--component'), snapshot: true };
}

export const checkCommand: Command = { name: 'check', summary: 'run an add-in consistency check to its verdict', help: HELP, run };
