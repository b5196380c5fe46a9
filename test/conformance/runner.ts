/**
 * Runs the conformance table (table.ts) against one backend: every row's calls, through the
 * Backend contract, each outcome compared with the row's. The TypeScript mock and the native mock
 * run it in `npm test`, the sample out-of-process add-in under Wine in `npm run test:com`.
 */
import { normalizeScenario, type NormalizedScenario } from '../../lib/backends/scenario';
import { parseHresult } from '../../lib/hresult';
import type { Backend, BackendAddin, BackendOperation, RegisteredApplication } from '../../lib/backends/types';
import { CONFORMANCE, type Call, type ConformanceRow, type Outcome } from './table';

/** The registration of row `index`: its own writer id and CLSID (to the sample EXE one CLSID is one add-in). */
export function rowApplication(index: number): RegisteredApplication {
  const serial = (index + 1).toString(16).toUpperCase().padStart(12, '0');
  return {
    writerId: `{C0F0A11C-0000-4000-8000-${serial}}`,
    identifier: `conformance ${index + 1}`,
    clsid: `{C0F0C1A5-0000-4000-8000-${serial}}`,
  };
}

/** The scenario of the whole table: one application per row. */
export function conformanceScenario(): NormalizedScenario {
  return normalizeScenario({ applications: CONFORMANCE.map((row, i) => ({ ...row.script, ...rowApplication(i) })) });
}

export interface ConformanceOptions<B extends Backend = Backend> {
  /** The add-in runs in another process: an unwritten [out] status arrives zero-filled (S_OK). */
  readonly outOfProcess?: boolean;
  /** How long a call must stay unsettled to count as 'pending' (default 200 ms). */
  readonly pendingMs?: number;
  /** The backend's objects still alive, once everything was released (0 expected), where it can tell. */
  readonly liveObjects?: (backend: B) => Promise<number>;
}

/** An outcome with every HRESULT as a number, as the calls' results are compared. */
function expected(outcome: Outcome, outOfProcess: boolean): unknown {
  if (outcome === 'unwritten') return outOfProcess ? { status: 0 } : 'broken';
  if (typeof outcome === 'string' || 'order' in outcome || 'supported' in outcome) return outcome;
  if ('fails' in outcome) return { fails: parseHresult(outcome.fails, 'fails') };
  if ('status' in outcome) return { status: parseHresult(outcome.status, 'status') };
  return { returns: parseHresult(outcome.returns, 'returns') };
}

function failure(error: unknown): Outcome {
  if ((error as Error | null)?.name === 'AddinProtocolError') return 'broken';
  const { hresult } = (error ?? {}) as { hresult?: unknown };
  if (typeof hresult === 'number') return { fails: hresult };
  throw error;
}

/** What `promise` comes to, or 'pending' when it has not settled after `pendingMs`. */
async function settle<T>(promise: Promise<T>, value: (result: T) => Outcome, pendingMs: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve('pending'), pendingMs);
  });
  try {
    return await Promise.race([promise.then(value, failure), pending]);
  } finally {
    clearTimeout(timer);
  }
}

/** One activation of a row's add-in: the objects it handed out, released at the end. */
class Session {
  readonly operations: BackendOperation[] = [];

  constructor(
    readonly addin: BackendAddin,
    private readonly pendingMs: number,
  ) {}

  run(call: Call): Promise<Outcome> {
    const current = this.operations.at(-1);
    switch (call.call) {
      case 'check':
        return this.settle(
          this.addin.checkConsistency({ writerMetadata: null, component: call.component, logicalPath: null, volumes: [] }),
          (operation) => {
            if (operation === null) return 'no operation';
            this.operations.push(operation);
            return 'operation';
          },
        );
      case 'status':
        return this.settle(this.operation(current).queryStatus(), ({ status }) => ({ status }));
      case 'abort':
        return this.settle(this.operation(current).abort(), (returns) => ({ returns }));
      case 'preRestore':
      case 'postRestore':
        return this.settle(
          this.addin[call.call]({ writerMetadata: null, component: call.component, logicalPath: null, noRollForward: false }),
          () => 'done',
        );
      case 'order':
        return this.settle(this.addin.orderComponents(call.components), (order) => ({ order }));
      case 'rollForward':
        return this.settle(this.addin.isRollForwardSupported(), (supported) => ({ supported }));
      case 'wait':
        return new Promise((resolve) => setTimeout(() => resolve('done'), call.ms));
    }
  }

  release(): void {
    for (const operation of this.operations) void operation.release();
    void this.addin.release();
  }

  private operation(current: BackendOperation | undefined): BackendOperation {
    if (current === undefined) throw new Error('table error: a status or abort call before any check handed out an operation');
    return current;
  }

  private settle<T>(promise: Promise<T>, value: (result: T) => Outcome): Promise<Outcome> {
    return settle(promise, value, this.pendingMs);
  }
}

/** Every call of `row` on `backend`: [what was called, what it came to], activation first. */
async function play(backend: Backend, row: ConformanceRow, index: number, pendingMs: number): Promise<[string, Outcome][]> {
  let session: Session | undefined;
  // Awaited, not raced: activation takes about a second out of process (no row scripts its hang).
  const activation = await backend.activate(rowApplication(index)).then((addin): Outcome => {
    session = new Session(addin, pendingMs);
    return 'done';
  }, failure);
  const outcomes: [string, Outcome][] = [['activate', activation]];
  if (session === undefined) return outcomes;
  try {
    for (const [call] of row.calls) outcomes.push([call.call, await session.run(call)]);
  } finally {
    session.release();
  }
  return outcomes;
}

/** The table against the backends `makeBackend` builds (one per row, from the whole table's scenario). */
export function describeConformance<B extends Backend>(
  name: string,
  makeBackend: (scenario: NormalizedScenario) => B,
  options: ConformanceOptions<B> = {},
): void {
  const scenario = conformanceScenario();
  describe(`Scenario conformance: ${name}`, () => {
    CONFORMANCE.forEach((row, index) => {
      test(row.name, async () => {
        const outOfProcess = options.outOfProcess === true;
        const backend = makeBackend(scenario);
        const outcomes = await play(backend, row, index, options.pendingMs ?? 200);
        const wanted: [string, unknown][] = [['activate', expected(row.activation ?? 'done', outOfProcess)]];
        if (outcomes[0][1] === 'done')
          wanted.push(...row.calls.map(([call, outcome]): [string, unknown] => [call.call, expected(outcome, outOfProcess)]));
        expect(outcomes).toEqual(wanted);
        if (options.liveObjects) expect(await options.liveObjects(backend)).toBe(0);
      });
    });
  });
}
