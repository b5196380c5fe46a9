import { createMockBackend, type Backend } from '../../lib/index';
import { applicationsOf, expandEnvironment, serverExecutable, WSB_KEY } from '../../lib/machine/registry';
import { defaultValueOf, parseRegQuery, programReads } from '../../lib/machine/programs';
import { factsSource } from '../../lib/cli/registration';
import { fakeIo } from './fake-io';
import { captured, CONTOSO_CLSID, registryPrograms } from './registry-fixtures';

describe('reg.exe output parsing', () => {
  it('reads keys and values, names with spaces included', () => {
    const keys = parseRegQuery(captured('wsb-application-support.txt'));
    expect(keys).toHaveLength(2);
    expect(keys[1]).toEqual({
      path: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\WindowsServerBackup\\Application Support\\{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}',
      values: [
        { name: 'Application Identifier', type: 'REG_SZ', data: 'Contoso Mail' },
        { name: 'CLSID', type: 'REG_SZ', data: CONTOSO_CLSID },
      ],
    });
  });

  it('finds the registered applications, with and without an add-in', () => {
    expect(applicationsOf(parseRegQuery(captured('wsb-application-support.txt')))).toEqual([
      { writerId: '{0B1C2D3E-4F50-4617-8293-A4B5C6D7E8F9}', identifier: 'Northwind Files', clsid: null },
      { writerId: '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}', identifier: 'Contoso Mail', clsid: CONTOSO_CLSID },
    ]);
  });

  it('ignores the parent key and keys without an identifier', () => {
    const output = `\r\n${'HKEY_LOCAL_MACHINE\\SOFTWARE\\X\\Application Support'}\r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\X\\{0B1C2D3E-4F50-4617-8293-A4B5C6D7E8F9}\r\n    CLSID    REG_SZ    {x}\r\n`;
    expect(applicationsOf(parseRegQuery(output))).toEqual([]);
  });

  it('reads a default value, and tells "not set" from set', () => {
    expect(defaultValueOf(captured('localserver32-expand.txt'))).toBe('"%ProgramFiles%\\Contoso\\Mail Addin.exe" -Embedding');
    expect(defaultValueOf(captured('proxystub.txt'))).toBe('{00020424-0000-0000-C000-000000000046}');
    expect(defaultValueOf(captured('default-not-set.txt'))).toBeNull();
    expect(defaultValueOf('')).toBeNull();
  });

  it('lists the keys one level below a key, from one reg.exe /s', async () => {
    const deeper = `${captured('wsb-application-support.txt')}\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\WindowsServerBackup\\Application Support\\{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}\\Deeper\r\n    X    REG_SZ    y\r\n`;
    const io = fakeIo({ programs: { [`reg.exe query ${WSB_KEY} /s`]: { status: 0, stdout: deeper } } });
    const keys = await programReads(io).subkeys(WSB_KEY);
    expect(keys?.map((k) => k.path.split('\\').pop())).toEqual([
      '{0B1C2D3E-4F50-4617-8293-A4B5C6D7E8F9}',
      '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}',
    ]);
    expect(await programReads(fakeIo()).subkeys(WSB_KEY)).toBeNull();
  });

  it('keeps an empty value', () => {
    expect(parseRegQuery('HKEY_CURRENT_USER\\K\r\n    Empty    REG_SZ\r\n')[0].values).toEqual([
      { name: 'Empty', type: 'REG_SZ', data: '' },
    ]);
  });
});

describe('LocalServer32 command lines', () => {
  const env = { ProgramFiles: 'C:\\Program Files', SystemRoot: 'C:\\Windows' };

  it.each([
    ['"%ProgramFiles%\\Contoso\\Mail Addin.exe" -Embedding', 'C:\\Program Files\\Contoso\\Mail Addin.exe'],
    ['C:\\Program Files\\Fabrikam\\addin.exe /automation', 'C:\\Program Files\\Fabrikam\\addin.exe'],
    ['%SYSTEMROOT%\\system32\\addin.EXE', 'C:\\Windows\\system32\\addin.EXE'],
    ['C:\\tools\\addin -Embedding', 'C:\\tools\\addin'],
    ['  "C:\\a b\\c.exe"  ', 'C:\\a b\\c.exe'],
  ])('%s runs %s', (commandLine, executable) => {
    expect(serverExecutable(commandLine, env)).toBe(executable);
  });

  it('leaves unknown variables as written', () => {
    expect(expandEnvironment('%NOPE%\\x', env)).toBe('%NOPE%\\x');
  });
});

describe('registration facts', () => {
  const app = { writerId: '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}', identifier: 'Contoso Mail', clsid: CONTOSO_CLSID };
  const nativeLike: Backend = {
    name: 'native',
    listApplications: async () => [app],
    activate: () => Promise.reject(new Error('not here')),
  };

  it('come from reg.exe on Windows', async () => {
    const factsOf = await factsSource(nativeLike, fakeIo({ platform: 'win32', programs: registryPrograms() }));
    expect(await factsOf(app)).toEqual({
      classRegistered: true,
      server: '"%ProgramFiles%\\Contoso\\Mail Addin.exe" -Embedding',
      marshalling: 'registered',
    });
    expect(await factsOf({ ...app, clsid: '{00000000-0000-0000-0000-000000000001}' })).toEqual({
      classRegistered: false,
      server: null,
      marshalling: 'registered',
    });
    expect(await factsOf({ ...app, clsid: null })).toMatchObject({ classRegistered: false });
  });

  it('say marshalling is missing when an interface has no proxy/stub', async () => {
    const programs = registryPrograms();
    delete programs['reg.exe query HKCR\\Interface\\{0843F6F7-895C-44A6-B0C2-05A5022AA3A1}\\ProxyStubClsid32 /ve'];
    const factsOf = await factsSource(nativeLike, fakeIo({ platform: 'win32', programs }));
    expect((await factsOf(app)).marshalling).toBe('missing');
  });

  it('are unknown for a non-mock backend off Windows', async () => {
    const factsOf = await factsSource(nativeLike, fakeIo({ platform: 'linux' }));
    expect(await factsOf(app)).toEqual({ classRegistered: null, server: null, marshalling: 'unknown' });
  });

  it('come from the scenario under the mock', async () => {
    const backend = createMockBackend({ applications: [{ ...app, activation: 'REGDB_E_CLASSNOTREG' }] });
    const factsOf = await factsSource(backend, fakeIo());
    expect(await factsOf(app)).toEqual({ classRegistered: false, server: null, marshalling: 'mock' });
  });
});
