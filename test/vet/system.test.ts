/**
 * The registration and process-lifetime rules, against captured reg.exe and tasklist output
 * (what they read on Windows and under Wine), with the mock playing the add-in.
 */
import { createMockBackend, errorForCall, HRESULT, vetAddin, type VetReport } from '../../lib/index';
import { WSB_KEY } from '../../lib/machine/registry';
import type { ProgramResult } from '../../lib/cli/io';
import { imagesOf, programReads } from '../../lib/machine/programs';
import { systemOf } from '../../lib/vet/system';
import { fakeIo } from '../cli/fake-io';
import { captured, CONTOSO_CLSID, registryPrograms } from '../cli/registry-fixtures';

const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';
const EXE = 'C:\\Program Files\\Contoso\\Mail Addin.exe';
const APP_KEY = `reg.exe query ${WSB_KEY}\\${WRITER}`;

const tasks = (count: number): ProgramResult => ({
  status: 0,
  stdout: [
    '"System Idle Process","0","Services","0","8 K"',
    ...Array.from({ length: count }, (_, i) => `"Mail Addin.exe","${100 + i}","Console","1","4,000 K"`),
  ].join('\r\n'),
});

const appKey = (clsidType = 'REG_SZ'): ProgramResult => ({
  status: 0,
  stdout: `\r\n${WSB_KEY.replace('HKLM', 'HKEY_LOCAL_MACHINE')}\\${WRITER}\r\n    Application Identifier    REG_SZ    Contoso Mail\r\n    CLSID    ${clsidType}    ${CONTOSO_CLSID}\r\n`,
});

/** A machine where Contoso's add-in is registered; `changes` replace program answers; tasklist answers in turn. */
function machine(changes: Record<string, ProgramResult> = {}, processCounts: number[] = [0]) {
  const io = fakeIo({
    env: { ProgramFiles: 'C:\\Program Files' },
    files: [EXE],
    programs: { ...registryPrograms(), [APP_KEY]: appKey(), ...changes },
  });
  let listed = 0;
  const runProgram = (file: string, args: readonly string[]) => {
    if (file !== 'tasklist.exe') return io.runProgram(file, args);
    listed += 1;
    return Promise.resolve(tasks(processCounts[Math.min(listed - 1, processCounts.length - 1)]));
  };
  return systemOf({ ...io, machine: programReads({ runProgram }) });
}

const backend = () =>
  createMockBackend({
    applications: [
      {
        writerId: WRITER,
        identifier: 'Contoso Mail',
        clsid: CONTOSO_CLSID,
        components: { '*': { statuses: ['WSBAPP_ASYNC_IN_PROGRESS', 'S_OK'] } },
      },
    ],
  });

const verdicts = (report: VetReport, group: string) =>
  Object.fromEntries(report.rules.filter((r) => r.id.startsWith(group)).map((r) => [r.id, r.verdict]));

function vet(system: ReturnType<typeof machine>) {
  return vetAddin('Contoso Mail', {
    backend: backend(),
    system,
    components: [{ name: 'db', logicalPath: '' }],
    timeout: 2000,
    callTimeout: 1000,
  });
}

describe('vet registration and lifetime rules', () => {
  it('passes a well-registered add-in whose process goes away', async () => {
    const report = await vet(machine({}, [0, 1, 1, 0]));
    expect(verdicts(report, 'registration')).toEqual({
      'registration.wsb-values': 'pass',
      'registration.identifier': 'pass',
      'registration.clsid-registered': 'pass',
      'registration.local-server': 'pass',
      'registration.marshalling': 'pass',
    });
    expect(report.rules.find((r) => r.id === 'lifetime.process-exits')).toMatchObject({ verdict: 'pass' });
    expect(report.failed).toBe(false);
  });

  it('fails a CLSID value of the wrong type, a duplicate identifier and a missing executable', async () => {
    const duplicate = {
      status: 0,
      stdout: `${captured('wsb-application-support.txt')}\r\n${WSB_KEY.replace('HKLM', 'HKEY_LOCAL_MACHINE')}\\{B65FAA63-5EA8-4EBC-9DBD-A0C4DB26912B}\r\n    Application Identifier    REG_SZ    Contoso Mail\r\n`,
    };
    const system = machine({ [APP_KEY]: appKey('REG_EXPAND_SZ'), [`reg.exe query ${WSB_KEY} /s`]: duplicate });
    const report = await vetAddin('Contoso Mail', {
      backend: backend(),
      system: { ...system, fileExists: () => false },
      components: [{ name: 'db', logicalPath: '' }],
    });
    expect(verdicts(report, 'registration')).toMatchObject({
      'registration.wsb-values': 'fail',
      'registration.identifier': 'fail',
      'registration.local-server': 'fail',
      'registration.marshalling': 'pass',
    });
    expect(report.rules.find((r) => r.id === 'registration.wsb-values')?.summary).toContain('CLSID is REG_EXPAND_SZ, not REG_SZ');
  });

  it('warns about an in-process server and fails missing marshalling', async () => {
    const inproc = {
      status: 0,
      stdout: `\r\nHKEY_CLASSES_ROOT\\CLSID\\${CONTOSO_CLSID}\\InprocServer32\r\n    (Default)    REG_SZ    C:\\addin.dll\r\n`,
    };
    const system = machine({
      [`reg.exe query HKCR\\CLSID\\${CONTOSO_CLSID}\\LocalServer32 /ve`]: { status: 1, stdout: '' },
      [`reg.exe query HKCR\\CLSID\\${CONTOSO_CLSID}\\InprocServer32 /ve`]: inproc,
      'reg.exe query HKCR\\Interface\\{0843F6F7-895C-44A6-B0C2-05A5022AA3A1}\\ProxyStubClsid32 /ve': { status: 1, stdout: '' },
    });
    const report = await vet(system);
    expect(verdicts(report, 'registration')).toMatchObject({
      'registration.local-server': 'warn',
      'registration.marshalling': 'fail',
      'registration.clsid-registered': 'pass',
    });
    expect(report.rules.find((r) => r.id === 'lifetime.process-exits')).toMatchObject({
      verdict: 'skipped',
      reason: expect.stringContaining('no LocalServer32'),
    });
  });

  it('fails an add-in whose server process stays after the last Release', async () => {
    const report = await vet(machine({}, [0, 1]));
    expect(report.rules.filter((r) => r.verdict === 'fail').map((r) => r.id)).toEqual(['lifetime.process-exits']);
  }, 15_000);

  it('skips the WSB key rules for an add-in named by CLSID', async () => {
    const report = await vetAddin(
      { clsid: CONTOSO_CLSID },
      { backend: backend(), system: machine(), components: [{ name: 'db', logicalPath: '' }] },
    );
    expect(verdicts(report, 'registration')).toMatchObject({
      'registration.wsb-values': 'skipped',
      'registration.identifier': 'skipped',
      'registration.clsid-registered': 'pass',
    });
  });

  describe('two activations at once that get E_NOINTERFACE', () => {
    // The first activation in flight works; one started while it is still in flight gets what
    // Wine 8's rpcss gives the launcher whose server another client took.
    const racingBackend = () => {
      const inner = backend();
      let inFlight = 0;
      const racing: typeof inner = Object.create(inner);
      racing.activate = async (...args) => {
        if (inFlight > 0) throw errorForCall('Activate', HRESULT.E_NOINTERFACE);
        inFlight += 1;
        try {
          return await inner.activate(...args);
        } finally {
          inFlight -= 1;
        }
      };
      return racing;
    };
    const vetRacing = (system: ReturnType<typeof machine>) =>
      vetAddin('Contoso Mail', {
        backend: racingBackend(),
        system,
        components: [{ name: 'db', logicalPath: '' }],
        timeout: 2000,
        callTimeout: 1000,
      });
    const WINE_KEY = { 'reg.exe query HKLM\\SOFTWARE\\Wine': { status: 0, stdout: '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Wine\r\n' } };

    it('fail the add-in on Windows', async () => {
      const report = await vetRacing(machine({}, [0, 1, 1, 0]));
      expect(report.rules.find((r) => r.id === 'lifetime.concurrent-activations')).toMatchObject({
        verdict: 'fail',
        summary: expect.stringContaining('E_NOINTERFACE'),
      });
      expect(report.rules.find((r) => r.id === 'lifetime.process-exits')).toMatchObject({ verdict: 'pass' });
    });

    it("are skipped as Wine's defect under Wine, with the process count its stranded server spoils", async () => {
      const report = await vetRacing(machine(WINE_KEY, [0, 1]));
      const rule = (id: string) => report.rules.find((r) => r.id === id);
      expect(rule('lifetime.concurrent-activations')).toMatchObject({
        verdict: 'skipped',
        reason: expect.stringContaining('defect of Wine'),
      });
      expect(rule('lifetime.process-exits')).toMatchObject({ verdict: 'skipped', reason: expect.stringContaining('defect of Wine') });
      expect(report.failed).toBe(false);
    });
  });

  it('reads image names from tasklist CSV output', () => {
    expect(imagesOf(tasks(2).stdout)).toEqual(['System Idle Process', 'Mail Addin.exe', 'Mail Addin.exe']);
  });
});

describe('the process list', () => {
  it('falls back to wmic when tasklist lists nothing (Wine), reading its UTF-16 output', async () => {
    const wmic =
      '\ufffd\ufffdN\u0000a\u0000m\u0000e\u0000 \u0000\r\u0000\n\u0000s\u0000t\u0000a\u0000r\u0000t\u0000.\u0000e\u0000x\u0000e\u0000\r\u0000\n\u0000';
    const io = fakeIo({
      programs: {
        'tasklist.exe /FO CSV /NH': { status: 0, stdout: '' },
        'wmic.exe process get name': { status: 0, stdout: `${wmic}Mail Addin.exe  \r\n` },
      },
    });
    expect(await systemOf(io).processes.count(EXE)).toBe(1);
    expect(await systemOf(fakeIo()).processes.count(EXE)).toBeNull();
  });
});
