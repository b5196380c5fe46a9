/**
 * The `wsbapp` entry point: dispatch to a command, print help and version, turn failures
 * into a message and an exit code. `bin/wsbapp.js` calls main().
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from './command';
import { checkCommand } from './commands/check';
import { doctorCommand } from './commands/doctor';
import { explainCommand } from './commands/explain';
import { listCommand } from './commands/list';
import { restoreCommand } from './commands/restore';
import { ExitCode } from './exit-codes';
import { waitForReleases } from '../releases';
import { reportFailure } from './failure';
import { processIo, type CliIo } from './io';
import { UsageError } from './usage-error';

export const COMMANDS: readonly Command[] = [listCommand, checkCommand, restoreCommand, explainCommand, doctorCommand];

/** The package version. package.json sits two levels up from both lib/cli and dist/cli. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: wsbapp <command> [options]

Drive Windows Server Backup application add-ins: list them, run their consistency check,
call their restore hooks, and diagnose the machine.

Commands:
${lines.join('\n')}

Run 'wsbapp help <command>' or 'wsbapp <command> --help' for a command's options.
Every command takes --json (NDJSON on stdout). Try it anywhere with the mock:
  wsbapp check --mock --app "Contoso Mail" --component "Mailbox Database 01"
`;
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)} (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
  return command;
}

/** `wsbapp help [command]`. */
function help(topic: string | undefined, io: CliIo): number {
  io.stdout.write(topic === undefined ? overview() : `${findCommand(topic).help}\n`);
  return ExitCode.OK;
}

function dispatch(argv: readonly string[], io: CliIo): Promise<number> | number {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(overview());
    return ExitCode.USAGE;
  }
  if (first === '--help' || first === '-h') return help(undefined, io);
  if (first === 'help') return help(rest[0], io);
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${packageVersion()}\n`);
    return ExitCode.OK;
  }
  const command = findCommand(first);
  if (rest.includes('--help') || rest.includes('-h')) return help(command.name, io);
  return command.run(rest, io);
}

/** Run the CLI with `argv` (the words after `wsbapp`); resolves with the exit code, never rejects. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    const command = COMMANDS.find((c) => c.name === argv[0]);
    return reportFailure(error, command ? `wsbapp ${command.name}` : 'wsbapp', argv.includes('--json'), io);
  }
}

/** The process entry point. */
export function main(): void {
  void runCli(process.argv.slice(2), processIo()).then(async (code) => {
    process.exitCode = code;
    // Every Release this run started must reach the add-in first (bounded: a hung add-in cannot hold the CLI).
    await waitForReleases();
    // Exit once the output is flushed: a hung add-in call must not keep a finished CLI alive.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  });
}
