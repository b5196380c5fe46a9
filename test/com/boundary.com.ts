/**
 * The process boundary under real COM (the sample add-in out of process, node.exe under Wine or
 * on Windows):
 * - 20 consecutive CLI runs (check: consistent, failed, timeout, crash; restore: pre, post,
 *   order), each followed by the add-in's log: every object got its final Release before the
 *   client process ended, and the add-in process exited;
 * - a PreRestore, OrderComponents or activation that hangs in the add-in: in a child node.exe the
 *   deadline fires, the error names the call, and the child exits on its own.
 * Client processes write to files, never pipes (an add-in started by COM inherits handles).
 */
import './harness/jest-globals';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeScenario } from '../../lib/backends/scenario';
import { registerScenario, root, sampleDir, type LogLine } from './harness/sample-addin';

const running = 'WSBAPP_ASYNC_IN_PROGRESS';
const diagnostic = (text: string) => console.log(`# ${text}`);

const addin = registerScenario(
  'boundary',
  normalizeScenario({
    applications: [
      {
        writerId: '{A2000000-0000-4000-8000-000000000001}',
        clsid: '{C2000000-0000-4000-8000-000000000001}',
        identifier: 'Boundary',
        orderComponents: ['logs', 'db'],
        components: {
          ok: { statuses: [running, 'S_OK'] },
          fails: { statuses: [running, 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED'] },
          forever: { statuses: [running] },
          crashes: { statuses: [running, { crash: true }] },
          restoreHangs: { preRestore: 'hang' },
        },
      },
      {
        writerId: '{A2000000-0000-4000-8000-000000000002}',
        clsid: '{C2000000-0000-4000-8000-000000000002}',
        identifier: 'Order hangs',
        orderComponents: 'hang',
      },
      {
        writerId: '{A2000000-0000-4000-8000-000000000003}',
        clsid: '{C2000000-0000-4000-8000-000000000003}',
        identifier: 'Activation hangs',
        activation: 'hang',
      },
    ],
  }),
  30,
  0, // one activation per process: each run's add-in process exits with its last object
);

interface Exited {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

let children = 0;
/** node.exe with `args`, output to files, killed after `limitMs`. */
function runNode(args: string[], limitMs = 60_000): Promise<Exited> {
  const base = join(sampleDir, `boundary-child-${(children += 1)}`);
  const out = openSync(`${base}.out`, 'w');
  const err = openSync(`${base}.err`, 'w');
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', out, err], windowsHide: true });
    const killer = setTimeout(() => child.kill(), limitMs);
    child.on('exit', (code) => {
      clearTimeout(killer);
      closeSync(out);
      closeSync(err);
      resolve({
        code,
        stdout: readFileSync(`${base}.out`, 'utf8'),
        stderr: readFileSync(`${base}.err`, 'utf8'),
        elapsedMs: Date.now() - started,
      });
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function exitedWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

const cli = join(root, 'bin', 'wsbapp.js');

/** The 20 runs: what each does, the exit code documented for it, and the objects it must release. */
const KINDS = {
  'check consistent': {
    args: ['check', '--app', 'Boundary', '--component', 'ok', '--interval', '10ms'],
    code: 0,
    objects: ['addin', 'check'],
  },
  'check failed': {
    args: ['check', '--app', 'Boundary', '--component', 'fails', '--interval', '10ms'],
    code: 1,
    objects: ['addin', 'check'],
  },
  'check timeout': {
    args: ['check', '--app', 'Boundary', '--component', 'forever', '--interval', '50ms', '--timeout', '3s'],
    code: 3,
    objects: ['addin', 'check'],
  },
  'check crash': { args: ['check', '--app', 'Boundary', '--component', 'crashes', '--interval', '10ms'], code: 5, objects: [] },
  'restore pre': { args: ['restore', 'pre', '--app', 'Boundary', '--component', 'ok'], code: 0, objects: ['addin'] },
  'restore post': { args: ['restore', 'post', '--app', 'Boundary', '--component', 'ok'], code: 0, objects: ['addin'] },
  'restore order': {
    args: ['restore', 'order', '--app', 'Boundary', '--component', 'db=Mail', '--component', 'logs=Mail'],
    code: 0,
    objects: ['addin'],
  },
} as const;
type Kind = keyof typeof KINDS;
const RUNS: Kind[] = (
  ['check consistent', 'check failed', 'check timeout', 'check crash', 'restore pre', 'restore post', 'restore order'] as const
)
  .flatMap((k) => [k, k, k])
  .slice(0, 20) as Kind[];

interface Row {
  readonly run: number;
  readonly kind: Kind;
  readonly exitCode: number | null;
  readonly releasedBeforeExit: string;
  readonly addinExited: string;
}

test('20 consecutive CLI runs: every object got its final Release before the client ended, and the add-in process exited', async () => {
  const rows: Row[] = [];
  for (const [i, kind] of RUNS.entries()) {
    const before = addin.log().length;
    const { args, code, objects } = KINDS[kind];
    const child = await runNode([cli, ...args]);
    // Read at once: what is in the log now reached the add-in before the client process ended.
    const lines = addin.log().slice(before);
    const start = lines.find((l) => l.event === 'start');
    const pid = start?.pid;
    const released = lines.filter((l: LogLine) => l.event === 'Release' && l.pid === pid).map((l) => String(l.object));
    const exited = pid !== undefined && (await exitedWithin(pid, 10_000));
    const exitLine = addin.log().find((l) => l.pid === pid && l.event === 'exit');
    rows.push({
      run: i + 1,
      kind,
      exitCode: child.code,
      releasedBeforeExit: released.sort().join('+') || 'none',
      addinExited: exited ? (typeof exitLine?.reason === 'string' ? exitLine.reason : 'terminated (crash)') : 'NO',
    });
    expect({ kind, code: child.code, released: released.sort(), exited }).toEqual({
      kind,
      code,
      released: [...objects].sort(),
      exited: true,
    });
    if (kind === 'check crash') expect(exitLine).toBeUndefined();
    else expect(exitLine).toMatchObject({ reason: 'last object released' });
  }
  diagnostic('| run | kind | exit code | final Releases seen before the client ended | add-in process exited |');
  diagnostic('|---|---|---|---|---|');
  for (const r of rows) diagnostic(`| ${r.run} | ${r.kind} | ${r.exitCode} | ${r.releasedBeforeExit} | ${r.addinExited} |`);
}, 600_000);

describe('a call that hangs in the add-in: the deadline fires, the error names it, the process exits', () => {
  const dist = JSON.stringify(join(root, 'dist', 'index.js'));
  const calls = {
    PreRestore: `lib.preRestore('Boundary', { component: 'restoreHangs' }, { timeout: 4000 })`,
    OrderComponents: `lib.orderComponents('Order hangs', [{ name: 'db', logicalPath: 'Mail' }], { timeout: 4000 })`,
    Activate: `lib.openRestoreSession('Activation hangs', { timeout: 4000 })`,
  };
  test.each(Object.entries(calls))('%s', async (call, expression) => {
    const script = join(sampleDir, `boundary-hang-${call}.js`);
    writeFileSync(
      script,
      `const lib = require(${dist});
       ${expression}.then(
         () => console.log('resolved'),
         (e) => console.log(JSON.stringify({ name: e.name, call: e.call, message: e.message })),
       );`,
    );
    const child = await runNode([script], 60_000);
    diagnostic(`${call}: child exited with ${child.code} after ${child.elapsedMs} ms: ${child.stdout.trim()}`);
    expect({ code: child.code, stderr: child.stderr }).toEqual({ code: 0, stderr: '' });
    const error = JSON.parse(child.stdout) as { name: string; call: string; message: string };
    expect(error).toMatchObject({ name: 'TimeoutError', call });
    expect(error.message).toMatch(/application "(Boundary|Order hangs|Activation hangs)"/);
  });
});
