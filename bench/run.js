#!/usr/bin/env node
// `npm run bench`: runs B1-B4, each implementation or size in its own node process on the same
// workload, prints tables and writes bench/results/<date>.json (and latest.json).
// Usage: node bench/run.js [--quick] [B1 B2 B3 B4 B5]   (BENCH_QUICK=1 is --quick: shorter runs, B4 10 s)
// B5 (real COM under Wine, bench/b5-com.js) runs only when named: `npm run bench:com` is
// `node bench/run.js B5`; its results go to latest-com.json. Timings are reported, never asserted.
'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { ROOT, wsbapp } = require('./lib/common');
const { child } = require('./lib/child');
const { machine } = require('./lib/machine');
const { f, median, table } = require('./lib/table');
const { IMPLS: B1_IMPLS, buildWsbbench } = require('./b1-binding');
const { MANY_SLOW, shapeArgs } = require('./b2-scale');
const { b5: runB5, IMPLS: B5_IMPLS } = require('./b5-com');

const argv = process.argv.slice(2);
if (argv.includes('--quick')) process.env.BENCH_QUICK = '1';
const QUICK = process.env.BENCH_QUICK === '1';
const only = argv.filter((a) => /^B\d$/i.test(a)).map((a) => a.toUpperCase());

// B1's figures drift between processes on a small VM, so each implementation runs in several
// processes, interleaved (ABAB...), and the median of their medians is reported.
const B1_REPEATS = QUICK ? 1 : 3;

async function b1() {
  buildWsbbench(ROOT);
  const runs = Object.fromEntries(B1_IMPLS.map((impl) => [impl, []]));
  for (let r = 0; r < B1_REPEATS; r++) for (const impl of B1_IMPLS) runs[impl].push(await child('b1-binding.js', [impl]));
  const summary = Object.fromEntries(
    Object.entries(runs).map(([impl, rs]) => [
      impl,
      // An implementation the binding lacks (ours-batch-1 before issue 13) reports why, not a figure.
      rs[0].na
        ? { na: rs[0].na }
        : {
            unit: rs[0].unit,
            median: median(rs.map((x) => x.median)),
            p99: median(rs.map((x) => x.p99)),
            medians: rs.map((x) => x.median),
          },
    ]),
  );
  const s = (impl) => summary[impl].median ?? NaN;
  const ratios = {
    async: s('ours-async') / s('koffi-async'),
    batchOfOne: s('ours-batch-1') / s('koffi-async'),
    backendAsync: s('ours-backend-async') / s('koffi-async'),
    inFlight64: s('ours-async-64') / s('koffi-async-64'),
    sync: s('ours-sync') / s('koffi-sync'),
    // What each binding adds on top of the callee (the mock's QueryStatus, timed from C++).
    syncOverhead: (s('ours-sync') - s('callee-only')) / (s('koffi-sync') - s('callee-only')),
  };
  const koffiConfig = runs['koffi-async'][0].koffiConfig;
  table(
    `B1 binding cost: QueryStatus on the native mock (${B1_REPEATS} process(es) each; koffi resident_async_pools=${koffiConfig.resident_async_pools})`,
    ['implementation', 'unit', 'median', 'p99', 'medians per process'],
    B1_IMPLS.map((impl) => [
      impl,
      summary[impl].na ? `n/a: ${summary[impl].na}` : summary[impl].unit,
      f(summary[impl].median),
      f(summary[impl].p99),
      (summary[impl].medians ?? []).map((m) => f(m)).join(', '),
    ]),
  );
  console.log(
    `ratios ours/koffi (median): ${Object.entries(ratios)
      .map(([k, v]) => `${k} ${f(v, 2)}`)
      .join(', ')}`,
  );
  return { summary, ratios, koffiConfig, runs };
}

async function b2() {
  const gc = { nodeArgs: ['--expose-gc'] };
  const rows = [];
  for (const n of [1, 100, 1000, 10000]) rows.push(await child('b2-scale.js', [String(n)], gc));
  // What diagnostics_channel publishing costs once someone listens (nobody does in the rows above).
  rows.push(await child('b2-scale.js', ['1000', '--subscribed'], gc));
  // The default path (no backend option: the process's one default backend), what most users run.
  for (const n of [1000, 10000]) rows.push(await child('b2-scale.js', [String(n), '--default'], gc));
  // Minutes with the poll path before issue 13, so not in --quick.
  if (!QUICK) rows.push(await child('b2-scale.js', shapeArgs(MANY_SLOW), { ...gc, limitMs: MANY_SLOW.limitMs }));
  table(
    'B2 scale: N concurrent checkConsistency() on native-mock, fixed interval (warm round; ideal wall = (polls - 1) x interval; peak RSS per round; RSS per check: the round peak minus the RSS before the first round; "+ sub": a subscriber on every wsbapp channel; "default": no backend option, the process default backend)',
    [
      'N',
      'interval ms',
      'polls',
      'wall ms',
      'wall/ideal',
      'CPU µs/poll',
      'loop delay p50 ms',
      'p99 ms',
      'max ms',
      'peak RSS MiB (per round)',
      'RSS KiB/check',
    ],
    rows.map((r) => [
      `${r.checks}${r.subscribed ? ' + sub' : ''}${r.viaDefault ? ' default' : ''}`,
      r.intervalMs,
      r.pollsPerCheck,
      f(r.warm.wallMs),
      f(r.warm.wallOverIdeal, 2),
      f(r.warm.cpuUsPerPoll, 1),
      f(r.warm.loopDelayP50Ms, 2),
      f(r.warm.loopDelayP99Ms, 2),
      f(r.warm.loopDelayMaxMs, 1),
      r.rounds.map((x) => f(x.peakRssMiB)).join(' / '),
      f(r.warm.rssKiBPerCheck, 1),
    ]),
  );
  return rows;
}

async function b3() {
  const rows = [await child('b3-isolation.js', ['no-hang']), await child('b3-isolation.js', ['hang'])];
  table(
    `B3 isolation: poll latency of ${rows[0].others} checks polled every ${rows[0].intervalMs} ms, with and without one hung QueryStatus`,
    ['variant', 'polls', 'median µs', 'p99 µs', 'max µs'],
    rows.map((r) => [r.variant, r.latency.n, f(r.latency.median), f(r.latency.p99), f(r.latency.max)]),
  );
  const ratio = rows[1].latency.p99 / rows[0].latency.p99;
  console.log(`p99 hang/no-hang: ${f(ratio, 2)}`);
  return { rows, p99Ratio: ratio };
}

async function b4() {
  // All three are nearly idle, so they share the machine without disturbing each other; running
  // them side by side keeps the default run near one minute.
  const rows = await Promise.all(['check', 'timer', 'idle'].map((variant) => child('b4-long-wait.js', [variant])));
  table(
    `B4 long wait: one check polled every ${rows[0].intervalMs} ms for ${rows[0].durationMs / 1000} s (timer: a bare setTimeout loop; idle: no work)`,
    ['variant', 'polls/ticks', 'CPU ms', '% of one core', 'steady µs/tick', 'RSS start MiB', 'RSS end MiB'],
    rows.map((r) => [
      r.variant,
      r.polls,
      f(r.cpuMs, 1),
      f(r.cpuPercentOfCore, 3),
      f(r.steadyCpuUsPerPoll),
      f(r.rssStartMiB, 1),
      f(r.rssEndMiB, 1),
    ]),
  );
  return rows;
}

async function b5() {
  const result = await runB5({ quick: QUICK });
  const { summary: s, ratios, config } = result;
  table(
    `B5 real COM: one QueryStatus round trip to the out-of-process sample add-in under ${config.wine} (${config.sessions} sessions of fresh processes, ${config.blocks} interleaved blocks of ${config.block} timed calls each; µs)`,
    ['implementation', 'median', 'p99', 'quietest stretch', 'pooled median', 'pooled p99', 'medians per process'],
    B5_IMPLS.map((impl) => [
      impl,
      f(s[impl].median, 1),
      f(s[impl].p99, 1),
      f(s[impl].quietest, 1),
      f(s[impl].pooledMedian, 1),
      f(s[impl].pooledP99, 1),
      s[impl].medians.map((m) => f(m)).join(', '),
    ]),
  );
  console.log(`(median, p99, quietest: median over sessions of each process's median, p99, and lowest median of one block)`);
  for (const [impl, r] of Object.entries(ratios)) {
    console.log(
      `${impl}/plain-cpp: median ${f(r.median, 2)}, paired blocks ${f(r.pairedBlocks, 2)} (${f(r.pairedBlocksRange[0], 2)}-${f(r.pairedBlocksRange[1], 2)}), p99 ${f(r.p99, 2)}, quietest ${f(r.quietest, 2)}; +${f(r.extraUs, 1)} µs per call (quietest +${f(r.quietestExtraUs, 1)})`,
    );
  }
  return result;
}

async function main() {
  // Fails early, with the fix, when dist/ or the addon is missing (B5 alone needs only dist/:
  // its addon is the mingw build).
  if (only.length === 1 && only[0] === 'B5') require(join(ROOT, 'dist', 'index.js'));
  else wsbapp();
  const info = { ...machine(ROOT), quick: QUICK };
  console.log(`wsbapp benchmarks${QUICK ? ' (quick)' : ''}: ${info.cpu}, ${info.cores} cores, node ${info.node}, ${info.date}`);
  const benches = { B1: b1, B2: b2, B3: b3, B4: b4, B5: b5 };
  const results = { machine: info };
  for (const [id, run] of Object.entries(benches)) {
    if (only.length > 0 ? !only.includes(id) : id === 'B5') continue;
    try {
      results[id] = await run();
    } catch (error) {
      console.error(`\n${id} failed: ${error.message}`);
      results[id] = { error: error.message };
      process.exitCode = 1;
    }
  }
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const file = join(dir, `${info.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, json);
  // B5 has its own "latest": a bench:com run must not replace the figures of the last npm run bench.
  writeFileSync(join(dir, results.B5 ? 'latest-com.json' : 'latest.json'), json);
  console.log(`\nresults: ${file}`);
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
