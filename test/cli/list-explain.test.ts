import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../../lib/cli/exit-codes';
import { runCli } from '../../lib/cli/main';
import { fakeIo, SCENARIO } from './fake-io';

describe('wsbapp list', () => {
  it('lists applications with their add-in facts from the scenario', async () => {
    const io = fakeIo();
    expect(await runCli(['list', '--mock', SCENARIO, '--json'], io)).toBe(ExitCode.OK);
    const events = io.events();
    expect(events.map((e) => e.type)).toEqual(['application', 'application', 'application', 'application', 'application', 'result']);
    expect(events[0]).toEqual({
      v: 1,
      type: 'application',
      identifier: 'Quick App',
      writerId: '{11111111-2222-4333-8444-555555555555}',
      clsid: '{AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE}',
      classRegistered: true,
      server: null,
      marshalling: 'mock',
    });
    expect(events.find((e) => e.identifier === 'Unregistered')).toMatchObject({ classRegistered: false });
    expect(events.find((e) => e.identifier === 'No Addin')).toMatchObject({ clsid: null, classRegistered: false });
    expect(events.at(-1)).toEqual({ v: 1, type: 'result', command: 'list', count: 5, exitCode: 0 });
  });

  it('prints one block per application for humans', async () => {
    const io = fakeIo();
    await runCli(['list', '--mock', SCENARIO], io);
    expect(io.out()).toContain(
      'Quick App\n  writer id    {11111111-2222-4333-8444-555555555555}\n  CLSID        {AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE}\n  add-in class registered\n  marshalling  mock',
    );
    expect(io.out()).toContain('add-in class NOT registered (activation fails with REGDB_E_CLASSNOTREG)');
    expect(io.out()).toContain('add-in class none (the application has no add-in)');
  });

  it('says so when nothing is registered', async () => {
    const io = fakeIo();
    await runCli(['list', '--mock=' + require.resolve('./fixtures/empty-scenario.json')], io);
    expect(io.out()).toBe('no applications are registered with Windows Server Backup\n');
  });
});

describe('wsbapp explain', () => {
  it('says loudly that 0x407A0004 is in progress, not success', async () => {
    const io = fakeIo();
    expect(await runCli(['explain', '0x407A0004'], io)).toBe(ExitCode.OK);
    expect(io.out()).toContain('0x407A0004 WSBAPP_ASYNC_IN_PROGRESS\nverdict:   IN PROGRESS, NOT SUCCESS');
    expect(io.out()).toContain('never stop polling on SUCCEEDED()');
  });

  it.each([['0x80004005'], ['2147500037'], ['-2147467259'], ['E_FAIL'], ['e_fail']])('decodes %s as E_FAIL', async (input) => {
    const io = fakeIo();
    expect(await runCli(['explain', input, '--json'], io)).toBe(ExitCode.OK);
    expect(io.events()).toEqual([
      expect.objectContaining({
        v: 1,
        type: 'result',
        command: 'explain',
        hresult: 0x80004005,
        hex: '0x80004005',
        signed: -2147467259,
        symbol: 'E_FAIL',
        state: 'failed',
        inProgress: false,
        exitCode: 0,
      }),
    ]);
  });

  it('shows the Win32 error of a HRESULT_FROM_WIN32 code', async () => {
    const io = fakeIo();
    await runCli(['explain', '0x80070005'], io);
    expect(io.out()).toContain('bits:      severity 10 (FAILED), facility WIN32 (0x7), code 5, Win32 error 5');
    expect(io.out()).toContain('FAILURE');
  });

  it.each([
    [
      '0x80070002',
      '0x80070002 ERROR_FILE_NOT_FOUND\n',
      'a failure code Windows defines (ERROR_FILE_NOT_FOUND), with no WSB-specific meaning',
    ],
    ['0x8004230F', '0x8004230F VSS_E_UNEXPECTED_PROVIDER_ERROR\n', 'a failure code Windows defines (VSS_E_UNEXPECTED_PROVIDER_ERROR)'],
    ['error_access_denied', '0x80070005 E_ACCESSDENIED (also ERROR_ACCESS_DENIED)\n', 'access denied: run elevated'],
    ['WSBAPP_ASYNC_IN_PROGRESS_METADATA', '0x007A0004 WSBAPP_ASYNC_IN_PROGRESS_METADATA\n', 'IN PROGRESS, NOT SUCCESS'],
  ])('names %s from the full table', async (input, heading, words) => {
    const io = fakeIo();
    expect(await runCli(['explain', input], io)).toBe(ExitCode.OK);
    expect(io.out().startsWith(heading)).toBe(true);
    expect(io.out()).toContain(words);
  });

  it("adds Windows' own message on Windows, and nothing when the addon gives none", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsbapp-explain-'));
    const fake = join(dir, 'fake-binding.js');
    writeFileSync(fake, "exports.systemMessage = (hr) => (hr === 0x80070002 ? 'The system cannot find the file specified.' : '');\n");
    const saved = process.env.WSBAPP_BINDING;
    try {
      process.env.WSBAPP_BINDING = fake;
      const windows = fakeIo({ platform: 'win32' });
      await runCli(['explain', '0x80070002'], windows);
      expect(windows.out()).toContain(
        'meaning:   a failure code Windows defines (ERROR_FILE_NOT_FOUND), with no WSB-specific meaning\nsystem:    The system cannot find the file specified.\n',
      );
      const json = fakeIo({ platform: 'win32' });
      await runCli(['explain', '0x80070002', '--json'], json);
      expect(json.events()).toEqual([expect.objectContaining({ systemMessage: 'The system cannot find the file specified.' })]);
      const broken = join(dir, 'broken-binding.js');
      writeFileSync(broken, "throw new Error('not a loadable addon');\n");
      process.env.WSBAPP_BINDING = broken; // the loader moves on to build/Release, if any: no text either way
      const unbuilt = fakeIo({ platform: 'win32' });
      expect(await runCli(['explain', '0x80070002', '--json'], unbuilt)).toBe(ExitCode.OK);
      expect(unbuilt.events()).toEqual([expect.objectContaining({ symbol: 'ERROR_FILE_NOT_FOUND', systemMessage: null })]);
    } finally {
      if (saved === undefined) delete process.env.WSBAPP_BINDING;
      else process.env.WSBAPP_BINDING = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the other names of a value in --json', async () => {
    const io = fakeIo();
    await runCli(['explain', '0x8007000E', '--json'], io);
    expect(io.events()).toEqual([
      expect.objectContaining({ symbol: 'E_OUTOFMEMORY', aliases: ['ERROR_OUTOFMEMORY', 'DNS_ERROR_NO_MEMORY'] }),
    ]);
  });

  it.each([
    ['0x00000000', 'SUCCESS: as a QueryStatus status the operation is done'],
    ['0x00000002', 'SUCCESS CODE that the WSB API does not define'],
    ['0x0000000A', 'a success code neither Windows nor wsbapp defines'],
  ])('words the verdict of %s', async (input, words) => {
    const io = fakeIo();
    await runCli(['explain', input], io);
    expect(io.out()).toContain(words);
  });

  it.each([
    [[], 'missing HRESULT'],
    [['banana'], 'not an HRESULT: "banana"'],
    [['1', '2'], 'unexpected argument "2"'],
    [['--mock'], "Unknown option '--mock'."],
  ])('rejects %j with exit 2', async (args, message) => {
    const io = fakeIo();
    expect(await runCli(['explain', ...args], io)).toBe(ExitCode.USAGE);
    expect(io.err()).toContain(message);
  });
});
