// Soak: 1,000,000 QueryStatus polls through the library (ConsistencyCheck.status()) on the
// native mock, RSS sampled, to find what grows with the number of calls. Not part of B1-B5;
// run once by hand: node --expose-gc bench/soak.js [total polls, default 1000000]
//
// The native mock logs every call it receives (its statistics), which grows by design, so the
// polls run in rounds, each on a fresh native-mock backend: after a round every handle is
// closed, the round's mock must report 0 live objects, the backend is dropped and gc() runs;
// RSS is sampled then, so the slope measures what the addon and the library keep, not the log.
// Prints one JSON line: rounds, RSS (and JS heap, external) per round, the least-squares slope in
// MiB per million polls. MALLOC_ARENA_MAX=1 (glibc) separates allocator arenas from real growth:
// each COM thread otherwise gets a malloc arena of its own, and their fragmentation shows as RSS.
'use strict';
const { WRITER, COMPONENT, wsbapp, scenario, mib, runChild } = require('./lib/common');

const TOTAL = Number(process.argv[2]) || 1_000_000;
const ROUND_POLLS = 50_000;
const CONCURRENT = 64; // handles polling at once in a round (the addon's call cap)

if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc bench/soak.js');

/** Least-squares slope of y over x. */
function slope(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

async function round(lib, polls) {
  const backend = lib.createNativeMockBackend(scenario(Infinity));
  const checks = await Promise.all(
    Array.from({ length: CONCURRENT }, () => lib.startConsistencyCheck({ application: WRITER, component: COMPONENT }, { backend })),
  );
  let left = polls;
  await Promise.all(
    checks.map(async (check) => {
      while (left > 0) {
        left -= 1;
        const event = await check.status();
        if (event.state !== 'running') throw new Error(`unexpected status ${event.hex}`);
      }
    }),
  );
  const closed = await Promise.all(checks.map((check) => check.close()));
  if (!closed.every((c) => c.settled)) throw new Error('a Release did not return');
  const live = backend.stats().liveObjects;
  if (live !== 0) throw new Error(`${live} mock objects still live after the round`);
  return live;
}

async function settle() {
  for (let i = 0; i < 3; i++) {
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

runChild(async () => {
  const lib = wsbapp();
  await round(lib, ROUND_POLLS); // warm-up: JIT, the COM threads, the first heap growth
  await settle();
  const samples = [{ polls: 0, rssMiB: mib() }];
  const started = Date.now();
  let done = 0;
  let live;
  while (done < TOTAL) {
    const polls = Math.min(ROUND_POLLS, TOTAL - done);
    live = await round(lib, polls);
    done += polls;
    await settle();
    const { heapUsed, external } = process.memoryUsage();
    samples.push({ polls: done, rssMiB: mib(), heapUsedMiB: heapUsed / 2 ** 20, externalMiB: external / 2 ** 20 });
    process.stderr.write(`soak: ${done} polls, RSS ${mib().toFixed(1)} MiB\n`);
  }
  const elapsedS = (Date.now() - started) / 1e3;
  const slopeOf = (from) =>
    slope(
      samples.slice(from).map((s) => s.polls / 1e6),
      samples.slice(from).map((s) => s.rssMiB),
    );
  return {
    polls: done,
    rounds: samples.length - 1,
    concurrent: CONCURRENT,
    elapsedS,
    pollsPerSecond: Math.round(done / elapsedS),
    rssFirstMiB: samples[0].rssMiB,
    rssLastMiB: samples[samples.length - 1].rssMiB,
    rssMaxMiB: Math.max(...samples.map((s) => s.rssMiB)),
    slopeMiBPerMillionPolls: slopeOf(0),
    // From the end of the second round: the first fresh backend still grows the allocator's arenas.
    steadySlopeMiBPerMillionPolls: slopeOf(2),
    liveObjectsAtEnd: live,
    samples,
  };
});
