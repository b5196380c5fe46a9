/** Shared helpers of the native tests: scenarios, the binding path, child processes, polling. */
import { spawn } from 'node:child_process';
import { nativeBindingPath, type NativeAddin, type NativeBinding, type NativeOperation, type NativeRuntime } from '../../lib/backends/load';
import { normalizeScenario, type ComponentScenario, type NormalizedScenario } from '../../lib/backends/scenario';

export const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';
export const OTHER_WRITER = '{B65FAA63-5EA8-4EBC-9DBD-A0C4DB26912B}';

/** Two applications sharing one component script table; the second lacks the restore interface. */
export function scenarioWith(components: Record<string, ComponentScenario>): NormalizedScenario {
  return normalizeScenario({
    applications: [
      { writerId: WRITER, identifier: 'Contoso', orderComponents: ['logs', 'db'], components },
      { writerId: OTHER_WRITER, identifier: 'Other', restoreSupport: false, components },
    ],
  });
}

/** Polls `predicate` until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(predicate: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs `script` in a fresh node (CommonJS, `BINDING` and `SCENARIO` defined), killed after `limitMs`. */
export function runChild(script: string, scenario: NormalizedScenario, nodeArgs: string[] = [], limitMs = 10_000): Promise<ChildResult> {
  const preamble = `const BINDING = ${JSON.stringify(nativeBindingPath())}; const SCENARIO = ${JSON.stringify(scenario)};\n`;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, '-e', preamble + script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

/** A fresh native mock add-in for each test of the calling block (see {@link withMockAddin}). */
export interface MockAddinFixture {
  readonly runtime: NativeRuntime;
  readonly addin: NativeAddin;
  /** CheckConsistency on `component`, its operation released after the test. */
  check(component: string): Promise<NativeOperation>;
}

/**
 * Registers hooks on the calling block: before each test a new mock runtime of `scenario` and the
 * WRITER add-in activated on it; after it every operation `check` opened and the add-in are
 * released, and every mock object must be gone. `binding` is read when a test starts.
 */
export function withMockAddin(binding: () => NativeBinding, scenario: NormalizedScenario): MockAddinFixture {
  let current: { runtime: NativeRuntime; addin: NativeAddin } | undefined;
  const opened: NativeOperation[] = [];
  const live = () => {
    if (current === undefined) throw new Error('withMockAddin: used outside a test');
    return current;
  };
  beforeEach(async () => {
    const runtime = binding().createMockRuntime(scenario);
    current = { runtime, addin: await runtime.activate(WRITER, 'Contoso', '{C}') };
  });
  afterEach(async () => {
    const { runtime, addin } = live();
    for (const operation of opened.splice(0)) void operation.release();
    void addin.release();
    expect(await eventually(() => runtime.mockStats()?.liveObjects === 0)).toBe(true);
  });
  return {
    get runtime() {
      return live().runtime;
    },
    get addin() {
      return live().addin;
    },
    async check(component) {
      const operation = await live().addin.checkConsistency(null, component, null, [], []);
      if (!operation) throw new Error(`${component} answered without an async operation`);
      opened.push(operation);
      return operation;
    },
  };
}
