// Shared helpers of the benchmark children: loading what they measure, scenarios, statistics,
// and the one-JSON-line protocol back to bench/run.js.
'use strict';
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');

// The tree whose dist/ and builds are measured: this one, or WSBAPP_BENCH_ROOT (bench/compare.js
// runs this tree's benchmark scripts against another tree's build, so both sides run the same harness).
const ROOT = process.env.WSBAPP_BENCH_ROOT ? resolve(process.env.WSBAPP_BENCH_ROOT) : join(__dirname, '..', '..');
const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';
const IDENTIFIER = 'Bench';
const COMPONENT = 'bench';
const IN_PROGRESS = 0x407a0004;

/** Fails with instructions instead of a stack trace when the package is not built. */
function need(path, fix) {
  if (!existsSync(path)) throw new Error(`bench: ${path} is missing. ${fix}`);
  return path;
}

/** The compiled library (dist/), checking that the addon it loads was built. */
function wsbapp() {
  need(join(ROOT, 'dist', 'index.js'), 'Run `npm install` (it builds dist/).');
  const lib = require(join(ROOT, 'dist', 'index.js'));
  lib.nativeBindingPath(); // throws, listing where it looked, when the addon is not built
  return lib;
}

/** The bench-only shared object (bench/native/wsbbench.cc), built by bench/native/build.sh. */
function wsbbenchPath() {
  return need(join(ROOT, 'bench', 'build', 'wsbbench.node'), 'Run `npm run bench` (it builds it), or bash bench/native/build.sh.');
}

/**
 * One application whose component answers "in progress" `running` times, then S_OK; with
 * `running` = Infinity it never finishes. `extra` components are merged in (e.g. a hang).
 */
function scenario(running, extra = {}) {
  const statuses = Number.isFinite(running) ? [...Array(running).fill(IN_PROGRESS), 0] : [IN_PROGRESS];
  return wsbapp().normalizeScenario({
    applications: [{ writerId: WRITER, identifier: IDENTIFIER, components: { [COMPONENT]: { statuses }, ...extra } }],
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** median, p99, mean, min, max of `samples` (any unit). */
function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    n: sorted.length,
    median: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean,
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

/** Event-loop delay and peak RSS over a stretch of work; stop() returns them in ms and MiB. */
function watchProcess({ resolutionMs = 1, rssEveryMs = 20 } = {}) {
  const delay = monitorEventLoopDelay({ resolution: resolutionMs });
  delay.enable();
  let peakRss = process.memoryUsage.rss();
  // unref: the sampler must never be the thing that keeps a benchmark alive.
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), rssEveryMs).unref();
  const cpu = process.cpuUsage();
  return {
    stop() {
      delay.disable();
      clearInterval(sampler);
      const used = process.cpuUsage(cpu);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      return {
        cpuUs: used.user + used.system,
        loopDelayP50Ms: delay.percentile(50) / 1e6,
        loopDelayP99Ms: delay.percentile(99) / 1e6,
        loopDelayMaxMs: delay.max / 1e6,
        peakRssMiB: peakRss / 2 ** 20,
      };
    },
  };
}

const mib = () => process.memoryUsage.rss() / 2 ** 20;

/** The child's answer: one JSON line on stdout (anything else a child prints goes to stderr). */
function report(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * Runs `main` and reports its result, or exits 1 with the message. A timer holds the process
 * open meanwhile: by design a pending QueryStatus does not keep node alive (the library's poll
 * timers do), and a bare benchmark loop of awaited calls has no timer of its own.
 */
function runChild(main) {
  const keepAlive = setInterval(() => {}, 2 ** 30);
  Promise.resolve()
    .then(main)
    .then(report, (error) => {
      console.error(error instanceof Error ? error.stack : error);
      process.exitCode = 1;
    })
    .finally(() => clearInterval(keepAlive));
}

module.exports = {
  ROOT,
  WRITER,
  IDENTIFIER,
  COMPONENT,
  IN_PROGRESS,
  wsbapp,
  wsbbenchPath,
  scenario,
  summarize,
  watchProcess,
  mib,
  report,
  runChild,
};
