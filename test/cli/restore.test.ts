import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../../lib/cli/exit-codes';
import { exitCodeFor } from '../../lib/cli/failure';
import { interruptible, InterruptedError } from '../../lib/cli/interrupt';
import { runCli } from '../../lib/cli/main';
import { fakeIo, FIXTURES, SCENARIO } from './fake-io';

async function restore(args: string[], env: NodeJS.ProcessEnv = {}) {
  const io = fakeIo({ env });
  const code = await runCli(['restore', ...args, '--mock', SCENARIO], io);
  return { code, io };
}

describe('wsbapp restore', () => {
  it.each([
    ['pre', 'PreRestore'],
    ['post', 'PostRestore'],
  ])('%s calls %s with the request and exits 0', async (step, call) => {
    const record = join(mkdtempSync(join(tmpdir(), 'wsbapp-cli-')), 'calls.json');
    const args = [
      step,
      '--app',
      'Quick App',
      '--component',
      'ok',
      '--logical-path',
      'lp',
      '--metadata',
      join(FIXTURES, 'writer-metadata.xml'),
      '--no-roll-forward',
    ];
    const { code, io } = await restore(args, { WSBAPP_MOCK_RECORD: record });
    expect(code).toBe(ExitCode.OK);
    expect(io.out()).toBe(`${call} succeeded: "Quick App" / "ok"\n`);
    const calls = JSON.parse(readFileSync(record, 'utf8')) as Array<{ method: string; args?: unknown }>;
    expect(calls.find((c) => c.method === call)?.args).toEqual({
      component: 'ok',
      logicalPath: 'lp',
      writerMetadata: expect.stringContaining('WRITER_METADATA'),
      noRollForward: true,
    });
  });

  it.each([
    ['pre', 'pre-refused', 'WSBAPP_E_COMPONENT_PRE_RESTORE_FAILED'],
    ['post', 'post-refused', 'WSBAPP_E_COMPONENT_POST_RESTORE_FAILED'],
  ])('%s reports a refusal as a failed verdict, exit 1', async (step, component, symbol) => {
    const { code, io } = await restore([step, '--app', 'Quick App', '--component', component, '--json']);
    expect(code).toBe(ExitCode.FAILED);
    expect(io.events()).toEqual([
      {
        v: 1,
        type: 'result',
        command: `restore ${step}`,
        app: 'Quick App',
        component,
        outcome: 'failed',
        hresult: expect.any(Number),
        hex: expect.stringMatching(/^0x807A000[23]$/),
        symbol,
        exitCode: 1,
      },
    ]);
  });

  it('says in words why PreRestore failed', async () => {
    const { io } = await restore(['pre', '--app', 'Quick App', '--component', 'pre-refused']);
    expect(io.out()).toBe(
      'FAILED: PreRestore of "Quick App" / "pre-refused": 0x807A0002 WSBAPP_E_COMPONENT_PRE_RESTORE_FAILED, the add-in\'s pre-restore step failed\n',
    );
  });

  it('order prints the order the add-in wants', async () => {
    const { code, io } = await restore(['order', '--app', 'Quick App', '--component', 'a=\\x', '--component', 'b']);
    expect(code).toBe(ExitCode.OK);
    expect(io.out()).toBe('1. b\n2. a  (logical path \\x)\n');
  });

  it('order reports "any order" as null in JSON', async () => {
    const { io } = await restore(['order', '--app', 'Any Order', '--component', 'a', '--json']);
    expect(io.events()).toEqual([{ v: 1, type: 'result', command: 'restore order', app: 'Any Order', order: null, exitCode: 0 }]);
    const human = await restore(['order', '--app', 'Any Order', '--component', 'a']);
    expect(human.io.out()).toBe('any order: the add-in has no preference\n');
  });

  it('order needs components, each NAME or NAME=LOGICALPATH', async () => {
    expect((await restore(['order', '--app', 'Quick App'])).io.err()).toContain('missing --component');
    const { code, io } = await restore(['order', '--app', 'Quick App', '--component', '=x']);
    expect(code).toBe(ExitCode.USAGE);
    expect(io.err()).toContain('--component must look like NAME or NAME=LOGICALPATH, got "=x"');
  });

  it('roll-forward prints yes or no', async () => {
    expect((await restore(['roll-forward', '--app', 'Quick App'])).io.out()).toBe('yes\n');
    expect((await restore(['roll-forward', '--app', 'Any Order'])).io.out()).toBe('no\n');
    const { io } = await restore(['roll-forward', '--app', 'Quick App', '--json']);
    expect(io.events()).toEqual([
      { v: 1, type: 'result', command: 'restore roll-forward', app: 'Quick App', supported: true, exitCode: 0 },
    ]);
  });

  it('exits 5 when the add-in is not registered', async () => {
    const { code, io } = await restore(['roll-forward', '--app', 'Unregistered', '--json']);
    expect(code).toBe(ExitCode.ADDIN_UNAVAILABLE);
    expect(io.events()[0]).toMatchObject({
      type: 'error',
      code: 'ERR_WSB_NOT_REGISTERED',
      symbol: 'REGDB_E_CLASSNOTREG',
      call: 'Activate',
    });
  });

  it.each([[[]], [['sideways']], [['constructor']]])('rejects the step %j with exit 2', async (argv) => {
    const io = fakeIo();
    expect(await runCli(['restore', ...argv], io)).toBe(ExitCode.USAGE);
    expect(io.err()).toContain('(steps: pre, post, order, roll-forward)');
  });

  it('requires --app', async () => {
    const { code, io } = await restore(['pre', '--component', 'ok']);
    expect(code).toBe(ExitCode.USAGE);
    expect(io.err()).toContain('missing --app');
  });

  it('stops waiting for a call on a signal: exit 4, an error naming the call', async () => {
    const io = fakeIo();
    const never = new Promise<never>(() => {});
    const running = interruptible(io, 'PreRestore', () => never);
    io.interrupt({ kind: 'signal', signal: 'SIGTERM' });
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(error).toMatchObject({ code: 'ERR_INTERRUPTED', message: 'PreRestore interrupted (SIGTERM)' });
    expect(exitCodeFor(error)).toBe(ExitCode.ABORTED);
    expect(io.listeners()).toBe(0);
  });
});
