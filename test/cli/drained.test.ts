/** A command that has not finished when the event loop drains never exits silently: an error line, exit 70. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIST = JSON.stringify(join(__dirname, '..', '..', 'dist', 'cli'));

test('a command still awaiting work that holds nothing ends with an error line and exit 70', () => {
  // Forced: `list` awaits a promise that nothing will ever settle, and nothing holds the loop.
  const script = `
    const { listCommand } = require(${DIST} + '/commands/list');
    listCommand.run = () => new Promise(() => {});
    process.argv = [process.execPath, 'wsbapp', 'list', '--json'];
    require(${DIST} + '/main').main();
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
  expect(child.status).toBe(70);
  const line = JSON.parse(child.stdout.trim()) as { type: string; message: string };
  expect(line.type).toBe('error');
  expect(line.message).toMatch(/wsbapp list had not finished when the event loop drained/);
  expect(child.stderr).toMatch(/^wsbapp list: /);
});

test('vet that stops on work that holds nothing names the rule group and the call it was waiting on', () => {
  // Forced: every timer is unref'd (so no deadline holds the loop), and the mock add-in's second
  // QueryStatus never answers, holding nothing, as a broken native completion would.
  const dir = mkdtempSync(join(tmpdir(), 'wsbapp-drained-'));
  const scenario = join(dir, 'scenario.json');
  writeFileSync(
    scenario,
    JSON.stringify({
      applications: [
        {
          writerId: '{D7A1AED0-0000-4000-8000-000000000001}',
          identifier: 'Drains',
          components: { '*': { statuses: ['WSBAPP_ASYNC_IN_PROGRESS', { hang: true }] } },
        },
      ],
    }),
  );
  const script = `
    const setTimer = setTimeout;
    globalThis.setTimeout = (...args) => setTimer(...args).unref();
    process.argv = [process.execPath, 'wsbapp', 'vet', '--scenario', ${JSON.stringify(scenario)}, '--app', 'Drains', '--component', 'db', '--json'];
    require(${DIST} + '/main').main();
  `;
  try {
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.status).toBe(70);
    const error = child.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; message?: string })
      .find((e) => e.type === 'error');
    expect(error?.message).toMatch(/had not finished when the event loop drained, \d+ ms in, at vet check: QueryStatus \[db\]:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
