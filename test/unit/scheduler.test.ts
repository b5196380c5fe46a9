import { checkConsistency, createMockBackend } from '../../lib';
import { scheduler } from '../../lib/scheduler';

const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('tasks due at the same millisecond share one timer and run in the order they were scheduled', () => {
  const ran: number[] = [];
  for (let i = 0; i < 1000; i++) scheduler().schedule(50, () => ran.push(i));
  expect(jest.getTimerCount()).toBe(1);
  jest.advanceTimersByTime(49);
  expect(ran).toEqual([]);
  jest.advanceTimersByTime(1);
  expect(ran).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  expect(scheduler().pending).toBe(0);
  expect(jest.getTimerCount()).toBe(0);
});

test('an earlier task re-arms the one timer; later ones wait for their own tick', () => {
  const ran: string[] = [];
  scheduler().schedule(100, () => ran.push('100'));
  scheduler().schedule(30, () => ran.push('30'));
  scheduler().schedule(60, () => ran.push('60'));
  expect(jest.getTimerCount()).toBe(1);
  jest.advanceTimersByTime(30);
  expect(ran).toEqual(['30']);
  jest.advanceTimersByTime(30);
  expect(ran).toEqual(['30', '60']);
  jest.advanceTimersByTime(40);
  expect(ran).toEqual(['30', '60', '100']);
});

test('a cancelled task never runs, and once nothing is pending no timer holds the process', () => {
  const ran: string[] = [];
  const first = scheduler().schedule(10, () => ran.push('first'));
  const second = scheduler().schedule(20, () => ran.push('second'));
  first.cancel();
  first.cancel(); // idempotent
  expect(scheduler().pending).toBe(1);
  jest.advanceTimersByTime(15);
  expect(ran).toEqual([]);
  second.cancel();
  expect(scheduler().pending).toBe(0);
  expect(jest.getTimerCount()).toBe(0);
  jest.advanceTimersByTime(100);
  expect(ran).toEqual([]);
});

test('a reused timer runs once per start: a cancelled wait left in its bucket is skipped, also when restarted at the same ms', () => {
  let runs = 0;
  const timer = scheduler().timerFor(() => (runs += 1));
  timer.start(10);
  timer.start(30); // drops the 10 ms wait
  jest.advanceTimersByTime(10);
  expect(runs).toBe(0);
  timer.cancel();
  timer.start(20); // due at the ms of the wait it replaced: listed twice there, run once
  expect(scheduler().pending).toBe(1);
  jest.advanceTimersByTime(100);
  expect(runs).toBe(1);
  expect(scheduler().pending).toBe(0);
  expect(jest.getTimerCount()).toBe(0);
});

test('a task scheduled with no delay, or from a running task, waits at least 1 ms (as setTimeout)', () => {
  const ran: string[] = [];
  scheduler().schedule(0, () => {
    ran.push('outer');
    scheduler().schedule(0, () => ran.push('inner'));
  });
  jest.advanceTimersByTime(1);
  expect(ran).toEqual(['outer']);
  jest.advanceTimersByTime(1);
  expect(ran).toEqual(['outer', 'inner']);
});

test('fake timers get a scheduler of their own on the fake clock', () => {
  const fake = scheduler();
  jest.useRealTimers();
  expect(scheduler()).not.toBe(fake);
  jest.useFakeTimers();
  expect(scheduler()).not.toBe(fake); // a new fake clock, a new scheduler
});

test('many checks polling at one interval use one poll timer between them, beside each check’s deadline timer', async () => {
  const checks = 200;
  const backend = createMockBackend({
    applications: [
      { writerId: WRITER, identifier: 'Contoso', components: { db: { statuses: ['0x407A0004', '0x407A0004', '0x407A0004', 0] } } },
    ],
  });
  const options = { backend, interval: 10, maxInterval: 10, backoff: 1 };
  const done = Promise.all(Array.from({ length: checks }, () => checkConsistency({ application: 'Contoso', component: 'db' }, options)));
  let most = 0;
  for (let t = 0; t < 100; t++) {
    await jest.advanceTimersByTimeAsync(1);
    most = Math.max(most, jest.getTimerCount() - checks);
  }
  const results = await done;
  expect(results.every((r) => r.outcome === 'consistent' && r.polls === 4)).toBe(true);
  expect(most).toBe(1);
});
