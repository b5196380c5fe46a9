/** The scenarios vet's tests script: a conforming add-in and one fault each. */
import type { ApplicationScenario, ComponentScenario, Scenario } from '../../lib/backends/scenario';

export const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';
export const APP = 'Vetted';
export const COMPONENTS = [
  { name: 'db', logicalPath: 'Data' },
  { name: 'logs', logicalPath: 'Data' },
];

const RUNNING = 'WSBAPP_ASYNC_IN_PROGRESS';

/** A conforming add-in: in progress twice, then S_OK; Abort gives E_ABORT. */
export const CONFORMING: ComponentScenario = { statuses: [RUNNING, RUNNING, 'S_OK'] };

/** One application whose every component follows `component`, with `app` changes. */
export function scenarioOf(component: ComponentScenario, app: Partial<ApplicationScenario> = {}): Scenario {
  return { applications: [{ writerId: WRITER, identifier: APP, components: { '*': component }, ...app }] };
}

/** Each fault: its scenario and exactly the rules it must fail and warn. */
export interface Fault {
  readonly name: string;
  readonly scenario: Scenario;
  readonly fails: readonly string[];
  readonly warns: readonly string[];
  /** Only the native mock can see it (a pointer returned with a failure, an unwritten status). */
  readonly nativeOnly?: boolean;
  readonly restore?: boolean;
}

export const FAULTS: readonly Fault[] = [
  { name: 'conforming', scenario: scenarioOf(CONFORMING), fails: [], warns: [] },
  {
    name: 'blocking QueryStatus',
    scenario: scenarioOf({ statuses: [{ status: RUNNING, delayMs: 400 }, 'S_OK'] }),
    fails: ['check.query-status-answers'],
    warns: [],
  },
  {
    name: '0x007A0004 in progress',
    scenario: scenarioOf({ statuses: ['0x007A0004', 'S_OK'] }),
    fails: [],
    warns: ['check.in-progress-value'],
  },
  { name: 'S_FALSE final status', scenario: scenarioOf({ statuses: [RUNNING, 'S_FALSE'] }), fails: ['check.success-code'], warns: [] },
  {
    name: 'Abort fails',
    scenario: scenarioOf({ ...CONFORMING, abort: { returns: 'E_UNEXPECTED' } }),
    fails: ['abort.returns-ok'],
    warns: [],
  },
  { name: 'crash', scenario: scenarioOf({ statuses: [RUNNING, { crash: true }] }), fails: ['lifetime.no-crash'], warns: [] },
  { name: 'CheckConsistency hangs', scenario: scenarioOf({ check: 'hang' }), fails: ['check.returns-promptly'], warns: [] },
  { name: 'never finishes', scenario: scenarioOf({ statuses: [RUNNING] }), fails: ['check.completes'], warns: [] },
  {
    name: 'pointer with a failure',
    scenario: scenarioOf({ check: { fail: 'E_FAIL', operation: true } }),
    fails: ['check.no-object-on-failure'],
    warns: [],
    nativeOnly: true,
  },
  {
    name: 'unwritten status',
    scenario: scenarioOf({ statuses: [{ unwritten: true }] }),
    fails: ['check.query-status-answers'],
    warns: [],
    nativeOnly: true,
  },
  {
    name: 'OrderComponents fails',
    scenario: scenarioOf(CONFORMING, { orderComponents: { fail: 'E_FAIL' } }),
    fails: ['restore.order-components'],
    warns: [],
    restore: true,
  },
];
