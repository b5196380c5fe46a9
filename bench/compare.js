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
const { MANY_SLOW } = require('./b2-scale');
const { child } = require('./lib/child');
const { machine, commitOf } = require('./lib/machine');
const { f, median } = require('./lib/table');

const USAGE =
  'usage: node bench/compare.js --before <dir> --after <dir> [--repeats 3] [--quick] [--b4-ms <ms>] [--many-slow-checks <n>] [B1 B2 B3 B4 B5]';
const B5_LIMIT_MS = 30 * 60_000;

function parseArgs(argv) {
  const settings = { repeats: 3, quick: false, b4Ms: undefined, manySlowChecks: Number(MANY_SLOW.args[0]), only: [] };
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

/** A ratio, or the reason there is none (an implementation the tree's binding lacks). */
const ratio = (a, b) => (a?.na ? { na: a.na } : a.median / b.median);
const pairedMedian = (xs, ys) => median(xs.map((x, i) => x / ys[i]));

/**
 * The benchmarks: `run(env, settings)` makes one run against one tree (env: WSBAPP_BENCH_ROOT)
 * and returns its raw answers; `measures(raw)` turns a run into figures. `MEASURES` names them.
 */
const BENCHES = {
  B1: {
    prepare: (root) => buildWsbbench(root),
    async run(env) {
      const raw = {};
      for (const impl of B1_IMPLS) raw[impl] = await child('b1-binding.js', [impl], { env });
      return raw;
    },
    measures: (r) => ({
      'b1.async': ratio(r['ours-async'], r['koffi-async']),
      'b1.backendAsync': ratio(r['ours-backend-async'], r['koffi-async']),
      'b1.batchOfOne': ratio(r['ours-batch-1'], r['koffi-async']),
      'b1.koffiAsyncUs': r['koffi-async'].median / 1e3,
      'b1.inFlight64': ratio(r['ours-async-64'], r['koffi-async-64']),
      'b1.sync': ratio(r['ours-sync'], r['koffi-sync']),
    }),
  },
  B2: {
    async run(env, settings) {
      const gc = { nodeArgs: ['--expose-gc'], env };
      const manySlow = [String(settings.manySlowChecks), ...MANY_SLOW.args.slice(1)];
      return {
        n1000: await child('b2-scale.js', ['1000'], gc),
        n10000: await child('b2-scale.js', ['10000'], gc),
        manySlow: await child('b2-scale.js', manySlow, { ...gc, limitMs: MANY_SLOW.limitMs }),
      };
    },
    measures: ({ n1000, n10000, manySlow }) => ({
      'b2.1k.p99': n1000.warm.loopDelayP99Ms,
      'b2.1k.cpu': n1000.warm.cpuUsPerPoll,
      'b2.1k.wall': n1000.warm.wallOverIdeal,
      'b2.10k.p99': n10000.warm.loopDelayP99Ms,
      'b2.10k.cpu': n10000.warm.cpuUsPerPoll,
      'b2.10k.wall': n10000.warm.wallOverIdeal,
      // Flat: the last round's peak against the second's (the first round warms up).
      'b2.10k.rss': n10000.rounds[n10000.rounds.length - 1].peakRssMiB / n10000.rounds[1].peakRssMiB,
      'b2.slow.cpu': manySlow.warm.cpuUsPerPoll,
      'b2.slow.rss': manySlow.warm.rssKiBPerCheck,
      'b2.slow.p99': manySlow.warm.loopDelayP99Ms,
      'b2.slow.wall': manySlow.warm.wallOverIdeal,
    }),
  },
  B3: {
    run: async (env) => ({
      noHang: await child('b3-isolation.js', ['no-hang'], { env }),
      hang: await child('b3-isolation.js', ['hang'], { env }),
    }),
    measures: ({ noHang, hang }) => ({ 'b3.p99': hang.latency.p99 / noHang.latency.p99 }),
  },
  B4: {
    // Side by side, as in bench/run.js: both nearly idle, and the ratio compares like with like.
    async run(env, settings) {
      const b4Env = settings.b4Ms ? { ...env, B4_MS: String(settings.b4Ms) } : env;
      const [check, timer] = await Promise.all(['check', 'timer'].map((v) => child('b4-long-wait.js', [v], { env: b4Env })));
      return { check, timer };
    },
    measures: ({ check, timer }) => ({
      'b4.cpu': check.cpuMs / timer.cpuMs,
      'b4.steady': check.steadyCpuUsPerPoll / timer.steadyCpuUsPerPoll,
      'b4.timerMs': timer.cpuMs,
    }),
  },
  B5: {
    // A prefix and build dir of their own per tree: registering the bench add-in replaces the
    // prefix's applications, and each tree builds its own addon and add-in.
    run: (env, settings) =>
      child('b5-com.js', settings.quick ? ['--quick'] : [], {
        env: {
          ...env,
          WSBAPP_WINEPREFIX: process.env.WSBAPP_WINEPREFIX ?? join(env.WSBAPP_BENCH_ROOT, '.wine-compare'),
          WSBAPP_BUILD_DIR: join(env.WSBAPP_BENCH_ROOT, 'build-win32-compare'),
        },
        limitMs: B5_LIMIT_MS,
      }),
    measures: ({ blockMedians: b, summary }) => ({
      'b5.library': pairedMedian(b.library, b['plain-cpp']),
      'b5.binding': pairedMedian(b.binding, b['plain-cpp']),
      'b5.libraryHop': pairedMedian(b.library, b['plain-cpp-hop']),
      'b5.bindingHop': pairedMedian(b.binding, b['plain-cpp-hop']),
      'b5.plainUs': summary['plain-cpp'].median,
    }),
  },
};

// Every row of the table: what it is, its target (a ceiling) if issue 13 or BENCHMARKS.md sets one,
// and how many decimals it prints with. "anchor" rows show the anchor itself, to read drift by.
const MEASURES = [
  ['b1.async', 'B1 one QueryStatus awaited at a time: ours-async / koffi-async', 0.8, 2],
  ['b1.backendAsync', 'B1 the same through the Backend: ours-backend-async / koffi-async', 0.8, 2],
  ['b1.batchOfOne', 'B1 a batch of one (queryStatusBatch): ours-batch-1 / koffi-async', 0.8, 2],
  ['b1.koffiAsyncUs', 'B1 anchor: koffi-async µs/call', undefined, 1],
  ['b1.inFlight64', 'B1 64 in flight: ours-async-64 / koffi-async-64', 0.8, 2],
  ['b1.sync', 'B1 sync: ours-sync / koffi-sync', 0.8, 2],
  ['b2.1k.p99', 'B2 1,000 checks @10 ms: loop delay p99 ms', 5, 1],
  ['b2.1k.cpu', 'B2 1,000 checks @10 ms: CPU µs/poll', undefined, 1],
  ['b2.1k.wall', 'B2 1,000 checks @10 ms: wall / ideal', undefined, 2],
  ['b2.10k.p99', 'B2 10,000 checks @10 ms: loop delay p99 ms', 10, 1],
  ['b2.10k.cpu', 'B2 10,000 checks @10 ms: CPU µs/poll', 2, 1],
  ['b2.10k.wall', 'B2 10,000 checks @10 ms: wall / ideal', 1.5, 2],
  ['b2.10k.rss', 'B2 10,000 checks @10 ms: peak RSS last round / round 2 ("flat": ≤ 1.05)', 1.05, 2],
  ['b2.slow.cpu', 'B2 {slow} checks @1 s: CPU µs/poll', undefined, 1],
  ['b2.slow.rss', 'B2 {slow} checks @1 s: RSS KiB/check (peak minus baseline)', undefined, 1],
  ['b2.slow.p99', 'B2 {slow} checks @1 s: loop delay p99 ms', undefined, 1],
  ['b2.slow.wall', 'B2 {slow} checks @1 s: wall / ideal', undefined, 2],
  ['b3.p99', 'B3 poll p99 with one hung call / without', 1.1, 2],
  ['b4.cpu', 'B4 one check @100 ms: CPU / bare setTimeout loop', 1.2, 2],
  ['b4.steady', 'B4 the same, steady CPU per tick (after 10)', 1.2, 2],
  ['b4.timerMs', 'B4 anchor: bare setTimeout loop CPU ms', undefined, 1],
  ['b5.library', 'B5 real COM: library / plain C++ client (paired blocks)', 1.2, 2],
  ['b5.binding', 'B5 real COM: binding / plain C++ client (paired blocks)', 1.2, 2],
  ['b5.libraryHop', 'B5 real COM: library / one-hop C++ client', undefined, 2],
  ['b5.bindingHop', 'B5 real COM: binding / one-hop C++ client', undefined, 2],
  ['b5.plainUs', 'B5 anchor: plain C++ client µs/call', undefined, 1],
].map(([key, label, target, digits]) => ({ key, label, target, digits }));

/** "min / median / max" of a measure's runs, or why it has no figure. */
function spread(values, digits) {
  const reasons = values.filter((v) => v?.na).map((v) => v.na);
  if (reasons.length > 0) return `n/a: ${[...new Set(reasons)].join('; ')}`;
  const xs = values.filter(Number.isFinite);
  if (xs.length === 0) return 'n/a';
  return `${f(Math.min(...xs), digits)} / ${f(median(xs), digits)} / ${f(Math.max(...xs), digits)}`;
}

function met(values, target) {
  if (target === undefined) return '—';
  const xs = values.filter(Number.isFinite);
  if (xs.length === 0 || values.some((v) => v?.na)) return 'n/a';
  return median(xs) <= target ? 'yes' : '**no**';
}

function printTable(rows, settings) {
  const slow = settings.manySlowChecks.toLocaleString('en-US');
  console.log('\n| measure | target | before min / median / max | after min / median / max | met? (after median) |');
  console.log('|---|---|---|---|---|');
  for (const { label, target, digits, before, after } of rows)
    console.log(
      `| ${label.replace('{slow}', slow)} | ${target === undefined ? '—' : `≤ ${target}`} | ${spread(before, digits)} | ${spread(after, digits)} | ${met(after, target)} |`,
    );
}

async function main() {
  const settings = parseArgs(process.argv.slice(2));
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
  const values = {}; // key -> { before: [...], after: [...] }
  for (const id of ids) {
    const bench = BENCHES[id];
    runs[id] = { before: [], after: [] };
    try {
      for (const side of ['before', 'after']) bench.prepare?.(trees[side].root);
      for (let r = 0; r < settings.repeats; r++) {
        for (const side of ['before', 'after']) {
          const raw = await bench.run({ ...childEnv, WSBAPP_BENCH_ROOT: trees[side].root }, settings);
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
  }
  const rows = MEASURES.filter((m) => values[m.key]).map((m) => ({ ...m, ...values[m.key] }));
  printTable(rows, settings);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `compare-${info.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ machine: info, settings, trees, measures: rows, runs }, null, 2)}\n`);
  console.log(`\nresults: ${file}`);
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
