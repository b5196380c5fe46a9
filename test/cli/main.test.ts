import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../../lib/cli/exit-codes';
import { awaitReleases, COMMANDS, runCli } from '../../lib/cli/main';
import { trackRelease } from '../../lib/releases';
import { fakeIo } from './fake-io';

describe('wsbapp (dispatch, help, version)', () => {
  it('prints the package version', async () => {
    const io = fakeIo();
    expect(await runCli(['--version'], io)).toBe(ExitCode.OK);
    expect(io.out()).toBe(`${(JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version}\n`);
  });

  it('lists every command in the overview', async () => {
    const io = fakeIo();
    expect(await runCli(['--help'], io)).toBe(ExitCode.OK);
    for (const command of COMMANDS) expect(io.out()).toContain(`  ${command.name.padEnd(7)}  ${command.summary}`);
  });

  it('prints the overview on stderr and exits 2 without a command', async () => {
    const io = fakeIo();
    expect(await runCli([], io)).toBe(ExitCode.USAGE);
    expect(io.err()).toContain('Usage: wsbapp <command>');
  });

  it.each(COMMANDS.map((c) => [c.name]))('has help for %s, by --help and by "help"', async (name) => {
    const byFlag = fakeIo();
    const byWord = fakeIo();
    expect(await runCli([name, '--help'], byFlag)).toBe(ExitCode.OK);
    expect(await runCli(['help', name], byWord)).toBe(ExitCode.OK);
    expect(byFlag.out()).toMatch(new RegExp(`^Usage: wsbapp ${name}`));
    expect(byWord.out()).toBe(byFlag.out());
  });

  it('rejects an unknown command with exit 2, as an error event under --json', async () => {
    const io = fakeIo();
    expect(await runCli(['bakcup', '--json'], io)).toBe(ExitCode.USAGE);
    expect(io.events()).toEqual([
      {
        v: 1,
        type: 'error',
        code: 'ERR_USAGE',
        message: expect.stringContaining('unknown command "bakcup"'),
        hresult: null,
        hex: null,
        symbol: null,
        call: null,
        app: null,
        component: null,
        polls: null,
        lastStatus: null,
        elapsedMs: null,
        abortDelivered: null,
        abortHresult: null,
        phase: null,
        snapshot: null,
        exitCode: 2,
      },
    ]);
    expect(io.err()).toContain("hint: run 'wsbapp --help' for usage");
  });

  it('rejects help for an unknown command', async () => {
    expect(await runCli(['help', 'nope'], fakeIo())).toBe(ExitCode.USAGE);
  });
});

describe('before exiting', () => {
  const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  /** A Release that returns when the test says so (every test lets its own return, so none leaks into the next). */
  const pendingRelease = () => {
    let release: () => void = () => {};
    void trackRelease(
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    return release;
  };

  it('waits for the Releases in flight', async () => {
    let returned = false;
    void trackRelease(
      later(50).then(() => {
        returned = true;
      }),
    );
    const io = fakeIo();
    await awaitReleases(io, 10_000);
    expect(returned).toBe(true);
    expect(io.err()).toBe('');
  });

  it('gives up after its bound, saying how many are still in flight', async () => {
    const io = fakeIo();
    const release = pendingRelease();
    await awaitReleases(io, 50);
    release();
    expect(io.err()).toBe("wsbapp: exiting with 1 Release call(s) still in flight; the add-in may keep its process until COM's rundown\n");
    expect(io.listeners()).toBe(0);
  });

  it('stops waiting on a signal', async () => {
    const io = fakeIo();
    const release = pendingRelease();
    const waiting = awaitReleases(io, 60_000);
    io.interrupt({ kind: 'signal', signal: 'SIGTERM' });
    await waiting;
    release();
    expect(io.err()).toContain('exiting with some Release call(s) still in flight');
  });
});
