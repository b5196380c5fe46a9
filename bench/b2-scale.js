// B2, scale: N concurrent checks through the public API on the native-mock backend.
// Usage: node --expose-gc bench/b2-scale.js <N> [--interval <ms>] [--polls <n>] [--rounds <n>] [--subscribed] [--default]
//
// Each check is checkConsistency() with a fixed interval (backoff 1; default 10 ms) and ends after
// `polls` QueryStatus calls (default 20). The same N checks run `rounds` times (default 3), each
// round on a fresh backend (the mock keeps a log of every call, so an old backend is dropped and
// collected between rounds): the first round warms up, and peak RSS of the later rounds shows
// whether memory stays flat. Ideal wall time is (polls - 1) x interval (the first poll is
// immediate, so at least 2 polls). RSS per check is a round's peak RSS minus the baseline (RSS
// with the library loaded, after a forced GC, before the first round), over N.
// --subscribed adds one subscriber to every wsbapp diagnostics channel (it only counts the
// messages), to measure what publishing costs against the default of nobody listening.
// --default runs the checks the way most users do, with no backend option: the round's backend
// is made the process's default (setDefaultBackend), so every check goes through getDefaultBackend.
// The "many add-ins, slow polls" shape of issue 13: `100000 --interval 1000 --polls 5 --rounds 2`.
'use strict';
const diagnosticsChannel = require('node:diagnostics_channel');
const { WRITER, COMPONENT, wsbapp, scenario, watchProcess, mib, runChild } = require('./lib/common');

const USAGE =
  'usage: node --expose-gc bench/b2-scale.js <checks> [--interval <ms>] [--polls <n>] [--rounds <n>] [--subscribed] [--default]';

/** The integer ≥ `min` after `--name`, or `fallback` when the option is absent. */
function option(argv, name, fallback, min = 1) {
  const at = argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} takes an integer ≥ ${min}. ${USAGE}`);
  return value;
}

async function round(lib, checks, { intervalMs, polls: pollsPerCheck, viaDefault }, baselineRssMiB) {
  const backend = lib.createNativeMockBackend(scenario(pollsPerCheck - 1));
  const timing = { interval: intervalMs, maxInterval: intervalMs, backoff: 1 };
  if (viaDefault) lib.setDefaultBackend(backend);
  const options = viaDefault ? timing : { ...timing, backend };
  const watch = watchProcess();
  const start = process.hrtime.bigint();
  const results = await Promise.all(
    Array.from({ length: checks }, () => lib.checkConsistency({ application: WRITER, component: COMPONENT }, options)),
  );
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const usage = watch.stop();
  const polls = results.reduce((sum, r) => sum + r.polls, 0);
  if (polls !== checks * pollsPerCheck) throw new Error(`expected ${checks * pollsPerCheck} polls, counted ${polls}`);
  const idealMs = (pollsPerCheck - 1) * intervalMs;
  return {
    wallMs,
    idealMs,
    wallOverIdeal: wallMs / idealMs,
    polls,
    cpuUsPerPoll: usage.cpuUs / polls,
    rssKiBPerCheck: ((usage.peakRssMiB - baselineRssMiB) * 1024) / checks,
    ...usage,
  };
}

async function main() {
  const argv = process.argv.slice(2);
  const checks = Number(argv[0]);
  if (!Number.isInteger(checks) || checks < 1) throw new Error(USAGE);
  const viaDefault = argv.includes('--default');
  const shape = { intervalMs: option(argv, 'interval', 10), polls: option(argv, 'polls', 20, 2), viaDefault };
  const rounds = option(argv, 'rounds', 3);
  const lib = wsbapp();
  const subscribed = argv.includes('--subscribed');
  let messages = 0;
  if (subscribed) for (const name of Object.values(lib.DIAGNOSTICS_CHANNELS)) diagnosticsChannel.subscribe(name, () => (messages += 1));
  global.gc?.();
  const baselineRssMiB = mib();
  const results = [];
  for (let r = 0; r < rounds; r++) {
    global.gc?.();
    results.push(await round(lib, checks, shape, baselineRssMiB));
  }
  return {
    checks,
    subscribed,
    viaDefault,
    messages,
    pollsPerCheck: shape.polls,
    intervalMs: shape.intervalMs,
    baselineRssMiB,
    rounds: results,
    warm: results[results.length - 1],
  };
}

/**
 * Issue 13's "many add-ins, slow polls" shape, as bench/run.js and bench/compare.js run it, and a
 * time limit for the process (the poll path before issue 13 needs minutes for it).
 */
const MANY_SLOW = { checks: 100000, intervalMs: 1000, polls: 5, rounds: 2, limitMs: 20 * 60_000 };

/** The command line of a shape { checks, intervalMs, polls, rounds }. */
const shapeArgs = ({ checks, intervalMs, polls, rounds }) =>
  [checks, '--interval', intervalMs, '--polls', polls, '--rounds', rounds].map(String);

if (require.main === module) runChild(main);
module.exports = { MANY_SLOW, shapeArgs };
