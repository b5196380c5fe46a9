/**
 * The real `wsbapp` binary (bin/wsbapp.js over dist/), spawned. jest's global setup builds dist/
 * once, as `prepare` does on npm install, so the test sees the current lib/.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExitCode } from '../../lib/cli/exit-codes';
import { SCENARIO } from './fake-io';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin', 'wsbapp.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly lines: Array<Record<string, unknown>>;
}

interface SpawnOptions {
  /** Where stdout goes: a pipe read by the test (the default), or an open file descriptor. */
  readonly stdout?: number;
  /** Arguments for node before the script, e.g. `-r` of a preload. */
  readonly nodeArgs?: readonly string[];
}

function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { WSBAPP_BACKEND, WSBAPP_SCENARIO, WSBAPP_DEBUG, NO_COLOR, ...inherited } = process.env;
  return { ...inherited, ...env };
}

/** Spawn wsbapp; `onLine` sees each stdout line as it arrives (with the child, to signal it). */
function wsbapp(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  onLine?: (line: string, child: ReturnType<typeof spawn>) => void,
  options: SpawnOptions = {},
): Promise<Run> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) onLine?.(line, child);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done) => {
    child.on('close', (code) => {
      const lines = args.includes('--json')
        ? stdout
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Record<string, unknown>)
        : [];
      done({ code, stdout, stderr, lines });
    });
  });
}

const recordFile = () => join(mkdtempSync(join(tmpdir(), 'wsbapp-e2e-')), 'calls.json');

/** The methods the mock recorded, in order. */
const recordedMethods = (record: string): string[] =>
  (JSON.parse(readFileSync(record, 'utf8')) as Array<{ method: string }>).map((c) => c.method);

/** A check that runs until stopped (the demo's Slow component, polled every 50 ms). */
const SLOW_CHECK = ['check', '--mock', '--app', 'Contoso Mail', '--component', 'Slow', '--interval', '50ms', '--json'];

/** The record of a check that was stopped: Abort was called once, then both objects were released. */
function expectAbortedAndReleased(record: string): void {
  const methods = recordedMethods(record);
  expect(methods.filter((m) => m === 'Abort')).toHaveLength(1);
  expect(methods.indexOf('Abort')).toBeLessThan(methods.indexOf('Release'));
  expect(methods.slice(-2)).toEqual(['Release', 'Release']);
}

/** `sh -c`: for pipelines; resolves with the exit code of wsbapp (the pipeline's first command) and stderr. */
function shell(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', ['-c', `${script}; exit "\${PIPESTATUS[0]}"`], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

const quote = (word: string): string => `'${word.replace(/'/g, "'\\''")}'`;

describe('wsbapp, spawned', () => {
  it('prints its version', async () => {
    const run = await wsbapp(['--version']);
    expect(run.code).toBe(ExitCode.OK);
    expect(run.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('runs the first-run demo check to "consistent", exit 0, with no escape codes in pipes', async () => {
    const run = await wsbapp(['check', '--mock', '--app', 'Contoso Mail', '--component', 'Mailbox Database 01', '--interval', '50ms']);
    expect(run.code).toBe(ExitCode.OK);
    expect(run.stdout).toMatch(/^consistent: "Contoso Mail" \/ "Mailbox Database 01": 0x00000000 S_OK/);
    expect(run.stderr).toContain('poll 1 at');
    expect(run.stdout + run.stderr).not.toContain('\u001b');
  }, 30_000);

  it('prints NDJSON, one status per poll and a result, for a failing check: exit 1', async () => {
    const run = await wsbapp([
      'check',
      '--mock',
      '--app',
      'Contoso Mail',
      '--component',
      'Mailbox Database 02',
      '--interval',
      '50ms',
      '--json',
    ]);
    expect(run.code).toBe(ExitCode.FAILED);
    expect(run.lines.map((l) => [l.v, l.type])).toEqual([
      [1, 'status'],
      [1, 'status'],
      [1, 'status'],
      [1, 'result'],
    ]);
    expect(run.lines.at(-1)).toMatchObject({ outcome: 'failed', hresult: 0x807a0001, hex: '0x807A0001', exitCode: 1 });
  }, 30_000);

  it('turns SIGINT into Abort on the add-in, exit 4, and the mock records it', async () => {
    const record = recordFile();
    let signalled = false;
    const interruptOnFirstStatus = (line: string, child: ReturnType<typeof spawn>) => {
      if (!signalled && line.includes('"type":"status"')) {
        signalled = true;
        child.kill('SIGINT');
      }
    };
    const run = await wsbapp(
      ['check', '--mock', '--app', 'Contoso Mail', '--component', 'Slow', '--interval', '50ms', '--json'],
      { WSBAPP_MOCK_RECORD: record },
      interruptOnFirstStatus,
    );
    expect(run.code).toBe(ExitCode.ABORTED);
    expect(run.lines.at(-1)).toMatchObject({ type: 'error', code: 'ERR_WSB_ABORTED', exitCode: 4 });
    const methods = (JSON.parse(readFileSync(record, 'utf8')) as Array<{ method: string }>).map((c) => c.method);
    expect(methods.filter((m) => m === 'Abort')).toHaveLength(1);
    expect(methods.slice(-2)).toEqual(['Release', 'Release']);
  }, 30_000);

  it('times out with exit 3', async () => {
    const run = await wsbapp(['check', '--mock', '--app', 'Contoso Mail', '--component', 'Slow', '--timeout', '300ms', '--json']);
    expect(run.code).toBe(ExitCode.TIMEOUT);
    expect(run.lines.at(-1)).toMatchObject({ type: 'error', code: 'ERR_WSB_TIMEOUT' });
  }, 30_000);

  it.each([
    [['check', '--mock', '--app', 'Northwind Files (no add-in)'], ExitCode.ADDIN_UNAVAILABLE],
    [['check', '--mock', '--app', 'Contoso Mail', '--volume', 'C:'], ExitCode.USAGE],
    [['restore', 'pre', `--mock=${SCENARIO}`, '--app', 'Quick App', '--component', 'pre-refused'], ExitCode.FAILED],
    [['restore', 'roll-forward', '--mock', '--app', 'Contoso Mail'], ExitCode.OK],
    [['list', '--mock'], ExitCode.OK],
    [['explain', '-2139488255'], ExitCode.OK],
    [['doctor', '--help'], ExitCode.OK],
  ])(
    '%j exits %d',
    async (args, code) => {
      expect((await wsbapp(args)).code).toBe(code);
    },
    30_000,
  );

  describe('signals and streams', () => {
    it.each([['SIGTERM'], ['SIGHUP']] as const)(
      'treats %s like Ctrl+C: Abort, Release, the record written, exit 4',
      async (signal) => {
        const record = recordFile();
        let signalled = false;
        const signalOnFirstStatus = (line: string, child: ReturnType<typeof spawn>) => {
          if (!signalled && line.includes('"type":"status"')) {
            signalled = true;
            child.kill(signal);
          }
        };
        const run = await wsbapp(SLOW_CHECK, { WSBAPP_MOCK_RECORD: record }, signalOnFirstStatus);
        expect(signalled).toBe(true);
        expect(run.code).toBe(ExitCode.ABORTED);
        expect(run.lines.at(-1)).toMatchObject({
          type: 'error',
          code: 'ERR_WSB_ABORTED',
          abortDelivered: true,
          abortHresult: { hex: '0x00000000', symbol: 'S_OK' },
          exitCode: 4,
        });
        expect(run.lines.at(-1)?.polls).toBeGreaterThanOrEqual(1);
        expectAbortedAndReleased(record);
      },
      30_000,
    );

    it('ends quietly when its reader goes away (| head -1): Abort, Release, the record written, exit 141', async () => {
      const record = recordFile();
      const run = await shell(`${quote(process.execPath)} ${quote(BIN)} ${SLOW_CHECK.map(quote).join(' ')} | head -1`, {
        WSBAPP_MOCK_RECORD: record,
      });
      expect(run.code).toBe(ExitCode.OUTPUT_CLOSED);
      expect(JSON.parse(run.stdout)).toMatchObject({ v: 1, type: 'status' });
      expect(run.stderr).toBe('');
      expectAbortedAndReleased(record);
    }, 30_000);

    it('reports a full disk on stdout in one line, no stack trace, exit 74', async () => {
      const fd = openSync('/dev/full', 'w');
      try {
        const run = await wsbapp(['explain', 'E_FAIL'], {}, undefined, { stdout: fd });
        expect(run.code).toBe(ExitCode.OUTPUT_ERROR);
        expect(run.stderr).toBe('wsbapp explain: cannot write the output: ENOSPC: no space left on device, write\n');
      } finally {
        closeSync(fd);
      }
    }, 30_000);

    it('stops a running check whose stdout fails: Abort, Release, exit 74', async () => {
      const record = recordFile();
      const fd = openSync('/dev/full', 'w');
      try {
        const run = await wsbapp(SLOW_CHECK, { WSBAPP_MOCK_RECORD: record }, undefined, { stdout: fd });
        expect(run.code).toBe(ExitCode.OUTPUT_ERROR);
        expect(run.stderr.trim().split('\n')).toEqual(['wsbapp check: cannot write the output: ENOSPC: no space left on device, write']);
        expectAbortedAndReleased(record);
      } finally {
        closeSync(fd);
      }
    }, 30_000);
  });

  describe('errors', () => {
    it('names the nearest flag for a typo, exit 2', async () => {
      const run = await wsbapp(['check', '--mock', '--app', 'Contoso Mail', '--intervl', '5']);
      expect(run.code).toBe(ExitCode.USAGE);
      expect(run.stderr).toContain("Unknown option '--intervl' (did you mean '--interval'?)");
    }, 30_000);

    it('rejects a broken scenario file: the file named, ERR_WSB_SCENARIO, exit 2', async () => {
      const file = join(ROOT, 'test/cli/fixtures/broken-scenario.json');
      const run = await wsbapp(['list', `--mock=${file}`, '--json']);
      expect(run.code).toBe(ExitCode.USAGE);
      expect(run.lines.at(-1)).toMatchObject({
        type: 'error',
        code: 'ERR_WSB_SCENARIO',
        message: expect.stringContaining(`${file}: not valid JSON`),
        exitCode: 2,
      });
    }, 30_000);

    it('reports a bug in wsbapp as exit 70, one line and no stack (the stack with WSBAPP_DEBUG=1)', async () => {
      const preload = ['-r', join(ROOT, 'test/cli/fixtures/break-mock.js')];
      const run = await wsbapp(['list', '--mock', '--json'], {}, undefined, { nodeArgs: preload });
      expect(run.code).toBe(ExitCode.INTERNAL);
      expect(run.lines.at(-1)).toMatchObject({
        type: 'error',
        code: 'ERR_INTERNAL',
        message: expect.stringContaining('Cannot read properties of undefined'),
        exitCode: 70,
      });
      expect(run.stderr).toMatch(/^wsbapp list: internal error, please report it: Cannot read properties of undefined/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const debug = await wsbapp(['list', '--mock'], { WSBAPP_DEBUG: '1' }, undefined, { nodeArgs: preload });
      expect(debug.code).toBe(ExitCode.INTERNAL);
      expect(debug.stderr).toMatch(/\n\s+at /);
    }, 30_000);
  });
});
