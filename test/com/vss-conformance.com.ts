/**
 * The VSS conformance table (test/vss/table.ts) under Wine: the addon's requester (real COM
 * build) against the fake vssapi it loads through WSBAPP_VSSAPI_PATH, the third engine beside the
 * TypeScript mock and the native mock. Each row writes its scenario file, which the fake takes
 * for a new machine once nothing of the last one is alive; after each row the fake's state file
 * (written when its last object goes) must show nothing alive.
 */
import './harness/jest-globals';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNativeBackend, normalizeScenario, type VssRequester } from '../../lib';
import type { NormalizedVss } from '../../lib/vss/scenario';
import { describeVssConformance } from '../vss/runner';
import { sampleDir } from './harness/sample-addin';

const scenarioFile = join(sampleDir, 'vss-conformance.fake.json');
const stateFile = join(sampleDir, 'vss-conformance.state.json');
// Before the first VSS call of this process: the addon loads vssapi once.
Object.assign(process.env, {
  WSBAPP_VSSAPI_PATH: join(sampleDir, 'wsbapp-fake-vssapi.dll'),
  WSBAPP_FAKE_VSS_SCENARIO: scenarioFile,
  WSBAPP_FAKE_VSS_STATE: stateFile,
});

function make(vss: NormalizedVss): VssRequester {
  writeFileSync(scenarioFile, JSON.stringify({ ...normalizeScenario({ applications: [] }), vss }));
  rmSync(stateFile, { force: true });
  const requester = createNativeBackend().vss;
  if (requester === undefined) throw new Error('the native backend has no VSS requester');
  return requester;
}

describeVssConformance(
  'the fake vssapi under Wine',
  make,
  1000,
  () => {
    expect(existsSync(stateFile)).toBe(true);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ liveSessions: 0, liveSnapshots: 0, liveObjects: 0 });
  },
  15_000,
);
