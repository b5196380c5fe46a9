import { UnsupportedPlatformError, selectBackend } from '../../lib';

test('WSBAPP_BACKEND=native-mock runs the demo scenario through the addon', async () => {
  const backend = selectBackend(undefined, { WSBAPP_BACKEND: 'native-mock' }, process.platform);
  expect(backend.name).toBe('native-mock');
  expect((await backend.listApplications()).map((a) => a.identifier)).toContain('Contoso Mail');
});

if (process.platform !== 'win32') {
  test('naming the COM backend off Windows says to use a mock backend', () => {
    expect(() => selectBackend('native', {}, process.platform)).toThrow(UnsupportedPlatformError);
    expect(() => selectBackend('native', {}, process.platform)).toThrow(/runs only on Windows.*'native-mock' or 'mock'/);
  });
}
