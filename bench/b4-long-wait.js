// B4, long waits: what one check costs while it waits. Usage: node bench/b4-long-wait.js <check|timer|idle>
//
// `check`: one checkConsistency() on native-mock whose add-in answers "in progress" forever,
// polled every 100 ms (backoff 1) for DURATION, then stopped with its AbortSignal. Two floors to
// read it against: `timer`, a bare setTimeout loop at the same interval doing nothing (what merely
// waking node 10 times a second costs on this machine), and `idle`, node with no work at all.
// CPU is process.cpuUsage() (every thread: JS, COM threads, GC), as % of one core.
'use strict';
const { WRITER, COMPONENT, wsbapp, scenario, mib, runChild } = require('./lib/common');

const DURATION_MS = Number(process.env.B4_MS) || (process.env.BENCH_QUICK === '1' ? 10_000 : 60_000);
const INTERVAL_MS = 100;
// Polls before the steady state: the first ones pay for JIT compilation and the first COM thread.
const WARM_POLLS = 10;

async function timerLoop(signal, warm) {
  let ticks = 0;
  while (!signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    if (++ticks === WARM_POLLS) warm.cpu = process.cpuUsage();
  }
  return ticks;
}

async function check(lib, signal, warm) {
  const onStatus = (event) => event.polls === WARM_POLLS && (warm.cpu = process.cpuUsage());
  const options = {
    backend: lib.createNativeMockBackend(scenario(Infinity)),
    interval: INTERVAL_MS,
    maxInterval: INTERVAL_MS,
    backoff: 1,
    signal,
    onStatus,
  };
  try {
    await lib.checkConsistency({ application: WRITER, component: COMPONENT }, options);
    throw new Error('the check ended before it was stopped');
  } catch (error) {
    if (!(error instanceof lib.AbortedError)) throw error;
    return error.polls;
  }
}

runChild(async () => {
  const variant = process.argv[2];
  if (!['check', 'timer', 'idle'].includes(variant)) throw new Error('usage: node bench/b4-long-wait.js <check|timer|idle>');
  const lib = wsbapp(); // loaded first in both variants, so both start from the same heap
  const rssStartMiB = mib();
  const cpu = process.cpuUsage();
  const controller = new AbortController();
  const stop = setTimeout(() => controller.abort(), DURATION_MS);
  const warm = {};
  const idle = () => new Promise((resolve) => controller.signal.addEventListener('abort', () => resolve(0)));
  const polls =
    variant === 'check'
      ? await check(lib, controller.signal, warm)
      : variant === 'timer'
        ? await timerLoop(controller.signal, warm)
        : await idle();
  clearTimeout(stop);
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1e3;
  const steady = warm.cpu && process.cpuUsage(warm.cpu);
  const steadyCpuUsPerPoll = steady ? (steady.user + steady.system) / (polls - WARM_POLLS) : undefined;
  return {
    variant,
    durationMs: DURATION_MS,
    intervalMs: INTERVAL_MS,
    polls,
    cpuMs,
    cpuPercentOfCore: (100 * cpuMs) / DURATION_MS,
    steadyCpuUsPerPoll,
    rssStartMiB,
    rssEndMiB: mib(),
  };
});
