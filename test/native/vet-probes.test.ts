/**
 * The addon's probes for vet (Addin.probeIdentity, Addin.checkConsistencyRaw) on the native
 * mock: their answers, the references they give back, and the checks of their arguments in C++.
 */
import { loadBinding, type NativeAddin } from '../../lib/backends/load';
import { eventually, scenarioWith, WRITER, OTHER_WRITER } from './helpers';

const binding = loadBinding();
const VOLUME = ['\\\\?\\Volume{6B29FC40-CA47-1067-B31D-00DD010662DA}\\'];
const SNAPSHOT = ['\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\'];

function runtime() {
  return binding.createMockRuntime(
    scenarioWith({
      ok: { statuses: ['S_OK'] },
      refused: { check: { fail: 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED' } },
      stray: { check: { fail: 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED', operation: true } },
      none: { check: 'no-async' },
    }),
  );
}

function probesOf(addin: NativeAddin): Required<Pick<NativeAddin, 'probeIdentity' | 'checkConsistencyRaw'>> {
  if (!addin.probeIdentity || !addin.checkConsistencyRaw) throw new Error('the addon has no vet probes');
  return { probeIdentity: addin.probeIdentity.bind(addin), checkConsistencyRaw: addin.checkConsistencyRaw.bind(addin) };
}

describe('Addin probes for vet', () => {
  it('probes identity and gives back every reference it took', async () => {
    const rt = runtime();
    const addin = await rt.activate(WRITER, 'Contoso', '{0D5A7E2C-6B1F-4C8E-9A3D-5E7F1B2C4D6A}');
    const refsBefore = rt.mockStats()?.objects.map((o) => o.refs);
    expect(await probesOf(addin).probeIdentity()).toEqual({
      unknown: 0,
      backup: 0,
      restore: 0,
      reflexive: true,
      symmetric: true,
      sameUnknown: true,
      unknownIid: 0x80004002,
      unknownIidPointer: false,
    });
    expect(rt.mockStats()?.objects.map((o) => o.refs)).toEqual(refsBefore);
    const other = await rt.activate(OTHER_WRITER, 'Other', '{0D5A7E2C-6B1F-4C8E-9A3D-5E7F1B2C4D6A}');
    expect(await probesOf(other).probeIdentity()).toMatchObject({ restore: 0x80004002, symmetric: true, sameUnknown: true });
    void addin.release();
    void other.release();
    expect(await eventually(() => rt.mockStats()?.liveObjects === 0)).toBe(true);
  });

  it('reports the raw CheckConsistency answer: success, no-async, and a failure with a stray object released', async () => {
    const rt = runtime();
    const addin = await rt.activate(WRITER, 'Contoso', '{0D5A7E2C-6B1F-4C8E-9A3D-5E7F1B2C4D6A}');
    const { checkConsistencyRaw } = probesOf(addin);
    const ok = await checkConsistencyRaw(null, 'ok', null, VOLUME, SNAPSHOT);
    expect(ok).toMatchObject({ call: 0, strayObject: false });
    expect(await ok.operation?.queryStatus()).toBe(0);
    void ok.operation?.release();
    expect(await checkConsistencyRaw(null, 'none', null, [], [])).toEqual({ call: 0, strayObject: false, operation: null });
    expect(await checkConsistencyRaw(null, 'refused', null, [], [])).toEqual({ call: 0x807a0001, strayObject: false, operation: null });
    // `operation: true` scripts the broken add-in that writes its async object with a failure code.
    expect(await checkConsistencyRaw(null, 'stray', null, [], [])).toEqual({ call: 0x807a0001, strayObject: true, operation: null });
    void addin.release();
    expect(await eventually(() => rt.mockStats()?.liveObjects === 0)).toBe(true);
  });

  it('checks the raw call arguments in C++ and refuses a released add-in', async () => {
    const rt = runtime();
    const addin = await rt.activate(WRITER, 'Contoso', '{0D5A7E2C-6B1F-4C8E-9A3D-5E7F1B2C4D6A}');
    const { checkConsistencyRaw, probeIdentity } = probesOf(addin);
    expect(() => checkConsistencyRaw(null, 'ok\0', null, [], [])).toThrow(/args.component contains a NUL/);
    expect(() => checkConsistencyRaw(null, 'ok', null, VOLUME, [])).toThrow(/same length/);
    expect(() => checkConsistencyRaw(42 as never, 'ok', null, [], [])).toThrow(/args.writerMetadata/);
    void addin.release();
    expect(() => probeIdentity()).toThrow(/already released/);
    expect(await eventually(() => rt.mockStats()?.liveObjects === 0)).toBe(true);
  });
});
