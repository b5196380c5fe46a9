/**
 * The conformance table of scenario behaviours: what an add-in scripted by a scenario answers,
 * call by call. One table for the three engines that play scenarios (the TypeScript mock, the
 * native mock add-in, the sample out-of-process add-in under Wine), run through the Backend
 * contract by test/conformance/runner.ts. Each row is one application and a call sequence on
 * one activation of its add-in; HRESULTs are written as symbols, as a scenario author would.
 */
import type { ApplicationScenario, HresultLike } from '../../lib/backends/scenario';
import type { ComponentRef } from '../../lib/backends/types';

/**
 * What a call came to: `fails` rejected with that HRESULT; `broken` rejected as an add-in that
 * broke the interface's rules (AddinProtocolError); `pending` had not settled after a while.
 */
export type Outcome =
  | 'done'
  | 'operation'
  | 'no operation'
  | 'unwritten'
  | 'broken'
  | 'pending'
  | { readonly fails: HresultLike }
  | { readonly status: HresultLike }
  | { readonly returns: HresultLike }
  | { readonly order: readonly ComponentRef[] | null }
  | { readonly supported: boolean };

/** One call of a row. `check` starts the operation the later `status` and `abort` calls use. */
export type Call =
  | { readonly call: 'check'; readonly component: string | null }
  | { readonly call: 'status' }
  | { readonly call: 'abort' }
  | { readonly call: 'preRestore' | 'postRestore'; readonly component: string | null }
  | { readonly call: 'order'; readonly components: readonly ComponentRef[] }
  | { readonly call: 'rollForward' }
  /** No call: let `ms` pass (for what the add-in does between calls). */
  | { readonly call: 'wait'; readonly ms: number };

export interface ConformanceRow {
  readonly name: string;
  /** The application's script; the runner gives it its writer id, identifier and CLSID. */
  readonly script: Omit<ApplicationScenario, 'writerId' | 'identifier' | 'clsid'>;
  /** What activation comes to; the calls run only when it is 'done'. */
  readonly activation?: Outcome;
  /** The calls, each with the outcome every engine must give. */
  readonly calls: readonly (readonly [Call, Outcome])[];
}

const running = 'WSBAPP_ASYNC_IN_PROGRESS';
const ref = (name: string): ComponentRef => ({ name, logicalPath: `path\\${name}` });
const check = (component: string | null = 'db'): Call => ({ call: 'check', component });
const status: Call = { call: 'status' };
const abort: Call = { call: 'abort' };
const pre = (component: string | null = 'db'): Call => ({ call: 'preRestore', component });
const post = (component: string | null = 'db'): Call => ({ call: 'postRestore', component });
const order = (...names: string[]): Call => ({ call: 'order', components: names.map(ref) });
const rollForward: Call = { call: 'rollForward' };
const wait = (ms: number): Call => ({ call: 'wait', ms });

export const CONFORMANCE: readonly ConformanceRow[] = [
  {
    name: 'statuses are answered in order and the last one repeats',
    script: { components: { db: { statuses: [running, { status: running, delayMs: 1 }, 'S_OK'] } } },
    calls: [
      [check(), 'operation'],
      [status, { status: running }],
      [status, { status: running }],
      [status, { status: 'S_OK' }],
      [status, { status: 'S_OK' }],
    ],
  },
  {
    name: 'an unlisted component plays "*", and without "*" the default (S_OK at once)',
    script: { components: { '*': { statuses: ['WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED'] } } },
    calls: [
      [check('anything'), 'operation'],
      [status, { status: 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED' }],
    ],
  },
  {
    name: 'no components at all: every check succeeds at once',
    script: {},
    calls: [
      [check('db'), 'operation'],
      [status, { status: 'S_OK' }],
      [pre(), 'done'],
      [post(), 'done'],
    ],
  },
  {
    name: 'a NULL component plays the entry named ""',
    script: { components: { '': { check: 'no-async' } } },
    calls: [
      [check(null), 'no operation'],
      [check('named'), 'operation'],
    ],
  },
  {
    name: 'CheckConsistency: no-async and fail',
    script: { components: { none: { check: 'no-async' }, refuses: { check: { fail: 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED' } } } },
    calls: [
      [check('none'), 'no operation'],
      [check('refuses'), { fails: 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED' }],
    ],
  },
  {
    name: 'CheckConsistency fails and writes an async object anyway (the client releases it)',
    script: { components: { db: { check: { fail: 'E_FAIL', operation: true } } } },
    calls: [
      [check(), { fails: 'E_FAIL' }],
      [check('other'), 'operation'],
      [status, { status: 'S_OK' }],
    ],
  },
  {
    name: 'a QueryStatus call that fails, then one that answers',
    script: { components: { db: { statuses: [{ callFails: 'RPC_E_DISCONNECTED' }, 'S_OK'] } } },
    calls: [
      [check(), 'operation'],
      [status, { fails: 'RPC_E_DISCONNECTED' }],
      [status, { status: 'S_OK' }],
    ],
  },
  {
    name: 'a QueryStatus that returns S_OK without writing the status',
    script: { components: { db: { statuses: [{ unwritten: true, delayMs: 1 }] } } },
    calls: [
      [check(), 'operation'],
      [status, 'unwritten'],
    ],
  },
  {
    name: 'a crash fails that call, then every later call on the add-in',
    script: { components: { db: { statuses: [running, { crash: true }] } } },
    calls: [
      [check(), 'operation'],
      [status, { status: running }],
      [status, { fails: 'RPC_S_CALL_FAILED' }],
      [status, { fails: 'RPC_S_SERVER_UNAVAILABLE' }],
      [pre(), { fails: 'RPC_S_SERVER_UNAVAILABLE' }],
    ],
  },
  {
    name: 'a crash after the call: it answers in progress, then every later call finds the process gone',
    script: { components: { db: { statuses: [running, { crash: true, afterMs: 300 }] } } },
    calls: [
      [check(), 'operation'],
      [status, { status: running }],
      [status, { status: running }],
      [wait(1_500), 'done'],
      [status, { fails: 'RPC_S_SERVER_UNAVAILABLE' }],
      [pre(), { fails: 'RPC_S_SERVER_UNAVAILABLE' }],
    ],
  },
  {
    name: 'Abort by default: S_OK, then E_ABORT',
    script: { components: { db: { statuses: [running] } } },
    calls: [
      [check(), 'operation'],
      [status, { status: running }],
      [abort, { returns: 'S_OK' }],
      [status, { status: 'E_ABORT' }],
      [status, { status: 'E_ABORT' }],
    ],
  },
  {
    name: 'Abort as scripted: its return code, a delay and the status after it',
    script: {
      components: {
        db: {
          statuses: [running],
          abort: { returns: 'E_UNEXPECTED', delayMs: 2, statusAfter: 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED' },
        },
      },
    },
    calls: [
      [check(), 'operation'],
      [abort, { returns: 'E_UNEXPECTED' }],
      [status, { status: 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED' }],
    ],
  },
  {
    name: 'activation fails as scripted',
    script: { activation: 'E_ACCESSDENIED' },
    activation: { fails: 'E_ACCESSDENIED' },
    calls: [],
  },
  {
    name: 'PreRestore and PostRestore answer per component',
    script: {
      components: {
        db: { preRestore: 'WSBAPP_E_COMPONENT_PRE_RESTORE_FAILED', postRestore: 'S_FALSE' },
        logs: { postRestore: 'WSBAPP_E_COMPONENT_POST_RESTORE_FAILED' },
      },
    },
    calls: [
      [pre('db'), { fails: 'WSBAPP_E_COMPONENT_PRE_RESTORE_FAILED' }],
      [post('db'), 'done'],
      [pre('logs'), 'done'],
      [post('logs'), { fails: 'WSBAPP_E_COMPONENT_POST_RESTORE_FAILED' }],
    ],
  },
  {
    name: 'OrderComponents: listed names first, the rest as given; IsRollForwardSupported true',
    script: { orderComponents: ['logs', 'db'], rollForwardSupported: true },
    calls: [
      [order('x', 'db', 'y', 'logs'), { order: [ref('logs'), ref('db'), ref('x'), ref('y')] }],
      [rollForward, { supported: true }],
    ],
  },
  {
    name: 'OrderComponents by default: NULL arrays (any order); IsRollForwardSupported false',
    script: {},
    calls: [
      [order('b', 'a'), { order: null }],
      [rollForward, { supported: false }],
    ],
  },
  {
    name: 'OrderComponents and IsRollForwardSupported fail as scripted',
    script: { orderComponents: { fail: 'E_UNEXPECTED' }, rollForwardSupported: { fail: 'E_NOTIMPL' } },
    calls: [
      [order('a'), { fails: 'E_UNEXPECTED' }],
      [rollForward, { fails: 'E_NOTIMPL' }],
    ],
  },
  {
    name: 'OrderComponents returns exactly the scripted list, a non-permutation included',
    script: { orderComponents: { returns: [ref('a'), ref('a'), ref('ghost')] } },
    // The interface sizes the answer by the input count: cut to it, or NULL entries past the list.
    calls: [
      [order('a', 'b', 'c'), { order: [ref('a'), ref('a'), ref('ghost')] }],
      [order('b'), { order: [ref('a')] }],
      [order('a', 'b', 'c', 'd'), 'broken'],
    ],
  },
  {
    name: 'an add-in without IWsbApplicationRestoreSupport',
    script: { restoreSupport: false },
    calls: [
      [check(), 'operation'],
      [pre(), { fails: 'E_NOINTERFACE' }],
      [order('a'), { fails: 'E_NOINTERFACE' }],
      [rollForward, { fails: 'E_NOINTERFACE' }],
    ],
  },
  {
    name: 'scripted hangs: CheckConsistency, and each restore call',
    script: {
      orderComponents: 'hang',
      rollForwardSupported: 'hang',
      components: { db: { check: 'hang', preRestore: 'hang', postRestore: 'hang' } },
    },
    calls: [
      [check(), 'pending'],
      [pre(), 'pending'],
      [post(), 'pending'],
      [order('a'), 'pending'],
      [rollForward, 'pending'],
    ],
  },
  {
    name: 'scripted hangs: a QueryStatus step, and Abort',
    script: { components: { db: { statuses: [running, { hang: true }] }, stuck: { statuses: [running], abort: { hang: true } } } },
    calls: [
      [check('stuck'), 'operation'],
      [abort, 'pending'],
      [check('db'), 'operation'],
      [status, { status: running }],
      [status, 'pending'],
    ],
  },
];
