/**
 * Command-line parsing on node:util parseArgs, with the flags every command shares and errors
 * that name the bad flag (exit 2).
 */
import { parseArgs } from 'node:util';
import { nearestKey } from '../strict';
import { UsageError } from './usage-error';

/** One flag, as parseArgs takes it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
}

export type OptionsConfig = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S extends { type: 'boolean' } ? boolean : S extends { multiple: true } ? string[] : string;

/** The parsed values of `O`: absent when not given (no defaults), arrays for `multiple` flags. */
export type OptionValues<O extends OptionsConfig> = { readonly [K in keyof O]?: ValueOf<O[K]> };

export interface ParsedCommandLine<O extends OptionsConfig> {
  readonly values: OptionValues<typeof COMMON_OPTIONS & O>;
  readonly positionals: readonly string[];
}

/** The flag every command takes: machine output. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
} as const satisfies OptionsConfig;

/** The flags of the commands that call an add-in: the mock backend instead of COM. */
export const BACKEND_OPTIONS = {
  mock: { type: 'boolean' },
  scenario: { type: 'string' },
} as const satisfies OptionsConfig;

/** The flags that pick the backend, as parsed. */
export interface BackendFlags {
  readonly mock?: boolean;
  readonly scenario?: string;
}

/**
 * parseArgs cannot give a flag an optional value, so `--mock=FILE` and `--mock FILE.json`
 * become `--mock --scenario FILE`; a bare `--mock` stays (the built-in demo).
 */
export function expandMockFlag(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i];
    if (token === '--') return [...out, ...argv.slice(i)];
    if (token.startsWith('--mock=')) {
      out.push('--mock', '--scenario', token.slice('--mock='.length));
    } else if (token === '--mock' && /\.json$/i.test(argv[i + 1] ?? '')) {
      out.push('--mock', '--scenario', argv[i + 1]);
      i += 1;
    } else {
      out.push(token);
    }
  }
  return out;
}

/** Node's parse errors carry a long second sentence about `--`; the first one names the flag. */
function firstSentence(message: string): string {
  const end = message.search(/\.\s/);
  return end < 0 ? message : message.slice(0, end + 1);
}

/** `Unknown option '--intervl' (did you mean '--interval'?)`: parseArgs' first sentence, and the nearest flag. */
function unknownFlagMessage(message: string, flags: readonly string[]): string {
  const unknown = /'--([^'=]+)/.exec(message)?.[1];
  const near = unknown === undefined ? undefined : nearestKey(unknown, flags);
  return near === undefined ? firstSentence(message) : `${firstSentence(message).replace(/\.$/, '')} (did you mean '--${near}'?)`;
}

/** A flag that takes one value given twice: parseArgs would keep the last and drop the first silently. */
function refuseRepeats(tokens: readonly { kind: string; name?: string; rawName?: string }[], options: OptionsConfig): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined || options[token.name]?.multiple === true) continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} was given more than once; it takes one value`);
    seen.add(token.name);
  }
}

/** parseArgs in strict mode, with COMMON_OPTIONS added and its errors turned into UsageErrors. */
export function parseCommandLine<O extends OptionsConfig>(argv: readonly string[], options: O): ParsedCommandLine<O> {
  try {
    const all: OptionsConfig = { ...COMMON_OPTIONS, ...options };
    const { values, positionals, tokens } = parseArgs({
      args: expandMockFlag(argv),
      options: all,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
    refuseRepeats(tokens, all);
    // parseArgs' own result type names an interface @types/node does not export; the shapes agree.
    return { values: values as OptionValues<typeof COMMON_OPTIONS & O>, positionals };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = (error as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(unknownFlagMessage(message, Object.keys({ ...COMMON_OPTIONS, ...options })));
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) throw new UsageError(firstSentence(message));
    throw error;
  }
}

/** A required flag's value, or a UsageError naming it. */
export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing ${flag}`);
  return value;
}

/** No stray words after a command that takes none (or after its expected ones). */
export function noMorePositionals(positionals: readonly string[], allowed: number): void {
  if (positionals.length > allowed) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[allowed])}`);
}

/** Split `LEFT=RIGHT` at the first `=`; a UsageError naming `flag` when a side is missing. */
export function splitPair(text: string, flag: string, shape: string): [string, string | undefined] {
  const at = text.indexOf('=');
  if (at < 0) return [text, undefined];
  const left = text.slice(0, at);
  const right = text.slice(at + 1);
  if (left === '' || right === '') throw new UsageError(`${flag} must look like ${shape}, got ${JSON.stringify(text)}`);
  return [left, right];
}
