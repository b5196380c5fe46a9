import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnsupportedPlatformError, createMockBackend, listApplications, selectBackend } from '../../lib';

describe('choosing a backend', () => {
  const mock = createMockBackend({ applications: [] });

  test('an explicit option wins over the environment', () => {
    expect(selectBackend(mock, { WSBAPP_BACKEND: 'native' }, 'linux')).toBe(mock);
    expect(selectBackend('mock', { WSBAPP_BACKEND: 'native' }, 'win32').name).toBe('mock');
  });

  test('then WSBAPP_BACKEND, with WSBAPP_SCENARIO naming the scenario file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsbapp-'));
    const file = join(dir, 's.json');
    writeFileSync(file, JSON.stringify({ applications: [{ writerId: '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}', identifier: 'From env' }] }));
    const chosen = selectBackend(undefined, { WSBAPP_BACKEND: 'mock', WSBAPP_SCENARIO: file }, 'linux');
    expect((await chosen.listApplications()).map((a) => a.identifier)).toEqual(['From env']);
  });

  test('the mock without a scenario file runs the built-in demo', async () => {
    const chosen = selectBackend(undefined, { WSBAPP_BACKEND: 'mock' }, 'linux');
    expect((await chosen.listApplications()).map((a) => a.identifier)).toContain('Contoso Mail');
  });

  test('off Windows, nothing chosen is an error that says how to pick the mock: never a silent fallback', () => {
    expect(() => selectBackend(undefined, {}, 'linux')).toThrow(UnsupportedPlatformError);
    expect(() => selectBackend(undefined, {}, 'darwin')).toThrow(/WSBAPP_BACKEND=mock/);
    try {
      selectBackend(undefined, {}, 'linux');
    } catch (error) {
      expect(error).toMatchObject({ code: 'ERR_WSB_UNSUPPORTED_PLATFORM', hex: '0x80070032', call: 'LoadBackend' });
    }
  });

  test('bad names and bad objects are refused', async () => {
    expect(() => selectBackend(undefined, { WSBAPP_BACKEND: 'sql' }, 'linux')).toThrow(
      /WSBAPP_BACKEND must be one of native, mock, native-mock, got "sql"/,
    );
    expect(() => selectBackend(42 as never, {}, 'linux')).toThrow(/options\.backend must be a Backend object/);
    await expect(listApplications(null as never)).rejects.toThrow(/options must be an object, got null/);
  });
});
