/**
 * The machine read through programs, where the addon does not load (doctor must diagnose such
 * a machine): `reg.exe query` and `tasklist.exe`, falling back to `wmic` where tasklist prints
 * nothing (Wine 8's is a stub). Their text is parsed here, and only here.
 *
 * reg.exe prints a key as a line starting with `HKEY_`, then one line per value, indented by
 * four spaces: `name    TYPE    data`, the fields separated by four spaces.
 */
import type { MachineReads, RegKey, RegValue } from './reads';

/** How a program run for its output (reg.exe, whoami.exe) ended. */
export interface ProgramResult {
  /** The exit code; null when the program could not be started or was killed. */
  readonly status: number | null;
  readonly stdout: string;
}

/** Runs a program and collects its output; never rejects. */
export type RunProgram = (file: string, args: readonly string[]) => Promise<ProgramResult>;

const VALUE_LINE = /^ {4}(.+?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;
/** What reg.exe prints as the data of a default value that is not set (English Windows and Wine). */
const VALUE_NOT_SET = '(value not set)';

/** The keys and values in the output of `reg query KEY [/s] [/ve]`. */
export function parseRegQuery(output: string): RegKey[] {
  const keys: { path: string; values: RegValue[] }[] = [];
  for (const line of output.split(/\r?\n/)) {
    if (line.startsWith('HKEY_')) {
      keys.push({ path: line.trim(), values: [] });
      continue;
    }
    const match = VALUE_LINE.exec(line);
    if (match && keys.length > 0) keys[keys.length - 1].values.push({ name: match[1], type: match[2], data: match[3] ?? '' });
  }
  return keys;
}

/** The default value in the output of `reg query KEY /ve`, or null when it is not set. */
export function defaultValueOf(output: string): string | null {
  const value = parseRegQuery(output)[0]?.values[0];
  if (value === undefined || value.data === VALUE_NOT_SET || value.data.trim() === '') return null;
  return value.data;
}

/** The image names in `tasklist /FO CSV /NH` output (first CSV field of each line). */
export function imagesOf(csv: string): string[] {
  return csv
    .split(/\r?\n/)
    .map((line) => /^"([^"]*)"/.exec(line.trim())?.[1])
    .filter((name): name is string => name !== undefined);
}

/** The image names in `wmic process get name` output: a `Name` header, then one name per line. */
export function imagesOfWmic(output: string): string[] {
  const lines = output
    // wmic writes UTF-16 that a UTF-8 reader sees with NULs and a BOM in it.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000\ufeff\ufffd]/g, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines[0]?.toLowerCase() === 'name' ? lines.slice(1) : [];
}

/** reg.exe prints every key with its root's long name. The roots the addon reads (kRoots in native/com/machine_win32.cc). */
export const REGISTRY_ROOTS: Readonly<Record<string, string>> = {
  HKLM: 'HKEY_LOCAL_MACHINE',
  HKCR: 'HKEY_CLASSES_ROOT',
  HKCU: 'HKEY_CURRENT_USER',
  HKU: 'HKEY_USERS',
};

/** Whether reg.exe's `key` is one level below the key asked for as `path`. */
function isChildOf(key: RegKey, path: string): boolean {
  const [root, ...rest] = path.split('\\');
  const parent = [REGISTRY_ROOTS[root.toUpperCase()] ?? root, ...rest].join('\\').toLowerCase() + '\\';
  const below = key.path.toLowerCase();
  return below.startsWith(parent) && !below.slice(parent.length).includes('\\');
}

export function programReads(io: { readonly runProgram: RunProgram }): MachineReads {
  const query = async (args: string[]): Promise<string | null> => {
    const { status, stdout } = await io.runProgram('reg.exe', ['query', ...args]);
    return status === 0 ? stdout : null;
  };
  return {
    via: 'programs',
    async key(path) {
      const output = await query([path]);
      return output === null ? null : (parseRegQuery(output)[0] ?? null);
    },
    // One reg.exe for the whole level: /s, which prints the whole tree (the key itself only when it has values).
    async subkeys(path) {
      const output = await query([path, '/s']);
      return output === null ? null : parseRegQuery(output).filter((key) => isChildOf(key, path));
    },
    async defaultValue(path) {
      const output = await query([path, '/ve']);
      return output === null ? null : defaultValueOf(output);
    },
    async processImages() {
      const tasklist = await io.runProgram('tasklist.exe', ['/FO', 'CSV', '/NH']);
      const listed = tasklist.status === 0 ? imagesOf(tasklist.stdout) : [];
      if (listed.length > 0) return listed;
      const wmic = await io.runProgram('wmic.exe', ['process', 'get', 'name']);
      const fallback = wmic.status === 0 ? imagesOfWmic(wmic.stdout) : [];
      // Every machine runs some process: an empty list means the list could not be read.
      return fallback.length > 0 ? fallback : null;
    },
  };
}
