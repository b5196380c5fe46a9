// B3, isolation: does one hung QueryStatus slow the other checks' polls?
// Usage: node bench/b3-isolation.js <hang|no-hang>
//
// OTHERS operations are polled through the Backend contract every 10 ms for DURATION; each poll's
// latency (queryStatus() issued to settled) is recorded. With `hang`, one more operation of the
// same add-in has a QueryStatus in flight that never answers (it holds one COM thread) for the
// whole run; with `no-hang` that operation exists and is idle. Release at the end cancels the hang.
'use strict';
const { COMPONENT, wsbapp, scenario, summarize, runChild } = require('./lib/common');

const OTHERS = 100;
const INTERVAL_MS = 10;
const DURATION_MS = process.env.BENCH_QUICK === '1' ? 1500 : 5000;
const HUNG = 'hung';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const args = (component) => ({ writerMetadata: null, component, logicalPath: null, volumes: [] });

async function pollFor(operation, until, latencies) {
  while (Date.now() < until) {
    const start = process.hrtime.bigint();
    await operation.queryStatus();
    latencies.push(Number(process.hrtime.bigint() - start) / 1e3);
    await sleep(INTERVAL_MS);
  }
}

runChild(async () => {
  const variant = process.argv[2];
  if (variant !== 'hang' && variant !== 'no-hang') throw new Error('usage: node bench/b3-isolation.js <hang|no-hang>');
  const sc = scenario(Infinity, { [HUNG]: { statuses: [{ hang: true }] } });
  const backend = wsbapp().createNativeMockBackend(sc);
  const addin = await backend.activate(sc.applications[0]);
  const others = [];
  for (let i = 0; i < OTHERS; i++) others.push(await addin.checkConsistency(args(COMPONENT)));
  const stuck = await addin.checkConsistency(args(HUNG));
  let hungSettled = false;
  const hung =
    variant === 'hang'
      ? stuck.queryStatus().then(
          () => (hungSettled = true),
          () => (hungSettled = true),
        )
      : undefined;

  await Promise.all(others.map((op) => pollFor(op, Date.now() + 300, []))); // warm-up
  const latencies = [];
  await Promise.all(others.map((op) => pollFor(op, Date.now() + DURATION_MS, latencies)));
  if (hungSettled) throw new Error('the hung call answered: the scenario did not hang');
  for (const op of [...others, stuck]) op.release();
  addin.release();
  // Release cancels the hung call; its completion must arrive before exit. One arriving during
  // node's teardown aborts the process (a product bug, see BENCHMARKS.md), so wait for it here.
  await Promise.race([hung, sleep(2000)]);
  return { variant, others: OTHERS, intervalMs: INTERVAL_MS, durationMs: DURATION_MS, unit: 'µs', latency: summarize(latencies) };
});
