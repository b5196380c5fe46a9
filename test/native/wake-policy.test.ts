/**
 * The wake-up policy for lone calls: binding.wakePolicy's checks, the environment variables that
 * set it, and calls made back to back with both spins on (results exact, never delivered before
 * the call returns, a hung call holding nothing up, the process exiting when done).
 */
import { loadBinding, type NativeBinding, type NativeOperation } from '../../lib/backends/load';
import { applyWakePolicy, type WakePolicy, type WakePolicyEntry } from '../../lib/backends/wake-policy';
import { eventually, runChild, scenarioWith, withMockAddin, WRITER } from './helpers';

const IN_PROGRESS = 0x407a0004;
const RPC_E_CALL_CANCELED = 0x80010002;

const scenario = scenarioWith({
  spins: { statuses: ['WSBAPP_ASYNC_IN_PROGRESS'] },
  hangs: { statuses: [{ hang: true }] },
});

// This build has the entry point (older ones may not: NativeBinding makes it optional).
let binding: NativeBinding & { wakePolicy: WakePolicyEntry };
let max: number;
let defaults: WakePolicy;
const restoreDefaults = () => binding.wakePolicy({ comSpinUs: defaults.comSpinUs, callerSpinUs: defaults.callerSpinUs });

beforeAll(() => {
  binding = loadBinding({}) as typeof binding;
  defaults = binding.wakePolicy();
  max = defaults.maxSpinUs;
});

afterAll(restoreDefaults);

describe('binding.wakePolicy', () => {
  afterEach(restoreDefaults);

  test("the caller spin defaults to 50 µs, the COM threads' to off; both take whole microseconds up to maxSpinUs", () => {
    expect(defaults).toEqual({ comSpinUs: 0, callerSpinUs: 50, maxSpinUs: 1000 });
    binding.wakePolicy({ comSpinUs: 0, callerSpinUs: 0 });
    expect(binding.wakePolicy({ comSpinUs: 20 })).toEqual({ comSpinUs: 20, callerSpinUs: 0, maxSpinUs: max });
    expect(binding.wakePolicy({ callerSpinUs: max })).toEqual({ comSpinUs: 20, callerSpinUs: max, maxSpinUs: max });
    expect(binding.wakePolicy({})).toEqual({ comSpinUs: 20, callerSpinUs: max, maxSpinUs: max });
  });

  test.each([
    [null, TypeError, 'ERR_INVALID_ARG_TYPE', /wake policy must be an object/],
    [{ comSpinUs: '5' }, TypeError, 'ERR_INVALID_ARG_TYPE', /comSpinUs must be a number/],
    [{ callerSpinUs: -1 }, RangeError, 'ERR_OUT_OF_RANGE', /callerSpinUs must be an integer from 0 to 1000/],
    [{ comSpinUs: 1.5 }, RangeError, 'ERR_OUT_OF_RANGE', /comSpinUs/],
    [{ comSpinUs: 1001 }, RangeError, 'ERR_OUT_OF_RANGE', /comSpinUs/],
    [{ comSpinUs: NaN }, RangeError, 'ERR_OUT_OF_RANGE', /comSpinUs/],
    [{ comSpinUs: 10, callerSpinUs: Infinity }, RangeError, 'ERR_OUT_OF_RANGE', /callerSpinUs/],
  ])('%p is refused with a coded error naming the field, and changes nothing', (policy, type, code, message) => {
    let thrown: unknown;
    try {
      binding.wakePolicy(policy as never);
    } catch (error) {
      thrown = error;
    }
    // By name, not constructor: the addon's errors come from the main realm, not jest's vm context.
    expect((thrown as Error).name).toBe(type.name);
    expect(thrown).toMatchObject({ code, message: expect.stringMatching(message) });
    expect(binding.wakePolicy()).toEqual(defaults);
  });
});

describe('the environment variables', () => {
  const applied: object[] = [];
  const entry = (policy?: object): WakePolicy => {
    if (policy !== undefined) applied.push(policy);
    return { comSpinUs: 0, callerSpinUs: 0, maxSpinUs: 1000 };
  };
  beforeEach(() => applied.splice(0));

  test('set what they name; unset or empty ones keep the default', () => {
    applyWakePolicy(entry, { WSBAPP_COM_SPIN_US: '50', WSBAPP_CALLER_SPIN_US: ' 0 ' });
    applyWakePolicy(entry, { WSBAPP_COM_SPIN_US: '' });
    expect(applied).toEqual([{ comSpinUs: 50, callerSpinUs: 0 }, {}]);
  });

  test.each(['abc', '-1', '1.5', '1001', '1e3', '0x10'])('%p is a RangeError naming the variable and the limit', (text) => {
    expect(() => applyWakePolicy(entry, { WSBAPP_CALLER_SPIN_US: text })).toThrow(
      expect.objectContaining({
        code: 'ERR_OUT_OF_RANGE',
        message: `WSBAPP_CALLER_SPIN_US must be a whole number of microseconds from 0 to 1000, got ${JSON.stringify(text)}`,
      }),
    );
    expect(applied).toEqual([]);
  });

  test('loadBinding applies them to the addon it returns', () => {
    expect(loadBinding({ WSBAPP_COM_SPIN_US: '7', WSBAPP_CALLER_SPIN_US: '9' }).wakePolicy?.()).toMatchObject({
      comSpinUs: 7,
      callerSpinUs: 9,
    });
    restoreDefaults();
  });
});

describe('calls back to back with both spins at their maximum', () => {
  beforeEach(() => binding.wakePolicy({ comSpinUs: max, callerSpinUs: max }));
  afterEach(restoreDefaults);
  const mock = withMockAddin(() => binding, scenario);
  const check = (component: string) => mock.check(component);

  /** One batch of one, resolved with its status; records whether onResults ran before the call returned. */
  function batchOfOne(operation: NativeOperation, early: boolean[]): Promise<number> {
    return new Promise((resolve, reject) => {
      let returned = false;
      binding.queryStatusBatch([operation], (_indices, statuses, failures) => {
        early.push(!returned);
        if (failures?.[0]) reject(failures[0]);
        else resolve(statuses[0]);
      });
      returned = true;
    });
  }

  test('every answer is exact, single and batched, and none is delivered before its call returns', async () => {
    const operation = await check('spins');
    const early: boolean[] = [];
    for (let i = 0; i < 300; i++) {
      expect(await operation.queryStatus()).toBe(IN_PROGRESS);
      expect(await batchOfOne(operation, early)).toBe(IN_PROGRESS);
    }
    expect(early).toEqual(new Array(300).fill(false));
    expect(mock.runtime.mockStats()?.calls.filter((c) => c.method === 'QueryStatus')).toHaveLength(600);
  });

  test('a lone hung call: the spin gives up, the call stays pending, and releasing cancels it', async () => {
    const warm = await check('spins');
    await warm.queryStatus(); // the next call is "back to back": both sides spin
    const hung = await check('hangs');
    const pending = hung.queryStatus().catch((error: { hresult: number }) => error.hresult);
    await eventually(() => mock.runtime.mockStats()?.calls.some((c) => c.method === 'QueryStatus' && c.component === 'hangs') === true);
    expect(await warm.queryStatus()).toBe(IN_PROGRESS); // nothing else waits behind it
    await hung.release();
    expect(await pending).toBe(RPC_E_CALL_CANCELED);
  });

  test('a process polling back to back with both spins on exits by itself once it is done', async () => {
    const child = await runChild(
      `const binding = require(BINDING);
       binding.wakePolicy({ comSpinUs: 1000, callerSpinUs: 1000 });
       (async () => {
         const runtime = binding.createMockRuntime(SCENARIO);
         const addin = await runtime.activate(${JSON.stringify(WRITER)}, 'Contoso', '{C}');
         const operation = await addin.checkConsistency(null, 'spins', null, [], []);
         let answered = 0;
         for (let i = 0; i < 2000; i++) if ((await operation.queryStatus(true)) === ${IN_PROGRESS}) answered++;
         console.log('answered', answered);
         // Released as the process goes: its cleanup stops the COM threads, one of them likely spinning.
         void operation.release();
         void addin.release();
       })();`,
      scenario,
    );
    expect(child).toMatchObject({ code: 0, signal: null, stdout: 'answered 2000\n', stderr: '' });
  });
});
