// Build dist/ once before any test file runs: the example scripts and the CLI end-to-end tests
// spawn the package as a user runs it, and must see the current lib/. Running it here, not in a
// test file, keeps parallel workers from building over each other.
const { execFileSync } = require('node:child_process');
const { resolve } = require('node:path');

module.exports = () => {
  const root = resolve(__dirname, '..');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
};
