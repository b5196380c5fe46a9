#!/usr/bin/env node
// The figures behind the wake-up policy's defaults (issue 13): each spin alone and both together,
// against the three things it can change.
// Usage: node bench/wakeup-policy.js [--repeats 3] [--b4-ms 5000] [--spins 0,20,50,100]
//
// Per policy (WSBAPP_COM_SPIN_US / WSBAPP_CALLER_SPIN_US in each child's environment):
// - B1 `ours-backend-async` (one QueryStatus awaited at a time through the backend, the path a
//   check polls on) and `ours-batch-1` (the addon's batch of one), as ratios to koffi `.async`
//   measured in the same round: what a lone call gains;
// - B4 `check` (one check polled every 100 ms), CPU as a ratio to the bare timer loop of the same
//   round: the idle cost a spin must not raise;
// - B2 1,000 checks at 10 ms: CPU per poll, and loop delay p99: what spinning costs under load.
// Rounds run every policy in turn, `repeats` times; the table gives min / median / max.
'use strict';
const { child } = require('./lib/child');
const { machine } = require('./lib/machine');
const { f, median, table } = require('./lib/table');

function parseArgs(argv) {
  const settings = { repeats: 3, b4Ms: 5000, spins: [0, 20, 50, 100] };
  for (let i = 0; i < argv.length; i++) {
    const [arg, value] = [argv[i], argv[++i]];
    const numbers = String(value)
      .split(',')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n >= 0);
    if (numbers.length === 0 || numbers.length !== String(value).split(',').length) throw new Error(`${arg} takes whole numbers`);
    if (arg === '--repeats') settings.repeats = numbers[0];
    else if (arg === '--b4-ms') settings.b4Ms = numbers[0];
    else if (arg === '--spins') settings.spins = numbers;
    else throw new Error(`unknown argument ${arg}: usage node bench/wakeup-policy.js [--repeats 3] [--b4-ms 5000] [--spins 0,20,50,100]`);
  }
  return settings;
}

/** Each side alone at every spin, then both together at every nonzero spin. */
function policies(spins) {
  const list = spins.map((us) => ({ com: us, caller: 0 }));
  for (const us of spins.filter((us) => us > 0)) list.push({ com: 0, caller: us }, { com: us, caller: us });
  return list;
}

const policyEnv = ({ com, caller }) => ({ WSBAPP_COM_SPIN_US: String(com), WSBAPP_CALLER_SPIN_US: String(caller) });
const label = ({ com, caller }) => `com ${com} µs, caller ${caller} µs`;

async function measure(policy, anchors, b4Ms) {
  const env = policyEnv(policy);
  const quick = { ...env, BENCH_QUICK: '1' };
  const backend = await child('b1-binding.js', ['ours-backend-async'], { env: quick });
  const batch = await child('b1-binding.js', ['ours-batch-1'], { env: quick });
  const b4 = await child('b4-long-wait.js', ['check'], { env: { ...env, B4_MS: String(b4Ms) } });
  const b2 = await child('b2-scale.js', ['1000', '--rounds', '2'], { nodeArgs: ['--expose-gc'], env });
  const b2Last = b2.rounds.at(-1);
  return {
    b1Backend: backend.median / anchors.koffi.median,
    b1Batch: batch.median / anchors.koffi.median,
    b1BackendUs: backend.median / 1e3,
    b4: b4.cpuMs / anchors.timer.cpuMs,
    b2CpuUsPerPoll: b2Last.cpuUsPerPoll,
    b2P99Ms: b2Last.loopDelayP99Ms,
  };
}

async function main() {
  const settings = parseArgs(process.argv.slice(2));
  const list = policies(settings.spins);
  const runs = list.map(() => []);
  for (let r = 0; r < settings.repeats; r++) {
    // The anchors of this round: koffi, and the bare timer loop (off: the policy is the addon's).
    const koffi = await child('b1-binding.js', ['koffi-async'], { env: { BENCH_QUICK: '1' } });
    const timer = await child('b4-long-wait.js', ['timer'], { env: { B4_MS: String(settings.b4Ms) } });
    for (const [i, policy] of list.entries()) {
      runs[i].push(await measure(policy, { koffi, timer }, settings.b4Ms));
      process.stderr.write(`round ${r + 1}/${settings.repeats}: ${label(policy)} done\n`);
    }
  }
  const spread = (xs, digits) => `${f(Math.min(...xs), digits)} / ${f(median(xs), digits)} / ${f(Math.max(...xs), digits)}`;
  const column = (i, key, digits) =>
    spread(
      runs[i].map((run) => run[key]),
      digits,
    );
  console.log(`machine: ${JSON.stringify(machine())}; ${settings.repeats} rounds; min / median / max`);
  table(
    'Wake-up policy: ratios to anchors of the same round',
    [
      'policy',
      'B1 backend / koffi',
      'B1 backend µs',
      'B1 batch-of-one / koffi',
      'B4 CPU / bare loop',
      'B2 1,000 µs CPU/poll',
      'B2 1,000 p99 ms',
    ],
    list.map((policy, i) => [
      label(policy),
      column(i, 'b1Backend', 2),
      column(i, 'b1BackendUs', 1),
      column(i, 'b1Batch', 2),
      column(i, 'b4', 2),
      column(i, 'b2CpuUsPerPoll', 1),
      column(i, 'b2P99Ms', 1),
    ]),
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
