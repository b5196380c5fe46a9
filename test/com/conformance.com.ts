/**
 * The scenario conformance table (test/conformance/) against the sample out-of-process add-in,
 * through createNativeBackend() and real COM under Wine: the same rows, the same outcomes as the
 * TypeScript and native mocks give. And a scripted activation hang, which only a real process
 * can end here (its watchdog).
 */
import './harness/jest-globals';
import { createNativeBackend } from '../../lib/backends/native';
import { normalizeScenario } from '../../lib/backends/scenario';
import { conformanceScenario, describeConformance } from '../conformance/runner';
import { registerScenario } from './harness/sample-addin';

const WATCHDOG_SECONDS = 10;
const STUCK = { writerId: '{C0F0A11C-0000-4000-8000-0000000000FF}', identifier: 'Stuck', clsid: '{C0F0C1A5-0000-4000-8000-0000000000FF}' };
const table = conformanceScenario();

// A short watchdog: it is what ends the add-in processes of the rows with scripted hangs (Wine
// has no CoCancelCall), and their pending calls with them.
registerScenario(
  'conformance',
  {
    ...table,
    applications: [...table.applications, ...normalizeScenario({ applications: [{ ...STUCK, activation: 'hang' }] }).applications],
  },
  WATCHDOG_SECONDS,
);

// A call crosses processes in about a millisecond; a second of silence is a hang.
describeConformance('sample add-in, real COM out of process', () => createNativeBackend(), { outOfProcess: true, pendingMs: 1000 });

test(
  'a scripted activation hang: CoCreateInstance stays pending until the watchdog ends the add-in',
  async () => {
    let settled = false;
    const activation = createNativeBackend()
      .activate(STUCK)
      .finally(() => (settled = true));
    // Activation takes about a second under Wine: three seconds of silence is the hang.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(settled).toBe(false);
    await expect(activation).rejects.toMatchObject({ call: 'Activate' });
  },
  (WATCHDOG_SECONDS + 30) * 1000,
);
