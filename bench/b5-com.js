// B5, real COM under Wine: the cost of one poll (a QueryStatus round trip to the out-of-process
// sample add-in) through wsbapp in the Windows node.exe, against a plain C++ client polling the
// same add-in with the same scenario. Run by bench/run.js (`npm run bench:com`, i.e. `node
// bench/run.js B5`); not part of the default `npm run bench` (it needs Wine and mingw-w64).
//
// Implementations, each in its own long-lived Windows process. A session starts one process of
// each (one after the other: no concurrent activations), warms them up, then hands out blocks of
// timed calls in turn, the order rotated every block, so that noise from other jobs on the machine
// (stretches of a second or more) hits all of them alike; a session's blocks make one sample per
// implementation, and several sessions (fresh processes) make the figures:
//   plain-cpp  bench/com/client.cpp: one MTA thread, CoCreateInstance(CLSCTX_LOCAL_SERVER),
//              CheckConsistency, QueryStatus timed with QueryPerformanceCounter
//   binding    bench/b5-node.js binding: the addon's operation.queryStatus(), awaited one at a time
//   library    bench/b5-node.js library: ConsistencyCheck.status() (native backend), one at a time
//   binding-mock  bench/b5-node.js binding-mock: the addon's queryStatus() on its native mock
//              operation (no COM call): the cost of the addon's two thread hops under this Wine
//   plain-cpp-hop  the C++ client with each call handed to a second MTA thread and waited for
//              (condition variables both ways): the thread hop any non-blocking binding needs
// Every process activates its own add-in process (the sample serves one activation per process);
// activation and CheckConsistency are outside the timed calls. The scenario answers "in progress"
// forever with no delay, and the add-in's call log is off (no LogFile value), so the add-in does
// the same small amount of work for every client.
//
// Environment: WSBAPP_BENCH_ROOT for another tree to measure (its dist/, scripts and
// bench/com/build.sh; this tree's harness), WSBAPP_WINEPREFIX / WSBAPP_BUILD_DIR (scripts/wine/env.sh)
// for another prefix and build dir, WSBAPP_BENCH_REV to build the addon and add-in from a commit (bench/com/build.sh),
// B5_KEEP_NS=1 to keep every call's time in the JSON.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const readline = require('node:readline');
const { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { ROOT, summarize, runChild } = require('./lib/common');

const IMPLS = ['plain-cpp', 'binding', 'library', 'binding-mock', 'plain-cpp-hop'];
const CHILD_SECONDS = 600; // a whole session, bounded by `timeout`
const BLOCK_MS = 60_000; // one block of calls, or a start-up

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
const logDir = (w) => {
  const dir = join(w.build, 'bench', 'logs');
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** Runs a Windows program to its end under `timeout`, output in files. Resolves with stdout. */
function wine(w, name, program, args) {
  return new Promise((resolve, reject) => {
    const outFile = join(logDir(w), `${name}.out`);
    const out = openSync(outFile, 'w');
    const err = openSync(join(logDir(w), `${name}.err`), 'w');
    const proc = spawn('timeout', ['--kill-after=5', '120', 'wine', program, ...args], { env: w.env, stdio: ['ignore', out, err] });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      closeSync(out);
      closeSync(err);
      const text = readFileSync(outFile, 'utf8');
      if (code !== 0) reject(new Error(`${name} exited with ${code}: ${text.slice(-500)}`));
      else resolve(text);
    });
  });
}

/**
 * A benchmark process speaking the line protocol of bench/com/client.cpp and bench/b5-node.js:
 * request(line) resolves with its next JSON line. Pipes are safe here because the sample add-in
 * lets go of the standard handles it inherits at start-up, and only the exit is awaited, not EOF.
 */
function startChild(w, name, program, args, extraEnv = {}) {
  const err = openSync(join(logDir(w), `${name}.err`), 'w');
  const proc = spawn('timeout', ['--kill-after=5', String(CHILD_SECONDS), 'wine', program, ...args], {
    env: { ...w.env, ...extraEnv },
    stdio: ['pipe', 'pipe', err],
  });
  const waiting = [];
  const exited = new Promise((resolve) =>
    proc.on('exit', (code) => {
      closeSync(err);
      for (const w of waiting.splice(0)) w.reject(new Error(`${name} exited (${code}) before answering; see ${name}.err`));
      resolve(code);
    }),
  );
  readline.createInterface({ input: proc.stdout }).on('line', (line) => {
    const next = waiting.shift();
    if (!next) return;
    try {
      const answer = JSON.parse(line);
      if (answer.error) throw new Error(`${name}: ${answer.error}${answer.hresult ? ` ${answer.hresult}` : ''}`);
      next.resolve(answer);
    } catch (error) {
      next.reject(error);
    }
  });
  const next = (line) => {
    const answer = new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    if (line !== undefined) proc.stdin.write(`${line}\n`);
    let timer;
    const limit = new Promise(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${name}: no answer within ${BLOCK_MS} ms`)), BLOCK_MS)),
    );
    return Promise.race([answer, limit]).finally(() => clearTimeout(timer));
  };
  return {
    ready: next(),
    request: next,
    async quit() {
      proc.stdin.end('quit\n');
      const timer = setTimeout(() => proc.kill('SIGTERM'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill: () => proc.kill('SIGKILL'),
  };
}

function build() {
  // The measured tree's build.sh (WSBAPP_BENCH_ROOT): its addon and add-in in its build dir.
  // Output to stderr: stdout carries the answer when this runs as a child (bench/compare.js).
  const r = spawnSync('bash', [join(ROOT, 'bench', 'com', 'build.sh')], { stdio: ['ignore', 2, 2], timeout: 15 * 60_000 });
  if (r.status !== 0)
    throw new Error(
      'bench/com/build.sh failed (its output is above; B5 needs Debian 12 with Wine 8 and mingw-w64, see README, "Testing real COM without Windows")',
    );
}

/** Registers the bench scenario (one application, "in progress" forever) without a call log. */
async function register(w) {
  const { normalizeScenario } = require(join(ROOT, 'dist', 'index.js'));
  const scenario = normalizeScenario({
    applications: [
      { writerId: '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}', identifier: 'Bench', components: { bench: { statuses: [0x407a0004] } } },
    ],
  });
  const scenarioFile = join(w.build, 'bench', 'b5.scenario.json');
  writeFileSync(scenarioFile, JSON.stringify(scenario));
  // The register.js of the tree the add-in was built from (bench/com/build.sh with WSBAPP_BENCH_REV).
  const exported = join(w.build, 'src', 'examples', 'sample-addin', 'register.js');
  const registerJs =
    process.env.WSBAPP_BENCH_REV && existsSync(exported) ? exported : join(ROOT, 'examples', 'sample-addin', 'register.js');
  const sample = join(w.build, 'sample-addin');
  // No --log: the add-in writes no call log (CallLog is disabled without a LogFile value).
  // --replace: the bench application is the only one (use a prefix of its own: WSBAPP_WINEPREFIX).
  await wine(w, 'register', w.nodeExe, [
    winpath(registerJs),
    '--exe',
    winpath(join(sample, 'wsbapp-sample-addin.exe')),
    '--proxy',
    winpath(join(sample, 'wsbapp-proxy.dll')),
    '--scenario',
    winpath(scenarioFile),
    '--watchdog',
    String(CHILD_SECONDS),
    '--replace',
  ]);
  return scenario.applications[0].clsid;
}

function startImpl(w, impl, clsid, warmup, name) {
  if (impl.startsWith('plain-cpp')) {
    const hop = impl === 'plain-cpp-hop' ? ['--hop', '1'] : [];
    return startChild(w, name, join(w.build, 'bench', 'wsbapp-bench-client.exe'), [
      '--clsid',
      clsid,
      '--component',
      'bench',
      '--warmup',
      String(warmup),
      ...hop,
    ]);
  }
  return startChild(w, name, w.nodeExe, [winpath(join(__dirname, 'b5-node.js')), impl, String(warmup)], {
    WSBAPP_BINDING: winpath(join(w.build, 'wsbapp.node')),
    WSBAPP_BENCH_ROOT: winpath(ROOT),
  });
}

/** One session: a fresh process of each implementation, `blocks` interleaved blocks of `block` calls. */
async function session(w, clsid, s, { warmup, blocks, block }, onBlock) {
  const children = {};
  const ns = Object.fromEntries(IMPLS.map((impl) => [impl, []]));
  const blockMedians = Object.fromEntries(IMPLS.map((impl) => [impl, []]));
  const started = {};
  try {
    for (const impl of IMPLS) {
      children[impl] = startImpl(w, impl, clsid, warmup, `session${s}-${impl}`);
      started[impl] = await children[impl].ready; // one at a time: no concurrent activations
    }
    for (let b = 0; b < blocks; b++) {
      for (let i = 0; i < IMPLS.length; i++) {
        const impl = IMPLS[(((i + b + s) % IMPLS.length) + IMPLS.length) % IMPLS.length];
        const answer = await children[impl].request(block);
        if (answer.ns?.length !== block) throw new Error(`${impl}: expected ${block} timings`);
        ns[impl].push(...answer.ns);
        blockMedians[impl].push(summarize(answer.ns).median / 1000);
      }
      onBlock?.(b);
    }
    for (const impl of IMPLS) await children[impl].quit();
  } catch (error) {
    for (const child of Object.values(children)) child.kill();
    throw error;
  }
  return { ns, blockMedians, started };
}

const us = (ns) => ns / 1000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function b5({ quick = false } = {}) {
  const config = { sessions: quick ? 2 : 5, blocks: quick ? 2 : 8, block: 250, warmup: quick ? 100 : 300 };
  build();
  const w = wineEnvironment();
  const wineVersion = spawnSync('wine', ['--version'], { encoding: 'utf8', env: w.env }).stdout.trim();
  const stopServer = () => spawnSync('timeout', ['30', 'wineserver', '-k'], { env: w.env, stdio: 'ignore' });
  stopServer(); // leftovers of an earlier run in this prefix (only this prefix: WINEPREFIX is set)
  try {
    // One wineserver for the whole run, so no session pays for starting it.
    spawnSync('timeout', ['30', 'wineserver', '-p'], { env: w.env, stdio: 'ignore' });
    const clsid = await register(w);
    // Untimed warm-up session: first starts of node.exe, the add-in and rpcss in this wineserver.
    await session(w, clsid, -1, { warmup: 20, blocks: 1, block: 20 });
    const samples = Object.fromEntries(IMPLS.map((impl) => [impl, []]));
    const blocks = Object.fromEntries(IMPLS.map((impl) => [impl, []]));
    for (let s = 0; s < config.sessions; s++) {
      const result = await session(w, clsid, s, config);
      for (const impl of IMPLS) {
        const x = summarize(result.ns[impl]);
        const { activationMs, checkConsistencyMs } = result.started[impl];
        samples[impl].push({
          session: s,
          median: us(x.median),
          p99: us(x.p99),
          mean: us(x.mean),
          min: us(x.min),
          max: us(x.max),
          quietest: Math.min(...result.blockMedians[impl]),
          activationMs,
          checkConsistencyMs,
          ns: result.ns[impl],
        });
        blocks[impl].push(...result.blockMedians[impl]);
      }
      process.stderr.write(
        `B5 session ${s + 1}/${config.sessions}: ${IMPLS.map((impl) => `${impl} ${samples[impl][s].median.toFixed(1)}`).join(', ')} µs (medians)\n`,
      );
    }
    const summary = {};
    for (const impl of IMPLS) {
      const pooled = summarize(samples[impl].flatMap((x) => x.ns));
      summary[impl] = {
        unit: 'µs/call',
        median: median(samples[impl].map((x) => x.median)),
        p99: median(samples[impl].map((x) => x.p99)),
        quietest: median(samples[impl].map((x) => x.quietest)),
        pooledMedian: us(pooled.median),
        pooledP99: us(pooled.p99),
        calls: pooled.n,
        medians: samples[impl].map((x) => x.median),
      };
      if (!process.env.B5_KEEP_NS) for (const x of samples[impl]) delete x.ns;
    }
    // Paired: each block of ours against the plain client's block of the same turn (adjacent in
    // time, so under the same noise); and each session's medians.
    const ratio = (impl) => {
      const byBlock = blocks[impl].map((m, i) => m / blocks['plain-cpp'][i]);
      const bySession = samples[impl].map((x, i) => x.median / samples['plain-cpp'][i].median);
      return {
        median: summary[impl].median / summary['plain-cpp'].median,
        p99: summary[impl].p99 / summary['plain-cpp'].p99,
        pairedBlocks: median(byBlock),
        pairedBlocksRange: [Math.min(...byBlock), Math.max(...byBlock)],
        pairedSessions: bySession,
        quietest: summary[impl].quietest / summary['plain-cpp'].quietest,
        extraUs: summary[impl].median - summary['plain-cpp'].median,
        quietestExtraUs: summary[impl].quietest - summary['plain-cpp'].quietest,
      };
    };
    const ratios = { library: ratio('library'), binding: ratio('binding'), 'plain-cpp-hop': ratio('plain-cpp-hop') };
    return {
      config: { ...config, wine: wineVersion, prefix: w.prefix, rev: process.env.WSBAPP_BENCH_REV ?? 'work tree' },
      summary,
      ratios,
      samples,
      blockMedians: blocks,
    };
  } finally {
    stopServer();
  }
}

// As a child of bench/compare.js: `node bench/b5-com.js [--quick]` prints the result as one JSON line.
if (require.main === module) runChild(() => b5({ quick: process.argv.includes('--quick') }));
module.exports = { b5, IMPLS };
