// B2, scale: N concurrent checks through the public API on the native-mock backend.
// Usage: node --expose-gc bench/b2-scale.js <N> [--subscribed]
//
// Each check is checkConsistency() with interval 10 ms and backoff 1 (a fixed interval) and ends
// after POLLS QueryStatus calls. The same N checks run ROUNDS times, each round on a fresh backend
// (the mock keeps a log of every call, so an old backend is dropped and collected between rounds):
// the first round warms up, and peak RSS of the later rounds shows whether memory stays flat.
// --subscribed adds one subscriber to every wsbapp diagnostics channel (it only counts the
// messages), to measure what publishing costs against the default of nobody listening.
'use strict';
const diagnosticsChannel = require('node:diagnostics_channel');
const { WRITER, COMPONENT, wsbapp, scenario, watchProcess, runChild } = require('./lib/common');

const POLLS = 20;
const ROUNDS = 3;

async function round(lib, checks) {
  const backend = lib.createNativeMockBackend(scenario(POLLS - 1));
  const options = { backend, interval: 10, maxInterval: 10, backoff: 1 };
  const watch = watchProcess();
  const start = process.hrtime.bigint();
  const results = await Promise.all(
    Array.from({ length: checks }, () => lib.checkConsistency({ application: WRITER, component: COMPONENT }, options)),
  );
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const usage = watch.stop();
  const polls = results.reduce((sum, r) => sum + r.polls, 0);
  if (polls !== checks * POLLS) throw new Error(`expected ${checks * POLLS} polls, counted ${polls}`);
  return { wallMs, polls, cpuUsPerPoll: usage.cpuUs / polls, ...usage };
}

runChild(async () => {
  const checks = Number(process.argv[2]);
  if (!Number.isInteger(checks) || checks < 1) throw new Error('usage: node --expose-gc bench/b2-scale.js <checks>');
  const lib = wsbapp();
  const subscribed = process.argv.includes('--subscribed');
  let messages = 0;
  if (subscribed) for (const name of Object.values(lib.DIAGNOSTICS_CHANNELS)) diagnosticsChannel.subscribe(name, () => (messages += 1));
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    global.gc?.();
    rounds.push(await round(lib, checks));
  }
  return { checks, subscribed, messages, pollsPerCheck: POLLS, intervalMs: 10, rounds, warm: rounds[rounds.length - 1] };
});
