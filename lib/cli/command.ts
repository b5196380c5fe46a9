/**
 * What a command is: a name, its help, and a function from arguments and I/O to an exit code.
 * main.ts only dispatches; every command runs in-process in tests.
 */
import type { CliIo } from './io';

export interface Command {
  readonly name: string;
  /** One line for `wsbapp --help`. */
  readonly summary: string;
  /** The full text of `wsbapp <name> --help`. */
  readonly help: string;
  /** Run with the arguments after the command name. Throws for failures; main reports them. */
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

/** The help lines of the flags every command takes. */
export const SHARED_FLAGS_HELP = `  --json                    machine output: one JSON object per line (schema in docs/cli.md)
  -h, --help                this help`;

/** The help lines of the backend flags (commands that call an add-in). */
export const BACKEND_FLAGS_HELP = `  --mock [FILE.json]        run against the mock backend: the built-in demo add-ins, or a
                            scenario file (also --mock=FILE, --scenario FILE, WSBAPP_BACKEND=mock)`;
