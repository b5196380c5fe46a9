#!/usr/bin/env node
// Tarball hygiene: what `npm pack` produced holds what a user runs and nothing else, within the
// size budget, and its package.json can never compile at install time.
// Usage: node check-tarball.js PACK_JSON UNPACKED_DIR   (PACK_JSON: `npm pack --json` output)
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const BUDGET_BYTES = 3 * 1024 * 1024;
// Everything a user runs: the compiled library and its declarations (no source maps: lib/ is not
// shipped), the data files it reads (the HRESULT table: dist/*.json), the CLI, the prebuilt addons,
// and the package's documents.
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^bin\/wsbapp\.js$/,
  /^dist\/.+\.(js|d\.ts)$/,
  /^dist\/(hresult-table|hresult-known|wsb-codes)\.json$/,
  /^prebuilds\/[^/]+\/[^/]+\.node$/,
];
const REQUIRED = ['LICENSE', 'bin/wsbapp.js', 'dist/index.js', 'dist/index.d.ts', 'dist/hresult-table.json'];
// One addon per prebuild folder (scripts/prebuild.sh names the files).
const PREBUILT_TUPLES = ['linux-x64', 'win32-x64'];
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

const [packJson, unpacked] = process.argv.slice(2);
const [pack] = JSON.parse(readFileSync(packJson, 'utf8'));
const paths = pack.files.map((file) => file.path);
const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'));

const problems = [
  ...paths.filter((path) => !ALLOWED.some((pattern) => pattern.test(path))).map((path) => `not something a user runs: ${path}`),
  ...REQUIRED.filter((path) => !paths.includes(path)).map((path) => `missing: ${path}`),
  ...PREBUILT_TUPLES.filter((tuple) => paths.filter((path) => path.startsWith(`prebuilds/${tuple}/`)).length !== 1).map(
    (tuple) => `not exactly one addon in prebuilds/${tuple}/`,
  ),
  ...INSTALL_SCRIPTS.filter((name) => manifest.scripts?.[name] !== undefined).map((name) => `an install-time script: scripts.${name}`),
  // npm runs `node-gyp rebuild` for a package with a binding.gyp unless gypfile is false.
  ...(manifest.gypfile === false ? [] : ['gypfile is not false']),
  ...(pack.size < BUDGET_BYTES ? [] : [`packed size ${pack.size} bytes is over the ${BUDGET_BYTES}-byte budget`]),
];
const deps = Object.keys(manifest.dependencies ?? {});
console.log(
  `tarball: ${pack.filename}, ${pack.size} bytes packed, ${pack.unpackedSize} unpacked, ${pack.entryCount} files; dependencies: ${deps.join(', ') || 'none'}`,
);
for (const dir of ['dist', 'bin', 'prebuilds']) {
  const files = pack.files.filter((file) => file.path.startsWith(`${dir}/`));
  console.log(`  ${dir}/: ${files.length} files, ${files.reduce((sum, file) => sum + file.size, 0)} bytes`);
}
if (problems.length > 0) {
  console.error(`tarball hygiene FAILED:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
