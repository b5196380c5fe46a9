import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../lib/cli/main';
import { ExitCode } from '../../lib/cli/exit-codes';
import { fakeIo, FIXTURES, SCENARIO, type FakeIoOptions } from './fake-io';

const FAST = ['--interval', '1ms'];

async function check(args: string[], options: FakeIoOptions = {}) {
  const io = fakeIo(options);
  // A one-value flag may be given once: the test's own --interval replaces the fast default.
  const fast = args.some((a) => a.startsWith('--interval')) ? [] : FAST;
  const code = await runCli(['check', '--mock', SCENARIO, '--app', 'Quick App', ...fast, ...args], io);
  return { code, io };
}

describe('wsbapp check', () => {
  it('reports a consistent component and exits 0', async () => {
    const { code, io } = await check(['--component', 'ok']);
    expect(code).toBe(ExitCode.OK);
    expect(io.out()).toMatch(/^consistent: "Quick App" \/ "ok": 0x00000000 S_OK \(2 polls, /);
    expect(io.err()).toContain('poll 1 at ');
    expect(io.err()).toContain('in progress (0x407A0004 WSBAPP_ASYNC_IN_PROGRESS)');
  });

  it('prints one status event per poll and a final result with --json', async () => {
    const { code, io } = await check(['--component', 'ok', '--json']);
    const events = io.events();
    expect(code).toBe(ExitCode.OK);
    expect(events.map((e) => e.type)).toEqual(['status', 'status', 'result']);
    expect(events.every((e) => e.v === 1)).toBe(true);
    expect(events[0]).toMatchObject({
      state: 'running',
      hresult: 0x407a0004,
      hex: '0x407A0004',
      symbol: 'WSBAPP_ASYNC_IN_PROGRESS',
      polls: 1,
    });
    expect(events[2]).toMatchObject({
      command: 'check',
      app: 'Quick App',
      component: 'ok',
      outcome: 'consistent',
      hresult: 0,
      hex: '0x00000000',
      symbol: 'S_OK',
      polls: 2,
      exitCode: 0,
    });
    expect(io.err()).toBe('');
  });

  it('reports a failed check as a verdict and exits 1', async () => {
    const { code, io } = await check(['--component', 'bad', '--json']);
    expect(code).toBe(ExitCode.FAILED);
    expect(io.events().at(-1)).toMatchObject({
      type: 'result',
      outcome: 'failed',
      hresult: 0x807a0001,
      symbol: 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED',
      exitCode: 1,
    });
  });

  it('says in words why a check failed', async () => {
    const { code, io } = await check(['--component', 'refused']);
    expect(code).toBe(ExitCode.FAILED);
    expect(io.out()).toMatch(
      /^FAILED: "Quick App" \/ "refused": 0x807A0001 WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED, the component failed its application consistency check \(0 polls/,
    );
  });

  it('admits an unknown failure code', async () => {
    const { io } = await check(['--component', 'unknown-failure']);
    expect(io.out()).toContain('0x8123ABCD, a failure code neither Windows nor wsbapp defines');
  });

  it('reports "no check required" when the add-in hands back no async object', async () => {
    const { code, io } = await check(['--component', 'none', '--json']);
    expect(code).toBe(ExitCode.OK);
    expect(io.events()).toEqual([expect.objectContaining({ type: 'result', outcome: 'no-check-required', polls: 0 })]);
  });

  it('warns about an undocumented success code', async () => {
    const { code, io } = await check(['--component', 'odd']);
    expect(code).toBe(ExitCode.OK);
    expect(io.out()).toContain('finished with an undocumented success code: "Quick App" / "odd": 0x00000001 S_FALSE');
    expect(io.err()).toContain('warning: the final status 0x00000001 S_FALSE is a success code the WSB API does not define');
  });

  it('warns once about the metadata value of "in progress"', async () => {
    const { io } = await check(['--component', 'metadata-value', '--json']);
    const warnings = io.events().filter((e) => e.type === 'warning');
    expect(warnings).toEqual([expect.objectContaining({ v: 1, code: 'IN_PROGRESS_METADATA_VALUE' })]);
  });

  it('times out, aborts the add-in and exits 3', async () => {
    const { code, io } = await check(['--component', 'forever', '--timeout', '30ms', '--json']);
    expect(code).toBe(ExitCode.TIMEOUT);
    expect(io.events().at(-1)).toMatchObject({ type: 'error', code: 'ERR_WSB_TIMEOUT', hex: '0x800705B4', exitCode: 3 });
  });

  it('turns Ctrl+C into Abort on the add-in and exits 4', async () => {
    const record = join(mkdtempSync(join(tmpdir(), 'wsbapp-cli-')), 'calls.json');
    const pressOnFirstStatus = (text: string, io: { interrupt(): void }) => {
      if (text.includes('"type":"status"')) io.interrupt();
    };
    const { code, io } = await check(['--component', 'forever', '--json'], {
      env: { WSBAPP_MOCK_RECORD: record },
      onStdout: pressOnFirstStatus,
    });
    expect(code).toBe(ExitCode.ABORTED);
    expect(io.events().at(-1)).toMatchObject({ type: 'error', code: 'ERR_WSB_ABORTED', exitCode: 4 });
    const calls = JSON.parse(readFileSync(record, 'utf8')) as Array<{ method: string }>;
    expect(calls.filter((c) => c.method === 'Abort')).toHaveLength(1);
    expect(calls.filter((c) => c.method === 'Release')).toHaveLength(2);
    expect(io.listeners()).toBe(0);
  });

  it('says on stderr that it is aborting, and how to stop waiting', async () => {
    const io = fakeIo({ onStdout: () => {} });
    const running = runCli(
      ['check', '--mock', SCENARIO, '--app', 'Quick App', '--component', 'stuck', ...FAST, '--abort-timeout', '20ms'],
      io,
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    io.interrupt();
    expect(await running).toBe(ExitCode.ABORTED);
    expect(io.err()).toContain('Ctrl+C: aborting the check (waiting up to 20ms for the add-in); Ctrl+C again exits now');
    expect(io.err()).toContain('Abort did not return in time');
  });

  it('names a signal other than Ctrl+C in its note', async () => {
    const io = fakeIo({ onStdout: () => {} });
    const running = runCli(['check', '--mock', SCENARIO, '--app', 'Quick App', '--component', 'forever', ...FAST], io);
    await new Promise((resolve) => setTimeout(resolve, 0));
    io.interrupt({ kind: 'signal', signal: 'SIGTERM' });
    expect(await running).toBe(ExitCode.ABORTED);
    expect(io.err()).toContain('SIGTERM: aborting the check');
  });

  it.each([
    ['EPIPE', ExitCode.OUTPUT_CLOSED, ''],
    ['ENOSPC', ExitCode.OUTPUT_ERROR, 'wsbapp check: cannot write the output: ENOSPC: write failed\n'],
  ])('stops a check when stdout fails with %s: Abort, Release, exit %d', async (errno, exitCode, stderr) => {
    const record = join(mkdtempSync(join(tmpdir(), 'wsbapp-cli-')), 'calls.json');
    const failOnFirstStatus = (text: string, io: { failStdout(code: string): void }) => {
      if (text.includes('"type":"status"')) io.failStdout(errno);
    };
    const { code, io } = await check(['--component', 'forever', '--json'], {
      env: { WSBAPP_MOCK_RECORD: record },
      onStdout: failOnFirstStatus,
    });
    expect(code).toBe(exitCode);
    // Quiet: no note about aborting, no report of the abort it caused; only the failure itself.
    expect(io.err()).toBe(stderr);
    const methods = (JSON.parse(readFileSync(record, 'utf8')) as Array<{ method: string }>).map((c) => c.method);
    expect(methods.filter((m) => m === 'Abort')).toHaveLength(1);
    expect(methods.slice(-2)).toEqual(['Release', 'Release']);
    expect(io.listeners()).toBe(0);
  });

  it('exits at once on a second Ctrl+C while Abort hangs', async () => {
    const pressTwice = (text: string, io: { interrupt(): void }) => {
      if (text.includes('"polls":1,')) {
        io.interrupt();
        io.interrupt();
      }
    };
    const { code, io } = await check(['--component', 'stuck', '--json', '--abort-timeout', '300ms'], { onStdout: pressTwice });
    expect(code).toBe(ExitCode.ABORTED);
    expect(io.events().at(-1)).toMatchObject({
      type: 'error',
      code: 'ERR_WSB_ABORTED',
      message: expect.stringContaining('second signal: did not wait for the answer to Abort'),
    });
  });

  it('names the application and component when a call fails', async () => {
    const { code, io } = await check(['--component', 'crash', '--json']);
    expect(code).toBe(ExitCode.ADDIN_UNAVAILABLE);
    expect(io.err()).toMatch(
      /^wsbapp check: the add-in disconnected or its process died for application "Quick App", component "crash": QueryStatus returned/,
    );
    expect(io.events().at(-1)).toMatchObject({ type: 'error', app: 'Quick App', component: 'crash', call: 'QueryStatus' });
  });

  it('exits 5 when the add-in process dies', async () => {
    const { code, io } = await check(['--component', 'crash', '--json']);
    expect(code).toBe(ExitCode.ADDIN_UNAVAILABLE);
    expect(io.events().at(-1)).toMatchObject({
      type: 'error',
      code: 'ERR_WSB_ADDIN_DISCONNECTED',
      symbol: 'RPC_S_CALL_FAILED',
      call: 'QueryStatus',
    });
  });

  it.each([
    ['Unregistered', 'ERR_WSB_NOT_REGISTERED', ExitCode.ADDIN_UNAVAILABLE],
    ['No Addin', 'ERR_WSB_NOT_REGISTERED', ExitCode.ADDIN_UNAVAILABLE],
    ['Nobody', 'ERR_WSB_NOT_REGISTERED', ExitCode.ADDIN_UNAVAILABLE],
    ['Denied', 'ERR_WSB_ACCESS_DENIED', ExitCode.ENVIRONMENT],
  ])('maps application %s to %s, exit %d', async (app, errorCode, exitCode) => {
    const io = fakeIo();
    const code = await runCli(['check', '--mock', SCENARIO, '--app', app, '--json'], io);
    expect(code).toBe(exitCode);
    expect(io.events()).toEqual([expect.objectContaining({ type: 'error', code: errorCode, exitCode })]);
    expect(io.err()).toMatch(/^hint: /m);
  });

  it('passes the component, logical path, metadata and volumes to CheckConsistency', async () => {
    const record = join(mkdtempSync(join(tmpdir(), 'wsbapp-cli-')), 'calls.json');
    const args = [
      '--component',
      'none',
      '--logical-path',
      'lp',
      '--metadata',
      join(FIXTURES, 'writer-metadata.xml'),
      '--volume',
      'C:\\=\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\',
    ];
    await check(args, { env: { WSBAPP_MOCK_RECORD: record } });
    const calls = JSON.parse(readFileSync(record, 'utf8')) as Array<{ method: string; args?: Record<string, unknown> }>;
    expect(calls.find((c) => c.method === 'CheckConsistency')?.args).toEqual({
      component: 'none',
      logicalPath: 'lp',
      writerMetadata: expect.stringMatching(/^<\?xml/),
      volumes: [{ source: 'C:\\', snapshot: '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\' }],
    });
  });

  it('draws a spinner on a terminal, and no colour under NO_COLOR', async () => {
    const { code, io } = await check(['--component', 'ok'], { tty: true, env: { NO_COLOR: '1' } });
    expect(code).toBe(ExitCode.OK);
    expect(io.err()).toContain('\r\u001b[2K');
    expect(io.err()).toMatch(/checking "Quick App" \/ "ok" {2}\d+\.\d s {2}poll \d/);
    expect(io.out()).not.toContain('\u001b[');
  });

  it('colours the verdict on a terminal', async () => {
    const { io } = await check(['--component', 'ok'], { tty: true });
    expect(io.out()).toContain('\u001b[32mconsistent\u001b[39m');
  });

  it.each([
    [['--component', 'ok', '--interval', 'soon'], '--interval must be a positive duration'],
    [['--component', 'ok', '--timeout=-5'], '--timeout must be a positive duration'],
    [['--component', 'ok', '--timeout', '-5'], "Option '--timeout' argument is ambiguous."],
    [['--volume', 'C:\\'], '--volume must look like SOURCE=SNAPSHOT, got "C:\\\\"'],
    [['--volume', 'nowhere=C:\\'], 'request.volumes[0].source must be a volume path'],
    [['--metadata', join(FIXTURES, 'missing.xml')], '--metadata: cannot read'],
    [['--frobnicate'], "Unknown option '--frobnicate'."],
    [['extra'], 'unexpected argument "extra"'],
  ])('rejects %j with exit 2 naming the problem', async (args, message) => {
    const { code, io } = await check(args);
    expect(code).toBe(ExitCode.USAGE);
    expect(io.err()).toContain(message);
    expect(io.err()).toContain("hint: run 'wsbapp check --help' for usage");
  });

  it('requires --app', async () => {
    const io = fakeIo();
    expect(await runCli(['check', '--mock'], io)).toBe(ExitCode.USAGE);
    expect(io.err()).toContain('wsbapp check: missing --app');
  });

  it('rejects a broken scenario file with exit 2 and ERR_WSB_SCENARIO, naming the file', async () => {
    const io = fakeIo();
    const file = join(FIXTURES, 'broken-scenario.json');
    expect(await runCli(['check', `--mock=${file}`, '--app', 'x', '--json'], io)).toBe(ExitCode.USAGE);
    expect(io.events().at(-1)).toMatchObject({
      type: 'error',
      code: 'ERR_WSB_SCENARIO',
      message: expect.stringContaining(`${file}: not valid JSON: `),
      exitCode: 2,
    });
    expect(io.err()).toContain('hint: fix the scenario file');
  });

  it('refuses to run without a backend off Windows, exit 6 with a hint to --mock', async () => {
    const io = fakeIo({ platform: 'linux' });
    expect(await runCli(['check', '--app', 'Contoso Mail', '--json'], io)).toBe(ExitCode.ENVIRONMENT);
    expect(io.events()[0]).toMatchObject({ type: 'error', code: 'ERR_WSB_UNSUPPORTED_PLATFORM' });
    expect(io.err()).toContain('hint: add --mock');
  });

  it('uses WSBAPP_BACKEND=mock with the built-in demo', async () => {
    const io = fakeIo({ env: { WSBAPP_BACKEND: 'mock' } });
    expect(await runCli(['check', '--app', 'Contoso Mail', '--component', 'Logs'], io)).toBe(ExitCode.OK);
    expect(io.out()).toContain('no check required: "Contoso Mail" / "Logs"');
  });
});
