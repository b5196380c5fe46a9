// The parent side of the one-JSON-line protocol (bench/lib/common.js is the child side): runs a
// benchmark script of this tree in its own node process and resolves with the line it printed.
'use strict';
const { spawn } = require('node:child_process');
const { join } = require('node:path');

const CHILD_LIMIT_MS = 5 * 60_000;

/** The rejection of a child killed at its time limit (bench/compare.js reports it as a figure's gap). */
class ChildTimeout extends Error {}

/**
 * Runs bench/<script> with `args`; `nodeArgs` go to node, `env` is merged into this process's
 * environment (e.g. WSBAPP_BENCH_ROOT: which tree's build it measures). Killed after `limitMs`,
 * and then rejects with a ChildTimeout.
 */
function child(script, args, { nodeArgs = [], env = {}, limitMs = CHILD_LIMIT_MS } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...nodeArgs, join(__dirname, '..', script), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    proc.stdout.on('data', (chunk) => (out += chunk));
    let timedOut = false;
    const killer = setTimeout(() => {
      timedOut = true;
      proc.kill('SIGKILL');
    }, limitMs);
    proc.on('close', (code, signal) => {
      clearTimeout(killer);
      if (timedOut) return reject(new ChildTimeout(`timed out after ${limitMs / 1000} s`));
      const line = out.trim().split('\n').pop();
      if (code !== 0 || !line) return reject(new Error(`${script} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
      resolve(JSON.parse(line));
    });
  });
}

module.exports = { child, ChildTimeout };
