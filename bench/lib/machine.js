// What a results file records about where it was measured: machine, node, koffi, commit.
'use strict';
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');

/** The short commit of the tree at `root`, with "+dirty" when its work tree has changes. */
function commitOf(root) {
  const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain') ? '+dirty' : ''}`;
  } catch {
    return undefined;
  }
}

// koffi is the harness's own (bench/b1-binding.js requires it from this tree).
const KOFFI_PACKAGE = join(__dirname, '..', '..', 'node_modules', 'koffi', 'package.json');

/** The machine, node and koffi, and the commit of the tree at `root`. */
function machine(root) {
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    // koffi's package.json is not in its "exports"; read it as a file.
    koffi: JSON.parse(readFileSync(KOFFI_PACKAGE, 'utf8')).version,
    commit: commitOf(root),
  };
}

module.exports = { machine, commitOf };
