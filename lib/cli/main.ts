/**
 * The `wsbapp` entry point: dispatch to a command, print help and version, turn failures
 * into a message and an exit code. `bin/wsbapp.js` calls main().
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForReleases } from '../releases';
import type { Command } from './command';
import { checkCommand } from './commands/check';
import { doctorCommand } from './commands/doctor';
import { explainCommand } from './commands/explain';
import { listCommand } from './commands/list';
import { restoreCommand } from './commands/restore';
import { vetCommand } from './commands/vet';
import { writersCommand } from './commands/writers';
import { ExitCode, type ExitCodeValue } from './exit-codes';
import { reportFailure } from './failure';
import { processIo, type CliIo } from './io';
import { UsageError } from './usage-error';

export const COMMANDS: readonly Command[] = [
  listCommand,
  writersCommand,
  checkCommand,
  restoreCommand,
  vetCommand,
  explainCommand,
  doctorCommand,
];

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

/**
 * A run whose stdout failed ends with that, whatever the command made of it: quietly for a
 * closed pipe (its reader has all it wanted), with one line on stderr for anything else.
 */
function outputVerdict(failure: NodeJS.ErrnoException, commandLine: string, io: CliIo): ExitCodeValue {
  if (failure.code === 'EPIPE') return ExitCode.OUTPUT_CLOSED;
  io.stderr.write(`${commandLine}: cannot write the output: ${failure.message}\n`);
  return ExitCode.OUTPUT_ERROR;
}

/** How errors name the run: `wsbapp check`, or `wsbapp` when argv names no command. */
function commandLineOf(argv: readonly string[]): string {
  const command = COMMANDS.find((c) => c.name === argv[0]);
  return command ? `wsbapp ${command.name}` : 'wsbapp';
}

/** Run the CLI with `argv` (the words after `wsbapp`); resolves with the exit code, never rejects. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const commandLine = commandLineOf(argv);
  let code: number;
  try {
    code = await dispatch(argv, io);
  } catch (error) {
    // Once stdout has failed, the failure the command ended with is a consequence of it.
    const failure = await io.outputFailure();
    return failure ? outputVerdict(failure, commandLine, io) : reportFailure(error, commandLine, argv.includes('--json'), io);
  }
  const failure = await io.outputFailure();
  return failure ? outputVerdict(failure, commandLine, io) : code;
}

/** How long the process waits, after the command, for the Releases it started to return. */
export const RELEASE_WAIT_MS = 5_000;

/** Wait for the Releases still in flight (bounded; a signal ends the wait), warning when some did not return. */
export async function awaitReleases(io: CliIo, timeoutMs = RELEASE_WAIT_MS): Promise<void> {
  let stopWaiting: () => void = () => {};
  const interrupted = new Promise<'interrupted'>((resolve) => {
    stopWaiting = () => resolve('interrupted');
  });
  const unsubscribe = io.onInterrupt((cause) => cause.kind === 'signal' && stopWaiting());
  try {
    const wait = await Promise.race([waitForReleases({ timeout: timeoutMs }), interrupted]);
    if (wait === 'interrupted' || !wait.settled) {
      const pending = wait === 'interrupted' ? 'some' : String(wait.pending);
      io.stderr.write(
        `wsbapp: exiting with ${pending} Release call(s) still in flight; the add-in may keep its process until COM's rundown\n`,
      );
    }
  } finally {
    unsubscribe();
  }
}

/** The process entry point. */
export function main(): void {
  const io = processIo();
  const argv = process.argv.slice(2);
  const startedAt = Date.now();
  // The loop drained with the command still awaiting: a promise waited on work that holds
  // nothing (a bug). Never a silent exit 0: one error line naming the command, exit 70.
  const drained = (): void => {
    const commandLine = commandLineOf(argv);
    const where = io.trail.where === undefined ? 'before its first step' : `at ${io.trail.where}`;
    const error = new Error(
      `${commandLine} had not finished when the event loop drained, ${Date.now() - startedAt} ms in, ${where}: it was waiting on work that held nothing`,
    );
    const code = reportFailure(error, commandLine, argv.includes('--json'), io);
    void Promise.all([io.stdout.flush(), io.stderr.flush()]).then(() => process.exit(code));
  };
  process.once('beforeExit', drained);
  void runCli(argv, io).then(async (code) => {
    process.off('beforeExit', drained);
    process.exitCode = code;
    await awaitReleases(io);
    // Exit once the output is flushed: a hung add-in call must not keep a finished CLI alive.
    await Promise.all([io.stdout.flush(), io.stderr.flush()]);
    process.exit(code);
  });
}
