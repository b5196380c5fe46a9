/** A command that has not finished when the event loop drains never exits silently: an error line, exit 70. */
import { spawnSync } from 'node:child_process';
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
