/** The loader's failure report, and the adapter's error mapping against an injected binding. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddinProtocolError, NotRegisteredError, UnsupportedPlatformError } from '../../lib/errors';
import { bindingCandidates, loadBinding, type NativeBinding, type NativeRuntime } from '../../lib/backends/load';
import { createNativeBackend, createNativeMockBackend } from '../../lib/backends/native';
import { normalizeScenario } from '../../lib/backends/scenario';

test('WSBAPP_BINDING is tried first, then build/Release and build/Debug', () => {
  const candidates = bindingCandidates({ WSBAPP_BINDING: '/opt/asan/wsbapp.node' });
  expect(candidates[0]).toBe('/opt/asan/wsbapp.node');
  expect(candidates.slice(1).map((c) => c.split(/[\\/]/).slice(-3).join('/'))).toEqual(['build/Release/wsbapp.node', 'build/Debug/wsbapp.node']);
  expect(bindingCandidates({})).toEqual(candidates.slice(1));
});

test('a failed load lists every path, why it failed, and how to fix it', () => {
  const broken = join(mkdtempSync(join(tmpdir(), 'wsbapp-')), 'wsbapp.node');
  writeFileSync(broken, 'not a shared object');
  const error = (() => {
    try {
      loadBinding(['/nonexistent/wsbapp.node', broken]);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  expect(error).toBeInstanceOf(UnsupportedPlatformError);
  const message = (error as Error).message;
  expect(message).toContain('/nonexistent/wsbapp.node: not found');
  expect(message).toContain(`${broken}: `);
  expect(message).toContain('npm run build:native');
  expect(message).toContain('WSBAPP_BINDING');
});

test('a binding built without COM (any non-Windows build) refuses the real backend and names the alternatives', () => {
  const binding: NativeBinding = { createMockRuntime: () => ({}) as NativeRuntime };
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
