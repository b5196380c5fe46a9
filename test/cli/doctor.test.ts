import { ExitCode } from '../../lib/cli/exit-codes';
import { runCli } from '../../lib/cli/main';
import { isElevated } from '../../lib/cli/commands/doctor';
import { WSB_KEY } from '../../lib/machine/registry';
import { fakeIo } from './fake-io';
import { registryPrograms } from './registry-fixtures';
import type { ProgramResult } from '../../lib/cli/io';

const ADDIN = 'C:\\Program Files\\Contoso\\Mail Addin.exe';
const WHOAMI_ELEVATED = 'Mandatory Label\\High Mandatory Level Label S-1-16-12288\r\n';

function windows(programs: Record<string, ProgramResult>, files: string[] = [ADDIN]) {
  return fakeIo({ platform: 'win32', env: { ProgramFiles: 'C:\\Program Files' }, programs, files });
}

const healthy = (): Record<string, ProgramResult> => ({
  ...registryPrograms(),
  'whoami.exe /groups': { status: 0, stdout: WHOAMI_ELEVATED },
});

describe('wsbapp doctor', () => {
  it('off Windows reports "not Windows" with a hint to --mock and exits 6', async () => {
    const io = fakeIo({ platform: 'linux' });
    expect(await runCli(['doctor'], io)).toBe(ExitCode.ENVIRONMENT);
    expect(io.out()).toBe(
      'FAIL  this is linux, not Windows\n      fix: WSB add-ins exist only on Windows; to try wsbapp here, run list, check or restore with --mock\n',
    );
  });

  it('finds nothing wrong on a healthy machine and exits 0', async () => {
    const io = windows(healthy());
    expect(await runCli(['doctor', '--json'], io)).toBe(ExitCode.OK);
    const events = io.events();
    expect(events.filter((e) => e.type === 'diagnosis').map((e) => [e.id, e.ok])).toEqual([
      ['windows', true],
      ['elevated', true],
      ['marshalling:IWsbApplicationBackupSupport', true],
      ['marshalling:IWsbApplicationRestoreSupport', true],
      ['marshalling:IWsbApplicationAsync', true],
      ['wsb-key', true],
      ['addin:{0B1C2D3E-4F50-4617-8293-A4B5C6D7E8F9}', true],
      ['addin:{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}', true],
    ]);
    expect(events.at(-1)).toEqual({ v: 1, type: 'result', command: 'doctor', outcome: 'ok', problems: 0, exitCode: 0 });
  });

  it('names each problem with a fix and exits 6', async () => {
    const programs = healthy();
    delete programs['whoami.exe /groups'];
    delete programs['reg.exe query HKCR\\Interface\\{0843F6F7-895C-44A6-B0C2-05A5022AA3A1}\\ProxyStubClsid32 /ve'];
    const io = windows(programs, []);
    expect(await runCli(['doctor'], io)).toBe(ExitCode.ENVIRONMENT);
    expect(io.out()).toContain('FAIL  the process is not elevated\n      fix: run from an elevated prompt');
    expect(io.out()).toContain('FAIL  no proxy/stub registered for IWsbApplicationAsync {0843F6F7-895C-44A6-B0C2-05A5022AA3A1}');
    expect(io.out()).toContain(`FAIL  "Contoso Mail": add-in executable ${ADDIN} does not exist`);
    expect(io.out()).toContain('ok    "Northwind Files" has no add-in');
  });

  it('reports a missing WSB key', async () => {
    const programs = healthy();
    delete programs[`reg.exe query ${WSB_KEY} /s`];
    const io = windows(programs);
    await runCli(['doctor'], io);
    expect(io.out()).toContain('Install-WindowsFeature Windows-Server-Backup');
  });

  it.each([
    [{}, 'is not registered'],
    [
      {
        'reg.exe query HKCR\\CLSID\\{5D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C4D}\\InprocServer32 /ve': {
          status: 0,
          stdout: 'HKEY_CLASSES_ROOT\\X\r\n    (Default)    REG_SZ    C:\\a.dll\r\n',
        },
      },
      'registered in-process only',
    ],
  ])('reports an add-in class that is not a local server', async (extra, words) => {
    const programs: Record<string, ProgramResult> = { ...healthy(), ...extra };
    delete programs['reg.exe query HKCR\\CLSID\\{5D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C4D}\\LocalServer32 /ve'];
    const io = windows(programs);
    expect(await runCli(['doctor'], io)).toBe(ExitCode.ENVIRONMENT);
    expect(io.out()).toContain(words);
  });

  it('takes no backend flags', async () => {
    const io = fakeIo();
    expect(await runCli(['doctor', '--mock'], io)).toBe(ExitCode.USAGE);
  });

  it.each([
    ['S-1-16-12288', true],
    ['S-1-16-16384', true],
    ['Mandatory Label\\Medium Mandatory Level Label S-1-16-8192', false],
    ['S-1-16-122880', false],
  ])('whoami /groups with %s: elevated %s', (groups, elevated) => {
    expect(isElevated(groups)).toBe(elevated);
  });
});
