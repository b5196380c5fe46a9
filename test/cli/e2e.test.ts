/**
 * The real `wsbapp` binary (bin/wsbapp.js over dist/), spawned. jest's global setup builds dist/
 * once, as `prepare` does on npm install, so the test sees the current lib/.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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

/** Spawn wsbapp; `onLine` sees each stdout line as it arrives (with the child, to signal it). */
function wsbapp(args: string[], env: NodeJS.ProcessEnv = {}, onLine?: (line: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  const { WSBAPP_BACKEND, WSBAPP_SCENARIO, NO_COLOR, ...inherited } = process.env;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) onLine?.(line, child);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done) => {
    child.on('close', (code) => {
      const lines = args.includes('--json') ? stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : [];
      done({ code, stdout, stderr, lines });
    });
  });
}

const recordFile = () => join(mkdtempSync(join(tmpdir(), 'wsbapp-e2e-')), 'calls.json');

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
    const run = await wsbapp(['check', '--mock', '--app', 'Contoso Mail', '--component', 'Mailbox Database 02', '--interval', '50ms', '--json']);
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
    const run = await wsbapp(['check', '--mock', '--app', 'Contoso Mail', '--component', 'Slow', '--interval', '50ms', '--json'], { WSBAPP_MOCK_RECORD: record }, interruptOnFirstStatus);
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
  ])('%j exits %d', async (args, code) => {
    expect((await wsbapp(args)).code).toBe(code);
  }, 30_000);
});
