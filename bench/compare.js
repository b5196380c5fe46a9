#!/usr/bin/env node
// Before/after table of issue 13: runs this tree's benchmark scripts against two built trees and
// reports every figure as a ratio to its anchor measured in the same run.
// Usage: node bench/compare.js --before <dir> --after <dir> [--repeats 3] [--quick] [--b4-ms <ms>]
//          [--many-slow-checks <n>] [B1 B2 B3 B4 B5]   (default B1-B4; B5, real COM under Wine, when named)
//
// Each tree needs `npm ci && npm run build:native && npm run build:ts`. The harness is always this
// tree's bench/*.js; WSBAPP_BENCH_ROOT (bench/lib/common.js) points each child at one tree's dist/,
// addon and bench/build/wsbbench.node, so both sides run the same workload. For every benchmark,
// runs alternate before, after, before, after... `repeats` times each; a run's ratios use only
// anchors from that run (B1: koffi in the processes next to ours; B4: the bare timer loop running
// alongside; B5: the C++ clients of the same session blocks). The table gives min / median / max
// over the runs; "met?" reads the after median against the target. Targets are reported, never
// asserted. --quick: BENCH_QUICK for the children (B1 shorter, B4 10 s, B5 two sessions);
// --many-slow-checks shrinks B2's 100,000-check shape for a smoke run. Results and every run's raw
// answers go to bench/results/compare-<date>.json.
'use strict';
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { IMPLS: B1_IMPLS, buildWsbbench } = require('./b1-binding');
const { MANY_SLOW, shapeArgs } = require('./b2-scale');
const { child, ChildTimeout } = require('./lib/child');
const { machine, commitOf } = require('./lib/machine');
const { f, median } = require('./lib/table');

const USAGE =
  'usage: node bench/compare.js --before <dir> --after <dir> [--repeats 3] [--quick] [--b4-ms <ms>] [--many-slow-checks <n>] [B1 B2 B3 B4 B5]';
const B5_LIMIT_MS = 30 * 60_000;
const B5_QUICK_LIMIT_MS = 150_000;

function parseArgs(argv) {
  const settings = { repeats: 3, quick: false, b4Ms: undefined, manySlowChecks: MANY_SLOW.checks, only: [] };
  const value = (i) => {
    if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value. ${USAGE}`);
    return argv[i + 1];
  };
  const count = (i) => {
    const n = Number(value(i));
    if (!Number.isInteger(n) || n < 1) throw new Error(`${argv[i]} takes a positive integer. ${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--before' || arg === '--after') settings[arg.slice(2)] = resolve(value(i++));
    else if (arg === '--repeats') settings.repeats = count(i++);
    else if (arg === '--b4-ms') settings.b4Ms = count(i++);
    else if (arg === '--many-slow-checks') settings.manySlowChecks = count(i++);
    else if (arg === '--quick') settings.quick = true;
    else if (/^B[1-5]$/i.test(arg)) settings.only.push(arg.toUpperCase());
    else throw new Error(`unknown argument ${arg}. ${USAGE}`);
  }
  for (const side of ['before', 'after']) {
    if (!settings[side]) throw new Error(`--${side} is required. ${USAGE}`);
    if (!existsSync(join(settings[side], 'dist', 'index.js')))
      throw new Error(`${settings[side]}/dist/index.js is missing: run npm ci && npm run build:native && npm run build:ts there`);
  }
  return settings;
}

/** A figure from run answers, or the gap (a timed-out child, an implementation the binding lacks). */
const gapOf = (...answers) => answers.find((a) => a?.na);
const from = (answers, figure) => {
  const gap = gapOf(...answers);
  return gap ? { na: gap.na } : figure(...answers);
};
const ratio = (a, b) => from([a, b], () => a.median / b.median);
const pairedMedian = (xs, ys) => median(xs.map((x, i) => x / ys[i]));

// Per-process time limits: a slow tree's run is cut off and reported as timed out, so it cannot
// stall the table. --quick sizes them to its shorter children.
const limit = (settings, quickMs, fullMs) => (settings.quick ? quickMs : fullMs);

/**
 * B2's shapes. --quick keeps each target's shape (checks, interval, 3 rounds where RSS must stay
 * flat) and cuts polls and rounds: the poll path before issue 13 needs seconds per 10,000-check
 * round and minutes for 100,000 checks.
 */
const b2Shapes = (settings) => ({
  n1000: { checks: 1000, intervalMs: 10, polls: 20, rounds: 3, limitMs: limit(settings, 60_000, 5 * 60_000) },
  n10000: { checks: 10000, intervalMs: 10, polls: settings.quick ? 10 : 20, rounds: 3, limitMs: limit(settings, 120_000, 10 * 60_000) },
  manySlow: {
    ...MANY_SLOW,
    checks: settings.manySlowChecks,
    ...(settings.quick && { polls: 3, rounds: 1, limitMs: 60_000 }),
  },
});
const shapeLabel = ({ checks, intervalMs, polls, rounds }) =>
  `${checks.toLocaleString('en-US')} checks @${intervalMs >= 1000 ? `${intervalMs / 1000} s` : `${intervalMs} ms`} (${polls} polls, ${rounds} round${rounds > 1 ? 's' : ''})`;

/**
 * The benchmarks: `run(env, settings, run)` makes one run against one tree (env: WSBAPP_BENCH_ROOT)
 * through `run(script, args, options)` (bench/lib/child.js's child, with main's timeout handling) and
 * returns its raw answers; `measures(raw)` turns a run into figures. `MEASURES` names them.
 */
const BENCHES = {
  B1: {
    prepare: (root) => buildWsbbench(root),
    async run(env, settings, run) {
      const raw = {};
      for (const impl of B1_IMPLS) raw[impl] = await run('b1-binding.js', [impl], { env, limitMs: limit(settings, 60_000, 5 * 60_000) });
      return raw;
    },
    measures: (r) => ({
      'b1.async': ratio(r['ours-async'], r['koffi-async']),
      'b1.backendAsync': ratio(r['ours-backend-async'], r['koffi-async']),
      'b1.batchOfOne': ratio(r['ours-batch-1'], r['koffi-async']),
      'b1.koffiAsyncUs': from([r['koffi-async']], (k) => k.median / 1e3),
      'b1.inFlight64': ratio(r['ours-async-64'], r['koffi-async-64']),
      'b1.sync': ratio(r['ours-sync'], r['koffi-sync']),
    }),
  },
  B2: {
    async run(env, settings, run) {
      const raw = {};
      for (const [name, shape] of Object.entries(b2Shapes(settings)))
        raw[name] = await run('b2-scale.js', shapeArgs(shape), { nodeArgs: ['--expose-gc'], env, limitMs: shape.limitMs });
      return raw;
    },
    measures: ({ n1000, n10000, manySlow }) => ({
      'b2.1k.p99': from([n1000], (x) => x.warm.loopDelayP99Ms),
      'b2.1k.cpu': from([n1000], (x) => x.warm.cpuUsPerPoll),
      'b2.1k.wall': from([n1000], (x) => x.warm.wallOverIdeal),
      'b2.10k.p99': from([n10000], (x) => x.warm.loopDelayP99Ms),
      'b2.10k.cpu': from([n10000], (x) => x.warm.cpuUsPerPoll),
      'b2.10k.wall': from([n10000], (x) => x.warm.wallOverIdeal),
      // Flat: the last round's peak against the second's (the first round warms up).
      'b2.10k.rss': from([n10000], (x) => x.rounds[x.rounds.length - 1].peakRssMiB / x.rounds[1].peakRssMiB),
      'b2.slow.cpu': from([manySlow], (x) => x.warm.cpuUsPerPoll),
      'b2.slow.rss': from([manySlow], (x) => x.warm.rssKiBPerCheck),
      'b2.slow.p99': from([manySlow], (x) => x.warm.loopDelayP99Ms),
      'b2.slow.wall': from([manySlow], (x) => x.warm.wallOverIdeal),
    }),
  },
  B3: {
    run: async (env, settings, run) => ({
      noHang: await run('b3-isolation.js', ['no-hang'], { env, limitMs: limit(settings, 60_000, 5 * 60_000) }),
      hang: await run('b3-isolation.js', ['hang'], { env, limitMs: limit(settings, 60_000, 5 * 60_000) }),
    }),
    measures: ({ noHang, hang }) => ({ 'b3.p99': from([noHang, hang], () => hang.latency.p99 / noHang.latency.p99) }),
  },
  B4: {
    // Side by side, as in bench/run.js: both nearly idle, and the ratio compares like with like.
    async run(env, settings, run) {
      const b4Env = settings.b4Ms ? { ...env, B4_MS: String(settings.b4Ms) } : env;
      const durationMs = settings.b4Ms ?? (settings.quick ? 10_000 : 60_000);
      const options = { env: b4Env, limitMs: durationMs + 60_000 };
      const [check, timer] = await Promise.all(['check', 'timer'].map((v) => run('b4-long-wait.js', [v], options)));
      return { check, timer };
    },
    measures: ({ check, timer }) => ({
      'b4.cpu': from([check, timer], () => check.cpuMs / timer.cpuMs),
      'b4.steady': from([check, timer], () => check.steadyCpuUsPerPoll / timer.steadyCpuUsPerPoll),
      'b4.timerMs': from([timer], (t) => t.cpuMs),
    }),
  },
  B5: {
    // A prefix and build dir of their own per tree: registering the bench add-in replaces the
    // prefix's applications, and each tree builds its own addon and add-in.
    run: (env, settings, run) =>
      run('b5-com.js', settings.quick ? ['--quick'] : [], {
        env: {
          ...env,
          WSBAPP_WINEPREFIX: process.env.WSBAPP_WINEPREFIX ?? join(env.WSBAPP_BENCH_ROOT, '.wine-compare'),
          WSBAPP_BUILD_DIR: join(env.WSBAPP_BENCH_ROOT, 'build-win32-compare'),
        },
        limitMs: limit(settings, B5_QUICK_LIMIT_MS, B5_LIMIT_MS),
      }),
    measures: (raw) => {
      const b = raw.blockMedians;
      return {
        'b5.library': from([raw], () => pairedMedian(b.library, b['plain-cpp'])),
        'b5.binding': from([raw], () => pairedMedian(b.binding, b['plain-cpp'])),
        'b5.libraryHop': from([raw], () => pairedMedian(b.library, b['plain-cpp-hop'])),
        'b5.bindingHop': from([raw], () => pairedMedian(b.binding, b['plain-cpp-hop'])),
        'b5.hop': from([raw], () => pairedMedian(b['plain-cpp-hop'], b['plain-cpp'])),
        'b5.plainUs': from([raw], () => raw.summary['plain-cpp'].median),
      };
    },
  },
};

// The table: issue 13's targets, each with its ceiling (or none: "reported"), then the anchors the
// ratios are read against. [key, label, target, decimals]; {1k}, {10k}, {slow} name B2's shapes.
const TARGETS = [
  ['b1.async', 'B1 one QueryStatus awaited at a time: ours-async / koffi-async', 0.8, 2],
  ['b2.10k.p99', 'B2 {10k}: loop delay p99 ms', 10, 1],
  ['b2.10k.cpu', 'B2 {10k}: CPU µs/poll', 2, 1],
  ['b2.10k.wall', 'B2 {10k}: wall / ideal', 1.5, 2],
  ['b2.10k.rss', 'B2 {10k}: peak RSS last round / round 2 ("flat": ≤ 1.05)', 1.05, 2],
  ['b2.1k.p99', 'B2 {1k}: loop delay p99 ms', 5, 1],
  ['b2.slow.cpu', 'B2 {slow}: CPU µs/poll', undefined, 1],
  ['b2.slow.rss', 'B2 {slow}: RSS KiB/check (peak minus baseline)', undefined, 1],
  ['b4.cpu', 'B4 one check @100 ms: CPU / bare setTimeout loop', 1.2, 2],
  ['b5.library', 'B5 one poll over real COM: library / plain C++ client (paired blocks)', 1.2, 2],
  ['b5.libraryHop', 'B5 the same / one-hop C++ client', undefined, 2],
  ['b1.koffiAsyncUs', 'B1 anchor: koffi-async µs/call', undefined, 1],
  ['b4.timerMs', 'B4 anchor: bare setTimeout loop CPU ms', undefined, 1],
  ['b5.plainUs', 'B5 anchor: plain C++ client µs/call', undefined, 1],
  ['b5.hop', 'B5 anchor: one-hop / plain C++ client', undefined, 2],
];
// Measured alongside, with no issue 13 target: printed in a second table.
const OTHERS = [
  ['b1.backendAsync', 'B1 the same through the Backend: ours-backend-async / koffi-async', 2],
  ['b1.batchOfOne', 'B1 a batch of one (queryStatusBatch): ours-batch-1 / koffi-async', 2],
  ['b1.inFlight64', 'B1 64 in flight: ours-async-64 / koffi-async-64', 2],
  ['b1.sync', 'B1 sync: ours-sync / koffi-sync', 2],
  ['b2.1k.cpu', 'B2 {1k}: CPU µs/poll', 1],
  ['b2.1k.wall', 'B2 {1k}: wall / ideal', 2],
  ['b2.slow.p99', 'B2 {slow}: loop delay p99 ms', 1],
  ['b2.slow.wall', 'B2 {slow}: wall / ideal', 2],
  ['b3.p99', 'B3 poll p99 with one hung call / without', 2],
  ['b4.steady', 'B4 one check @100 ms, steady CPU per tick (after 10) / bare loop', 2],
  ['b5.binding', 'B5 real COM: binding / plain C++ client (paired blocks)', 2],
  ['b5.bindingHop', 'B5 real COM: binding / one-hop C++ client', 2],
];
const MEASURES = [
  ...TARGETS.map(([key, label, target, digits]) => ({ key, label, target, digits, table: 'targets' })),
  ...OTHERS.map(([key, label, digits]) => ({ key, label, digits, table: 'others' })),
];

/** "min / median / max" of a measure's runs, and how many runs have no figure, and why. */
function spread(values, digits) {
  const xs = values.filter(Number.isFinite);
  const reasons = values.filter((v) => v?.na).map((v) => v.na);
  const gaps = [...new Set(reasons)].map((reason) => `${reasons.filter((r) => r === reason).length} of ${values.length} n/a: ${reason}`);
  const figures = xs.length > 0 ? `${f(Math.min(...xs), digits)} / ${f(median(xs), digits)} / ${f(Math.max(...xs), digits)}` : '';
  return [figures, ...gaps].filter(Boolean).join('; ') || 'n/a';
}

/** Whether the after median meets the target; "n/a" unless every after run has a figure. */
function met(values, target) {
  if (target === undefined) return 'reported';
  const xs = values.filter(Number.isFinite);
  if (xs.length === 0 || xs.length < values.length) return 'n/a';
  return median(xs) <= target ? 'yes' : '**no**';
}

function printTable(rows, settings) {
  const shapes = Object.fromEntries(Object.entries(b2Shapes(settings)).map(([name, shape]) => [name, shapeLabel(shape)]));
  const label = (text) => text.replace('{1k}', shapes.n1000).replace('{10k}', shapes.n10000).replace('{slow}', shapes.manySlow);
  console.log('\nIssue 13 targets (and the anchors of the ratios)');
  console.log('| measure | target | before min / median / max | after min / median / max | met? (after median) |');
  console.log('|---|---|---|---|---|');
  for (const { label: text, target, digits, before, after } of rows.filter((row) => row.table === 'targets'))
    console.log(
      `| ${label(text)} | ${target === undefined ? '—' : `≤ ${target}`} | ${spread(before, digits)} | ${spread(after, digits)} | ${text.includes('anchor') ? '—' : met(after, target)} |`,
    );
  const others = rows.filter((row) => row.table === 'others');
  if (others.length === 0) return;
  console.log('\nAlso measured (no issue 13 target)');
  console.log('| measure | before min / median / max | after min / median / max |');
  console.log('|---|---|---|');
  for (const { label: text, digits, before, after } of others)
    console.log(`| ${label(text)} | ${spread(before, digits)} | ${spread(after, digits)} |`);
}

/**
 * `child` for one side of the run: a child killed at its limit becomes { na: 'timed out ...' },
 * and the same process is not started again on that side (a later repeat would only wait out
 * the same limit), its runs reported as not rerun.
 */
function runner(timedOut) {
  return async (script, args, options) => {
    const key = [script, ...args].join(' ');
    if (timedOut.has(key)) return { na: `not rerun: ${timedOut.get(key)} in an earlier run` };
    try {
      return await child(script, args, options);
    } catch (error) {
      if (!(error instanceof ChildTimeout)) throw error;
      process.stderr.write(`${key}: ${error.message}\n`);
      timedOut.set(key, error.message);
      return { na: error.message };
    }
  };
}

async function main() {
  const settings = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const ids = Object.keys(BENCHES).filter((id) => (settings.only.length > 0 ? settings.only.includes(id) : id !== 'B5'));
  const trees = {
    before: { root: settings.before, commit: commitOf(settings.before) },
    after: { root: settings.after, commit: commitOf(settings.after) },
  };
  const info = { ...machine(join(__dirname, '..')), harness: commitOf(join(__dirname, '..')) };
  console.log(
    `bench/compare.js: before ${trees.before.commit} (${trees.before.root}), after ${trees.after.commit} (${trees.after.root}); ` +
      `${settings.repeats} run(s) each of ${ids.join(' ')}${settings.quick ? ' (quick)' : ''}; ${info.cpu}, ${info.cores} cores, node ${info.node}`,
  );
  const childEnv = settings.quick ? { BENCH_QUICK: '1' } : { BENCH_QUICK: '' };
  const runs = {};
  const timedOut = { before: new Map(), after: new Map() };
  const values = {}; // key -> { before: [...], after: [...] }
  for (const id of ids) {
    const bench = BENCHES[id];
    runs[id] = { before: [], after: [] };
    const benchStarted = Date.now();
    try {
      for (const side of ['before', 'after']) bench.prepare?.(trees[side].root);
      for (let r = 0; r < settings.repeats; r++) {
        for (const side of ['before', 'after']) {
          const raw = await bench.run({ ...childEnv, WSBAPP_BENCH_ROOT: trees[side].root }, settings, runner(timedOut[side]));
          runs[id][side].push(raw);
          const figures = bench.measures(raw);
          for (const [key, value] of Object.entries(figures)) (values[key] ??= { before: [], after: [] })[side].push(value);
          process.stderr.write(`${id} run ${r + 1}/${settings.repeats} ${side}: ${JSON.stringify(figures)}\n`);
        }
      }
    } catch (error) {
      console.error(`\n${id} failed: ${error.message}`);
      runs[id].error = error.message;
      process.exitCode = 1;
    }
    runs[id].minutes = (Date.now() - benchStarted) / 60_000;
  }
  const rows = MEASURES.filter((m) => values[m.key]).map((m) => ({ ...m, ...values[m.key] }));
  printTable(rows, settings);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `compare-${info.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ machine: info, settings, trees, measures: rows, runs }, null, 2)}\n`);
  const minutes = ids.map((id) => `${id} ${f(runs[id].minutes, 1)}`).join(', ');
  console.log(`\nresults: ${file} (the run took ${f((Date.now() - started) / 60_000, 1)} min: ${minutes})`);
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
