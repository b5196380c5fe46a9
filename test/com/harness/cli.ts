/** The CLI as a CI job runs it under Wine: `node.exe bin/wsbapp.js ...`, its output in files. */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './sample-addin';

/** How long one CLI run may take before it is killed. */
export const CLI_TIMEOUT_MS = 150_000;

/** Runs the CLI with `args`, stdout and stderr into the files `out` and `err` (no pipes under Wine: see sample-addin.ts). */
export function runCli(
  args: readonly string[],
  out: string,
  err: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ status: number | null; elapsedMs: number }> {
  const stdout = openSync(out, 'w');
  const stderr = openSync(err, 'w');
  const started = Date.now();
  const child = spawn(process.execPath, [join(root, 'bin', 'wsbapp.js'), ...args], {
    stdio: ['ignore', stdout, stderr],
    windowsHide: true,
    timeout: CLI_TIMEOUT_MS,
    env,
  });
  return new Promise<{ status: number | null; elapsedMs: number }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (status) => resolve({ status, elapsedMs: Date.now() - started }));
  }).finally(() => {
    closeSync(stdout);
    closeSync(stderr);
  });
}
