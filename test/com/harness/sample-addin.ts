/**
 * The sample out-of-process add-in (examples/sample-addin), as the real-COM tests use it under
 * Wine or on Windows: register a scenario (replacing every other WSB application), read the
 * add-in's call log, edit the registry with reg.exe. Runs in the Windows node.exe.
 *
 * test-com.sh passes, as Windows paths: WSBAPP_ROOT (the repository) and WSBAPP_SAMPLE_DIR (the
 * built add-in, proxy DLL and client).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NormalizedScenario } from '../../../lib/backends/scenario';
import { processIo } from '../../../lib/cli/io';
import { ProcessCounter } from '../../../lib/machine/processes';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (process.platform !== 'win32' || !value) {
    throw new Error(`the real-COM tests run with node.exe on Windows or under Wine, with ${name} set: use npm run test:com`);
  }
  return value;
}

export const sampleDir = requiredEnv('WSBAPP_SAMPLE_DIR');
export const root = requiredEnv('WSBAPP_ROOT');
export const addinExe = join(sampleDir, 'wsbapp-sample-addin.exe');
export const proxyDll = join(sampleDir, 'wsbapp-proxy.dll');
/** Whether this Windows is Wine (whose prefix has winecfg.exe in System32), for its known defects. */
export const underWine = existsSync(join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'winecfg.exe'));

const processes = new ProcessCounter(processIo().machine);

/**
 * Until no sample server runs (an earlier configuration's idle or hung ones), at most `limitMs`,
 * so none serves a stale scenario. Waited for, never killed: a killed server that had registered
 * its class again leaves Wine's rpcss a dead registration that the next activation would be handed.
 */
export async function noSampleServers(limitMs: number): Promise<void> {
  for (let waited = 0; ((await processes.count(addinExe)) ?? 0) > 0 && waited < limitMs; waited += 250)
    await new Promise((r) => setTimeout(r, 250));
}

/** One JSON line of the add-in's log: `pid` of the process, `event`, then the event's fields. */
export interface LogLine {
  readonly pid: number;
  readonly event: string;
  readonly [field: string]: unknown;
}

interface Registrar {
  register(options: {
    exe: string;
    proxy: string;
    scenario: string;
    log: string;
    watchdogSeconds: number;
    idleSeconds: number;
    replace: boolean;
  }): unknown;
}
// The installer-like script the add-in's README documents: the tests register exactly as a user would.
const registrar = require(join(root, 'examples', 'sample-addin', 'register.js')) as Registrar;

/** What registerScenario() set up: where the add-in logs, and how to read it. */
export interface Registered {
  readonly logFile: string;
  /** Every line logged so far, by every add-in process. */
  log(): LogLine[];
  /**
   * The lines of the activation that served the last CheckConsistency of `component`: its
   * process's lines from the CreateInstance before that call to the next CreateInstance (a
   * process serves one activation at a time, then may serve another: see registerScenario).
   */
  processOf(component: string): LogLine[];
}

/**
 * Register `scenario` (normalised) as the only WSB applications, served by the sample EXE, with a
 * fresh log. `watchdogSeconds` bounds every activation (scripted hangs included). `idleSeconds`
 * 0 makes every process serve one activation and exit with its last object (no concurrency then).
 *
 * The add-in processes serve again once their activation is over (IdleSeconds): Wine 8 does not
 * pair a client with the server it launched, and with one activation per process concurrent
 * activations fail with E_NOINTERFACE (examples/sample-addin/src/main.cpp, README, "Testing real COM without Windows").
 * test-com.sh ends them after each test file, so none outlives the scenario it read.
 * `idleSeconds` (default: the watchdog) is how long a released server waits for another activation.
 */
export function registerScenario(
  name: string,
  scenario: NormalizedScenario,
  watchdogSeconds = 60,
  idleSeconds = watchdogSeconds,
): Registered {
  const scenarioFile = join(sampleDir, `${name}.scenario.json`);
  const logFile = join(sampleDir, `${name}.log`);
  writeFileSync(scenarioFile, JSON.stringify(scenario, null, 1));
  writeFileSync(logFile, '');
  registrar.register({ exe: addinExe, proxy: proxyDll, scenario: scenarioFile, log: logFile, watchdogSeconds, idleSeconds, replace: true });
  const log = () =>
    readFileSync(logFile, 'utf8')
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LogLine);
  return {
    logFile,
    log,
    processOf(component) {
      const lines = log();
      const check = lines.filter((l) => l.event === 'CheckConsistency' && l.component === component).at(-1);
      if (!check) throw new Error(`the add-in logged no CheckConsistency of ${component}`);
      const ofProcess = lines.filter((l) => l.pid === check.pid);
      const at = ofProcess.indexOf(check);
      let begin = at;
      while (begin > 0 && ofProcess[begin].event !== 'CreateInstance') begin -= 1;
      const end = ofProcess.findIndex((l, i) => i > at && l.event === 'CreateInstance');
      return ofProcess.slice(begin, end === -1 ? undefined : end);
    },
  };
}

/**
 * reg.exe with `args`; throws when it fails. No pipes: under Wine a service process reg.exe
 * wakes could inherit them and keep the call waiting.
 */
export function reg(...args: string[]): void {
  execFileSync(join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'reg.exe'), args, {
    stdio: 'ignore',
    windowsHide: true,
    timeout: 60_000,
  });
}
