/**
 * The VSS conformance table on the native mock: the addon's requester (native/com/vss_backup.cc,
 * through the slot table) against its fake VSS (native/mock/fake_vss.cc). After every row,
 * every fake object is released and every component info freed.
 */
import { createNativeMockBackend, normalizeScenario, type NativeMockBackend, type VssRequester } from '../../lib';
import type { NormalizedVss } from '../../lib/vss/scenario';
import { describeVssConformance } from './runner';

const backends = new WeakMap<VssRequester, NativeMockBackend>();

function make(vss: NormalizedVss): VssRequester {
  const backend = createNativeMockBackend({ ...normalizeScenario({ applications: [] }), vss });
  if (backend.vss === undefined) throw new Error('native-mock: no VSS requester for a scenario with a vss section');
  backends.set(backend.vss, backend);
  return backend.vss;
}

describeVssConformance(
  'the native mock',
  make,
  1000,
  (requester) => expect(backends.get(requester)?.stats().vss).toMatchObject({ liveSessions: 0, liveSnapshots: 0, liveObjects: 0 }),
  15_000,
);
