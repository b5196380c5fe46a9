/**
 * Runs the VSS conformance table (table.ts) against the requesters `make` builds: each row on
 * a fresh machine, its steps in order, each outcome compared with the table's.
 */
import { normalizeScenario, type VssRequester, type VssSession, type WsbError } from '../../lib';
import type { NormalizedVss } from '../../lib/vss/scenario';
import { VSS_CONFORMANCE, WRITER, type VssOutcome, type VssStep } from './table';

const CANCELLED = new Error('cancelled by the conformance runner');

/** The outcome of `work`, or `pending` when it has not settled within `pendingMs`. */
async function outcomeOf(work: Promise<unknown>, pendingMs: number): Promise<VssOutcome | { value: unknown }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), pendingMs)));
  try {
    return await Promise.race([
      work.then(
        (value) => (value === undefined ? 'done' : { value }),
        (error: unknown) => (error === CANCELLED ? 'cancelled' : { fails: (error as WsbError).symbol ?? String(error) }),
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** One row's machine: up to two sessions, the wait in flight, the last snapshot id. */
class Play {
  readonly sessions: (VssSession | undefined)[] = [];
  private waiting: { work: Promise<unknown>; cancel: AbortController } | undefined;
  private snapshotId: string | undefined;

  constructor(
    private readonly requester: VssRequester,
    private readonly pendingMs: number,
    /** The row's first writer, whose component addComponent adds. */
    private readonly writer: { readonly writerId: string; readonly instanceId: string },
  ) {}

  step(step: VssStep): Promise<unknown> {
    if (step.step === 'create') return this.requester.createBackupComponents().then((s) => void (this.sessions[step.session] = s));
    const session = this.sessions[step.session];
    if (session === undefined) throw new Error(`table error: session ${step.session} used before create`);
    const cancel = new AbortController();
    const wait = <T>(work: Promise<T>) => ((this.waiting = { work, cancel }), work);
    switch (step.step) {
      case 'gatherWriterMetadata':
        return wait(session.gatherWriterMetadata(cancel.signal)).then((ws) => ws.map((w) => w.name));
      case 'gatherWriterStatus':
        return wait(session.gatherWriterStatus(cancel.signal)).then((ss) => ss.map((s) => s.stateName));
      case 'volumeOf':
        return session.volumeOf(step.path);
      case 'addComponent':
        return session.addComponent(this.writer, { name: 'db', logicalPath: 'Mail', files: [] });
      case 'startSnapshotSet':
        return session.startSnapshotSet();
      case 'addToSnapshotSet':
        return session.addToSnapshotSet(step.volume).then((id) => (this.snapshotId = id));
      case 'prepareForBackup':
        return wait(session.prepareForBackup(cancel.signal));
      case 'doSnapshotSet':
        return wait(session.doSnapshotSet(cancel.signal));
      case 'snapshotDevice':
        return session.snapshotDevice(this.snapshotId ?? '');
      case 'backupComplete':
        return wait(session.backupComplete(cancel.signal));
      case 'abortBackup':
        return session.abortBackup();
      case 'cancel': {
        const waiting = this.waiting;
        if (waiting === undefined) throw new Error('table error: cancel with no wait in flight');
        waiting.cancel.abort(CANCELLED);
        return waiting.work;
      }
    }
  }

  outcome(step: VssStep): Promise<VssOutcome | { value: unknown }> {
    return outcomeOf(
      Promise.resolve().then(() => this.step(step)),
      this.pendingMs,
    );
  }

  release(): Promise<unknown> {
    this.waiting?.cancel.abort(CANCELLED);
    return Promise.all(this.sessions.flatMap((s) => (s === undefined ? [] : [s.release()])));
  }
}

/** A table outcome as jest compares it: `matches` becomes expect.stringMatching. */
function expected(outcome: VssOutcome): unknown {
  return typeof outcome === 'object' && 'matches' in outcome ? { value: expect.stringMatching(outcome.matches) } : outcome;
}

/**
 * `pendingMs`: how long a step may take before it counts as pending (a native wait looks at a
 * cancellation every 100 ms, so the native engines need more than the TypeScript mock).
 * `after`: a check of the engine once a row's sessions are released (nothing left alive).
 * `timeoutMs`: a row's bound (a native wait that ignores Cancel keeps its thread, and so its
 * object, for kCancelledWaitMs, 5 s, before the release can finish).
 */
export function describeVssConformance(
  name: string,
  make: (vss: NormalizedVss) => VssRequester,
  pendingMs = 100,
  after?: (requester: VssRequester) => void,
  timeoutMs = 5_000,
): void {
  describe(`VSS conformance: ${name}`, () => {
    test.each(VSS_CONFORMANCE.map((row) => [row.name, row] as const))(
      '%s',
      async (_name, row) => {
        const vss = normalizeScenario({ applications: [], vss: row.vss }).vss;
        if (vss === undefined) throw new Error('table error: no vss');
        const writer = vss.writers[0] ?? { writerId: WRITER, instanceId: WRITER };
        const requester = make(vss);
        const play = new Play(requester, pendingMs, writer);
        const seen: [string, unknown][] = [];
        try {
          for (const [step] of row.steps) seen.push([step.step, await play.outcome(step)]);
        } finally {
          await play.release();
        }
        expect(seen).toEqual(row.steps.map(([step, outcome]) => [step.step, expected(outcome)]));
        after?.(requester);
      },
      timeoutMs,
    );
  });
}
