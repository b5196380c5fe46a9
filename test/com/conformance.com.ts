/**
 * The scenario conformance table (test/conformance/) against the sample out-of-process add-in,
 * through createNativeBackend() and real COM under Wine: the same rows, the same outcomes as the
 * TypeScript and native mocks give.
 */
import './harness/jest-globals';
import { createNativeBackend } from '../../lib/backends/native';
import { conformanceScenario, describeConformance } from '../conformance/runner';
import { registerScenario } from './harness/sample-addin';

// A short watchdog: it is what ends the add-in processes of the rows with scripted hangs (Wine
// has no CoCancelCall), and their pending calls with them.
registerScenario('conformance', conformanceScenario(), 10);

// A call crosses processes in about a millisecond; a second of silence is a hang.
describeConformance('sample add-in, real COM out of process', () => createNativeBackend(), { outOfProcess: true, pendingMs: 1000 });
