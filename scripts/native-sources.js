#!/usr/bin/env node
// The addon's C++ sources, one per line, as binding.gyp lists them: the one native source list,
// which CMakeLists.txt and bench/native/build.sh read through this script (and
// scripts/wine/build-addon.sh reads directly).
//   node scripts/native-sources.js          every source of the wsbapp target
//   node scripts/native-sources.js --core   those without Node-API (all but native/bridge/)
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const BRIDGE = 'native/bridge/';

/** binding.gyp's sources of the wsbapp target (binding.gyp is plain JSON). */
function gypSources() {
  const gyp = JSON.parse(readFileSync(join(__dirname, '..', 'binding.gyp'), 'utf8'));
  const target = gyp.targets.find((t) => t.target_name === 'wsbapp');
  if (!target || !Array.isArray(target.sources) || target.sources.length === 0) {
    throw new Error('binding.gyp: no sources for the wsbapp target');
  }
  return target.sources;
}

function main(argv) {
  const core = argv.includes('--core');
  const sources = gypSources().filter((source) => !core || !source.startsWith(BRIDGE));
  process.stdout.write(`${sources.join('\n')}\n`);
}

main(process.argv.slice(2));
