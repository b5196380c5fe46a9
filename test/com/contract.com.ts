/**
 * The Backend contract suite (test/contract/suite.ts) against real COM: createNativeBackend()
 * activating the sample add-in out of process, with proxies and stubs in between. Under Wine
 * jest cannot start, so this runs on node:test with jest's own `expect` (harness/jest-globals).
 */
import './harness/jest-globals';
import { createNativeBackend } from '../../lib/backends/native';
import { normalizeScenario, type NormalizedScenario } from '../../lib/backends/scenario';
import { contractScenario, describeBackendContract } from '../contract/suite';
import { registerScenario } from './harness/sample-addin';

// The mocks give every application the same default CLSID, but one CLSID is one COM class: the
// sample EXE picks the application it plays by the CLSID it serves. So each application with an
// add-in gets a class of its own; everything else is the suite's scenario unchanged.
function withOwnClsids(scenario: NormalizedScenario): NormalizedScenario {
  return {
    ...scenario,
    applications: scenario.applications.map((app, i) =>
      app.clsid === null
        ? app
        : { ...app, clsid: `{5A3B7E10-C0DE-4A11-9E57-00000000${(i + 1).toString(16).padStart(4, '0').toUpperCase()}}` },
    ),
  };
}

const registered = withOwnClsids(normalizeScenario(contractScenario));
registerScenario('contract', registered);

describeBackendContract(
  'native: real COM, sample add-in out of process',
  (expected) => {
    // The suite passes the scenario it asserts against; the add-in plays the one registered above.
    const same = JSON.stringify(withOwnClsids(expected)) === JSON.stringify(registered);
    if (!same) throw new Error('the suite asked for a scenario other than the one registered with the sample add-in');
    return createNativeBackend();
  },
  // About 1.1 s of every deadline goes to activation under Wine: 50 times the mock's deadlines
  // (60 ms -> 3 s) leaves the polling the suite expects before it.
  { outOfProcess: true, timeScale: 50 },
);
