#!/usr/bin/env node
// Build the addon from source into build/Release/wsbapp.node (`npm run build:native`):
// `node-gyp rebuild`, but with the running node's own headers when they are installed next to
// it (Debian and NodeSource packages: /usr/include/node; official tarballs:
// <prefix>/include/node). Without this, node-gyp downloads the headers from nodejs.org, which
// fails on machines that reach only the npm registry. An explicit `nodedir` (npm config,
// npm_config_nodedir) always wins; with no local headers node-gyp's usual download is used
// (Windows installs ship no headers).
//
// `--if-stale` (npm's pretest): build only when the addon is missing or older than binding.gyp
// or a file under native/, so a fresh clone's `npm test` builds it and a second run does not.
// This is a developer's step only: the package has no install script, users get prebuilds/.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, readdirSync, statSync } = require('node:fs');
const { dirname, join } = require('node:path');

const root = join(__dirname, '..');
const addon = join(root, 'build', 'Release', 'wsbapp.node');

/** The prefix whose include/node holds headers of exactly this node version, if any. */
function localNodedir() {
  const prefix = dirname(dirname(process.execPath));
  const headers = join(prefix, 'include', 'node');
  const versionHeader = join(headers, 'node_version.h');
  if (!existsSync(join(headers, 'common.gypi')) || !existsSync(versionHeader)) return undefined;
  const text = readFileSync(versionHeader, 'utf8');
  const part = (name) => (text.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`)) || [])[1];
  const version = `v${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
  return version === process.version ? prefix : undefined;
}

/** Newest modification time of `path`, a file or a folder searched recursively. */
function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function isStale() {
  if (!existsSync(addon)) return true;
  const built = statSync(addon).mtimeMs;
  return [join(root, 'binding.gyp'), join(root, 'native')].some((input) => newestMtime(input) > built);
}

function nodeGyp(env) {
  // npm tells its scripts where its bundled node-gyp is; outside npm, node-gyp must be on PATH.
  const gyp = env.npm_config_node_gyp;
  return gyp
    ? spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: root, stdio: 'inherit', env })
    : spawnSync('node-gyp', ['rebuild'], { cwd: root, stdio: 'inherit', env, shell: process.platform === 'win32' });
}

if (process.argv.includes('--if-stale') && !isStale()) process.exit(0);
const env = { ...process.env };
if (!env.npm_config_nodedir) {
  const nodedir = localNodedir();
  if (nodedir) env.npm_config_nodedir = nodedir;
}
const result = nodeGyp(env);
if (result.error) console.error(`wsbapp: cannot run node-gyp: ${result.error.message}`);
process.exit(result.status === null ? 1 : result.status);
