/**
 * The Backend contract suite (test/contract/suite.ts) against real COM: createNativeBackend()
 * activating the sample add-in out of process, with proxies and stubs in between, its servers
 * living in one lifetime (pooled, or single-use as ATL servers do). Under Wine jest cannot
 * start, so this runs on node:test with jest's own `expect` (jest-globals, imported first by
 * the entry files contract-*.com.ts).
 */
import { createNativeBackend } from '../../../lib/backends/native';
import { normalizeScenario, type NormalizedScenario, type ServerLifetime } from '../../../lib/backends/scenario';
import { contractScenario, describeBackendContract } from '../../contract/suite';
import { registerScenario, underWine } from './sample-addin';

// The mocks give every application the same default CLSID, but one CLSID is one COM class: the
// sample EXE picks the application it plays by the CLSID it serves. So each application with an
// add-in gets a class of its own, and every application the lifetime; everything else is the
// suite's scenario unchanged.
function asServed(scenario: NormalizedScenario, lifetime: ServerLifetime): NormalizedScenario {
  return {
    ...scenario,
    applications: scenario.applications.map((app, i) => ({
      ...app,
      lifetime,
      clsid: app.clsid === null ? null : `{5A3B7E10-C0DE-4A11-9E57-00000000${(i + 1).toString(16).padStart(4, '0').toUpperCase()}}`,
    })),
  };
}

export function describeContractOverCom(lifetime: ServerLifetime): void {
  const registered = asServed(normalizeScenario(contractScenario), lifetime);
  registerScenario(`contract-${lifetime}`, registered);

  describeBackendContract(
    `native: real COM, sample add-in out of process, ${lifetime} servers`,
    (expected) => {
      // The suite passes the scenario it asserts against; the add-in plays the one registered above.
      const same = JSON.stringify(asServed(expected, lifetime)) === JSON.stringify(registered);
      if (!same) throw new Error('the suite asked for a scenario other than the one registered with the sample add-in');
      return createNativeBackend();
    },
    // About 1.1 s of every deadline goes to activation under Wine: 50 times the mock's deadlines
    // (60 ms -> 3 s) leaves the polling the suite expects before it.
    // Single-use under Wine: one activation at a time (ContractOptions.serialActivations says why).
    { outOfProcess: true, timeScale: 50, serialActivations: underWine && lifetime === 'single-use' },
  );
}
