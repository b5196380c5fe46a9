#!/usr/bin/env node
// The package's install step: `node-gyp rebuild`, but with the running node's own headers when
// they are installed next to it (Debian and NodeSource packages: /usr/include/node; official
// tarballs: <prefix>/include/node). Without this, node-gyp downloads the headers from
// nodejs.org, which fails on machines that reach only the npm registry. An explicit
// `nodedir` (npm config, npm_config_nodedir) always wins; with no local headers node-gyp's
// usual download is used (Windows installs ship no headers).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

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

const env = { ...process.env };
if (!env.npm_config_nodedir) {
  const nodedir = localNodedir();
  if (nodedir) env.npm_config_nodedir = nodedir;
}
// npm tells its scripts where its bundled node-gyp is; outside npm, node-gyp must be on PATH.
const gyp = env.npm_config_node_gyp;
const result = gyp
  ? spawnSync(process.execPath, [gyp, 'rebuild'], { stdio: 'inherit', env })
  : spawnSync('node-gyp', ['rebuild'], { stdio: 'inherit', env, shell: process.platform === 'win32' });
if (result.error) console.error(`wsbapp: cannot run node-gyp: ${result.error.message}`);
process.exit(result.status === null ? 1 : result.status);
