// B5, real COM under Wine: the cost of one poll (a QueryStatus round trip to the out-of-process
// sample add-in) through wsbapp in the Windows node.exe, against a plain C++ client polling the
// same add-in with the same scenario. Run by bench/run.js (`npm run bench:com`, i.e. `node
// bench/run.js B5`); not part of the default `npm run bench` (it needs Wine and mingw-w64).
//
// Implementations, each in its own Windows process, one sample (warm-up, then `polls` timed
// calls) per process; rounds interleave them (order rotated each round) so machine noise hits all:
//   plain-cpp  bench/com/client.cpp: one MTA thread, CoCreateInstance(CLSCTX_LOCAL_SERVER),
//              CheckConsistency, QueryStatus timed with QueryPerformanceCounter
//   binding    bench/b5-node.js binding: the addon's operation.queryStatus(), awaited one at a time
//   library    bench/b5-node.js library: ConsistencyCheck.status() (native backend), one at a time
//   binding-mock  bench/b5-node.js binding-mock: the addon's queryStatus() on its native mock
//              operation (no COM call): the cost of the addon's two thread hops under this Wine
// Every process activates its own add-in process (the sample serves one activation per process);
// activation and CheckConsistency are outside the timed calls. The scenario answers "in progress"
// forever with no delay, and the add-in's call log is off (no LogFile value), so the add-in does
// the same small amount of work for every client.
//
// Environment: WSBAPP_WINEPREFIX / WSBAPP_BUILD_DIR (scripts/wine/env.sh) for another prefix and
// build dir, WSBAPP_BENCH_REV to build the addon and add-in from a commit (bench/com/build.sh).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { ROOT, summarize } = require('./lib/common');

const IMPLS = ['plain-cpp', 'binding', 'library', 'binding-mock'];
// Other jobs on a small shared VM slow whole stretches of a process down (several hundred µs per
// call for a second or so). Besides the median of all its calls, each process reports its
// quietest stretch: the lowest median among consecutive blocks of this many calls.
const BLOCK = 250;
const CHILD_SECONDS = 180;

function wineEnvironment() {
  const script = `source "${join(ROOT, 'scripts', 'wine', 'env.sh')}" && printf '%s\\n' "$WINEPREFIX" "$WSB_BUILD" "$NODE_EXE" "$WINEARCH" "$WINEDEBUG" "$WINEDLLOVERRIDES"`;
  const out = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`scripts/wine/env.sh failed: ${out.stderr}`);
  const [prefix, build, nodeExe, arch, debug, overrides] = out.stdout.split('\n');
  const env = { ...process.env, WINEPREFIX: prefix, WINEARCH: arch, WINEDEBUG: debug, WINEDLLOVERRIDES: overrides };
  delete env.DISPLAY;
  return { prefix, build, nodeExe, env };
}

const winpath = (path) => `Z:${path.replace(/\//g, '\\')}`;

/**
 * Runs a Windows program under `timeout`, its output in files (an add-in inherits its client's
 * handles: a pipe could stay open after the client exits). Resolves with the stdout text.
 */
function wine(w, name, program, args, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const logs = join(w.build, 'bench', 'logs');
    mkdirSync(logs, { recursive: true });
    const outFile = join(logs, `${name}.out`);
    const errFile = join(logs, `${name}.err`);
    const out = openSync(outFile, 'w');
    const err = openSync(errFile, 'w');
    const proc = spawn('timeout', ['--kill-after=5', String(CHILD_SECONDS), 'wine', program, ...args], { env: { ...w.env, ...extraEnv }, stdio: ['ignore', out, err] });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      closeSync(out);
      closeSync(err);
      const text = readFileSync(outFile, 'utf8');
      if (code !== 0) reject(new Error(`${name} exited with ${code}: ${text.slice(-500)} ${readFileSync(errFile, 'utf8').slice(-500)}`));
      else resolve(text);
    });
  });
}

function lastJson(text) {
  const line = text.trim().split(/\r?\n/).pop();
  const result = JSON.parse(line);
  if (result.error) throw new Error(`${result.error}${result.hresult ? ` ${result.hresult}` : ''}`);
  return result;
}

function build() {
  const r = spawnSync('bash', [join(__dirname, 'com', 'build.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000 });
  if (r.status !== 0) throw new Error('bench/com/build.sh failed (its output is above; B5 needs Debian 12 with Wine 8 and mingw-w64, see docs/real-com.md)');
}

/** Registers the bench scenario (one application, "in progress" forever) without a call log. */
async function register(w) {
  const { normalizeScenario } = require(join(ROOT, 'dist', 'index.js'));
  const scenario = normalizeScenario({
    applications: [{ writerId: '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}', identifier: 'Bench', components: { bench: { statuses: [0x407a0004] } } }],
  });
  const dir = join(w.build, 'bench');
  const scenarioFile = join(dir, 'b5.scenario.json');
  writeFileSync(scenarioFile, JSON.stringify(scenario));
  // The register.js of the tree the add-in was built from (bench/com/build.sh with WSBAPP_BENCH_REV).
  const exported = join(w.build, 'src', 'examples', 'sample-addin', 'register.js');
  const registerJs = process.env.WSBAPP_BENCH_REV && existsSync(exported) ? exported : join(ROOT, 'examples', 'sample-addin', 'register.js');
  const sample = join(w.build, 'sample-addin');
  // No --log: the add-in writes no call log (CallLog is disabled without a LogFile value).
  // --replace: the bench application is the only one (use a prefix of its own: WSBAPP_WINEPREFIX).
  await wine(w, 'register', w.nodeExe, [
    winpath(registerJs), '--exe', winpath(join(sample, 'wsbapp-sample-addin.exe')), '--proxy', winpath(join(sample, 'wsbapp-proxy.dll')),
    '--scenario', winpath(scenarioFile), '--watchdog', String(CHILD_SECONDS), '--replace',
  ]);
  return scenario.applications[0].clsid;
}

function runOne(w, impl, clsid, warmup, polls, name) {
  if (impl === 'plain-cpp') {
    return wine(w, name, join(w.build, 'bench', 'wsbapp-bench-client.exe'), ['--clsid', clsid, '--component', 'bench', '--warmup', String(warmup), '--polls', String(polls)]);
  }
  return wine(w, name, w.nodeExe, [winpath(join(__dirname, 'b5-node.js')), impl, String(warmup), String(polls)], { WSBAPP_BINDING: winpath(join(w.build, 'wsbapp.node')) });
}

const us = (ns) => ns / 1000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function b5({ quick = false } = {}) {
  const config = { rounds: quick ? 2 : 10, warmup: quick ? 100 : 300, polls: quick ? 500 : 2000 };
  build();
  const w = wineEnvironment();
  const wineVersion = spawnSync('wine', ['--version'], { encoding: 'utf8', env: w.env }).stdout.trim();
  const stopServer = () => spawnSync('timeout', ['30', 'wineserver', '-k'], { env: w.env, stdio: 'ignore' });
  stopServer(); // leftovers of an earlier run in this prefix (only this prefix: WINEPREFIX is set)
  try {
    // One wineserver for the whole run, so no run pays for starting it.
    spawnSync('wineserver', ['-p'], { env: w.env, stdio: 'ignore' });
    const clsid = await register(w);
    // Untimed warm-up round: first starts of node.exe, the add-in and rpcss in this session.
    for (const impl of IMPLS) lastJson(await runOne(w, impl, clsid, 20, 50, `warm-${impl}`));
    const runs = Object.fromEntries(IMPLS.map((impl) => [impl, []]));
    for (let r = 0; r < config.rounds; r++) {
      const order = IMPLS.map((_, i) => IMPLS[(i + r) % IMPLS.length]);
      for (const impl of order) {
        const result = lastJson(await runOne(w, impl, clsid, config.warmup, config.polls, `round${r}-${impl}`));
        const s = summarize(result.ns);
        const blocks = [];
        for (let i = 0; i + BLOCK <= result.ns.length; i += BLOCK) blocks.push(us(summarize(result.ns.slice(i, i + BLOCK)).median));
        runs[impl].push({ round: r, median: us(s.median), p99: us(s.p99), mean: us(s.mean), min: us(s.min), max: us(s.max), quietest: Math.min(...blocks), blockMedians: blocks, activationMs: result.activationMs, checkConsistencyMs: result.checkConsistencyMs, pooled: result.ns });
        process.stderr.write(`B5 round ${r + 1}/${config.rounds} ${impl}: median ${us(s.median).toFixed(1)} µs, p99 ${us(s.p99).toFixed(1)} µs\n`);
      }
    }
    const summary = {};
    for (const impl of IMPLS) {
      const pooled = summarize(runs[impl].flatMap((x) => x.pooled));
      summary[impl] = {
        unit: 'µs/call',
        median: median(runs[impl].map((x) => x.median)),
        p99: median(runs[impl].map((x) => x.p99)),
        quietest: median(runs[impl].map((x) => x.quietest)),
        pooledMedian: us(pooled.median),
        pooledP99: us(pooled.p99),
        calls: pooled.n,
        medians: runs[impl].map((x) => x.median),
      };
      for (const x of runs[impl]) delete x.pooled;
    }
    // Paired per round: each of ours against the plain client's sample of the same round.
    const paired = (impl, key) => runs[impl].map((x, r) => x[key] / runs['plain-cpp'][r][key]);
    const ratio = (impl) => ({
      median: summary[impl].median / summary['plain-cpp'].median,
      p99: summary[impl].p99 / summary['plain-cpp'].p99,
      pairedMedian: median(paired(impl, 'median')),
      pairedRange: [Math.min(...paired(impl, 'median')), Math.max(...paired(impl, 'median'))],
      extraUs: summary[impl].median - summary['plain-cpp'].median,
      quietest: summary[impl].quietest / summary['plain-cpp'].quietest,
      quietestExtraUs: summary[impl].quietest - summary['plain-cpp'].quietest,
    });
    const ratios = { library: ratio('library'), binding: ratio('binding') };
    return { config: { ...config, block: BLOCK, wine: wineVersion, prefix: w.prefix, rev: process.env.WSBAPP_BENCH_REV ?? 'work tree' }, summary, ratios, runs };
  } finally {
    stopServer();
  }
}

module.exports = { b5, IMPLS };
