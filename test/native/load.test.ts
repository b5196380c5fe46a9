/** The loader's failure report, and the adapter's error mapping against an injected binding. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AddinProtocolError, NotRegisteredError, UnsupportedPlatformError } from '../../lib/errors';
import { loadBinding, locateBinding, nativeBindingPath, type NativeBinding, type NativeRuntime } from '../../lib/backends/load';
import { createNativeBackend, createNativeMockBackend } from '../../lib/backends/native';
import { normalizeScenario } from '../../lib/backends/scenario';

/** A package folder holding `files` (relative path -> content), as node-gyp-build sees one. */
function packageWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'wsbapp-load-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

// prebuildify's layout and names, as scripts/prebuild.sh writes them (the libc tag on Linux only).
const tuple = `${process.platform}-${process.arch}`;
const prebuild = join('prebuilds', tuple, process.platform === 'linux' ? 'node.napi.glibc.node' : 'node.napi.node');
const localBuild = join('build', 'Release', 'wsbapp.node');

function failure(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(UnsupportedPlatformError);
    return e as Error;
  }
  throw new Error('expected UnsupportedPlatformError');
}

test("the prebuild for this platform and arch is found in prebuildify's layout", () => {
  const root = packageWith({ 'package.json': '{"name":"wsbapp"}', [prebuild]: '' });
  expect(locateBinding({}, root)).toBe(join(root, prebuild));
});

test('a local build wins over the prebuild', () => {
  const root = packageWith({ 'package.json': '{"name":"wsbapp"}', [prebuild]: '', [localBuild]: '' });
  expect(locateBinding({}, root)).toBe(join(root, localBuild));
});

test('WSBAPP_BINDING wins over both, and a missing one is an error naming it alone', () => {
  const root = packageWith({ 'package.json': '{"name":"wsbapp"}', [prebuild]: '', [localBuild]: '', 'asan/wsbapp.node': '' });
  expect(locateBinding({ WSBAPP_BINDING: join(root, 'asan/wsbapp.node') }, root)).toBe(join(root, 'asan', 'wsbapp.node'));
  const missing = join(root, 'nowhere.node');
  const message = failure(() => locateBinding({ WSBAPP_BINDING: missing }, root)).message;
  expect(message).toContain(`WSBAPP_BINDING=${missing}: not found`);
  expect(message).not.toContain(join(root, localBuild));
});

test('no build and no prebuild: every place searched, and how to build from source', () => {
  const root = packageWith({ 'package.json': '{"name":"wsbapp"}', 'prebuilds/sunos-sparc/node.napi.node': '' });
  const message = failure(() => locateBinding({}, root)).message;
  for (const place of [join(root, 'build', 'Release'), join(root, 'build', 'Debug'), join(root, 'prebuilds', tuple)])
    expect(message).toContain(place);
  expect(message).toContain(`platform=${process.platform} arch=${process.arch}`);
  expect(message).toContain('npm run build:native');
  expect(message).toContain('WSBAPP_BINDING');
});

test('a file that is not an addon: its path and why it failed to load', () => {
  const root = packageWith({ 'package.json': '{"name":"wsbapp"}', [prebuild]: 'not a shared object' });
  const message = failure(() => loadBinding({}, root)).message;
  expect(message).toContain(`${join(root, prebuild)}: `);
  expect(message).toContain('npm run build:native');
});

test('without WSBAPP_BINDING this checkout resolves to its own local build', () => {
  const root = join(__dirname, '..', '..');
  expect(locateBinding({}, root)).toBe(join(root, localBuild));
});

test('the native backends load the very file nativeBindingPath() names', () => {
  createNativeMockBackend(normalizeScenario({ applications: [] }));
  const report = process.report.getReport() as unknown as { sharedObjects: string[] };
  expect(report.sharedObjects).toContain(nativeBindingPath());
});

test('a binding built without COM (any non-Windows build) refuses the real backend and names the alternatives', () => {
  const binding: NativeBinding = { createMockRuntime: () => ({}) as NativeRuntime, systemMessage: () => '', queryStatusBatch: () => {} };
  expect(() => createNativeBackend({ binding })).toThrow(UnsupportedPlatformError);
  expect(() => createNativeBackend({ binding })).toThrow(/native-mock/);
});

describe('error mapping of the real COM backend (injected binding)', () => {
  const failure = (hresult: number, extra: object = {}) => Object.assign(new Error('failed'), { hresult, detail: 'detail text', ...extra });
  const runtime: NativeRuntime = {
    listApplications: () => Promise.resolve([]),
    activate: () =>
      Promise.resolve({
        checkConsistency: () => Promise.resolve(null),
        preRestore: () => Promise.resolve(),
        postRestore: () => Promise.resolve(),
        orderComponents: () => Promise.reject(failure(0, { protocol: true })),
        isRollForwardSupported: () => Promise.resolve(true),
        release: () => Promise.resolve(),
      }),
    mockStats: () => undefined,
  };
  const binding: NativeBinding = {
    createMockRuntime: () => runtime,
    systemMessage: () => '',
    queryStatusBatch: () => {},
    createComRuntime: (options) => {
      expect(options).toEqual({ inProcess: false, allowUnregisteredClsid: true });
      return {
        ...runtime,
        activate: () => Promise.reject(failure(0x80040154, { systemMessage: 'Class not registered' })),
      };
    },
  };

  test('activation failures keep the HRESULT, the system text and the detail', async () => {
    const backend = createNativeBackend({ binding, allowUnregisteredClsid: true });
    const error = await backend.activate({ writerId: '{W}', identifier: 'Contoso', clsid: '{C}' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotRegisteredError);
    expect(error).toMatchObject({ hresult: 0x80040154, systemMessage: 'Class not registered' });
    expect((error as Error).message).toContain('Contoso: detail text');
  });

  test('an application without a CLSID is not activated at all', async () => {
    const backend = createNativeBackend({ binding, allowUnregisteredClsid: true });
    await expect(backend.activate({ writerId: '{W}', identifier: 'Contoso', clsid: null })).rejects.toBeInstanceOf(NotRegisteredError);
  });

  test('a protocol break in OrderComponents is an AddinProtocolError', async () => {
    const backend = createNativeMockBackend(normalizeScenario({ applications: [] }), { binding });
    const addin = await backend.activate({ writerId: '{W}', identifier: 'Contoso', clsid: '{C}' });
    await expect(addin.orderComponents([{ name: 'a', logicalPath: 'p' }])).rejects.toBeInstanceOf(AddinProtocolError);
  });
});
