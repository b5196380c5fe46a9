/**
 * The README's example scripts, run as a user runs them (against the built package in dist/).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const run = (script: string) =>
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'examples', script)], { encoding: 'utf8', timeout: 20_000 });

test('mock-check.js goes running, running, consistent', () => {
  const out = run('mock-check.js');
  expect(out).toMatch(
    /poll 1: running \(0x407A0004\)\npoll 2: running \(0x407A0004\)\npoll 3: succeeded \(0x00000000\)\nverdict: consistent after 3 polls/,
  );
});

test('mock-timeout.js times out, calls Abort exactly once and releases once each', () => {
  const out = run('mock-timeout.js');
  expect(out).toMatch(/^ERR_WSB_TIMEOUT: consistency check timed out/);
  const calls = out.split('calls: ')[1].trim().split(', ');
  expect(calls.filter((c) => c === 'Abort')).toHaveLength(1);
  expect(calls.slice(-3)).toEqual(['Abort', 'Release(operation)', 'Release(addin)']);
});
