/**
 * Reading `reg.exe query` output: the WSB registration of applications, COM class registration
 * and interface marshalling. Pure functions; registry-reader.ts runs reg.exe.
 *
 * reg.exe prints a key as a line starting with `HKEY_`, then one line per value, indented by
 * four spaces: `name    TYPE    data`, the fields separated by four spaces.
 */
import { GUID_DIGITS } from '../guid';

/** Where applications register with Windows Server Backup. */
export const WSB_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\WindowsServerBackup\\Application Support';

/** The interfaces WSB calls across processes; each needs proxy/stub marshalling registered. */
export const WSB_INTERFACES = [
  { name: 'IWsbApplicationBackupSupport', iid: '{1EFF3510-4A27-46AD-B9E0-08332F0F4F6D}' },
  { name: 'IWsbApplicationRestoreSupport', iid: '{8D3BDB38-4EE8-4718-85F9-C7DBC4AB77AA}' },
  { name: 'IWsbApplicationAsync', iid: '{0843F6F7-895C-44A6-B0C2-05A5022AA3A1}' },
] as const;

export interface RegValue {
  /** The value's name; the default value's name is localised (`(Default)` in English). */
  readonly name: string;
  /** `REG_SZ`, `REG_EXPAND_SZ`, ... */
  readonly type: string;
  readonly data: string;
}

export interface RegKey {
  /** The full path as reg.exe prints it: `HKEY_LOCAL_MACHINE\...`. */
  readonly path: string;
  readonly values: RegValue[];
}

/** An application registered with WSB, as the registry holds it. */
export interface RegisteredEntry {
  readonly writerId: string;
  readonly identifier: string;
  readonly clsid: string | null;
}

const VALUE_LINE = /^ {4}(.+?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;
const GUID_KEY = new RegExp(`\\\\(\\{${GUID_DIGITS}\\})$`, 'i');
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

function valueOf(key: RegKey, name: string): string | null {
  return key.values.find((v) => v.name.toLowerCase() === name.toLowerCase())?.data ?? null;
}

/** The applications in the output of `reg query WSB_KEY /s`: the `{writer id}` subkeys with an `Application Identifier`. */
export function applicationsFromRegistry(output: string): RegisteredEntry[] {
  return parseRegQuery(output).flatMap((key) => {
    const writerId = GUID_KEY.exec(key.path)?.[1];
    const identifier = valueOf(key, 'Application Identifier');
    if (writerId === undefined || identifier === null) return [];
    return [{ writerId: writerId.toUpperCase(), identifier, clsid: valueOf(key, 'CLSID')?.toUpperCase() ?? null }];
  });
}

/** Expand `%NAME%` from `env`, case-insensitively as Windows does; unknown names stay as written. */
export function expandEnvironment(text: string, env: NodeJS.ProcessEnv): string {
  const lookup = new Map(Object.entries(env).map(([k, v]) => [k.toUpperCase(), v]));
  return text.replace(/%([^%]+)%/g, (whole, name: string) => lookup.get(name.toUpperCase()) ?? whole);
}

/**
 * The executable of a LocalServer32 command line: the quoted path, else everything up to the
 * first `.exe` (unquoted paths with spaces exist in the wild), else the first word.
 */
export function serverExecutable(commandLine: string, env: NodeJS.ProcessEnv): string {
  const text = expandEnvironment(commandLine.trim(), env);
  const quoted = /^"([^"]+)"/.exec(text);
  if (quoted) return quoted[1];
  const exe = /^.*?\.exe(?=\s|$)/i.exec(text);
  return exe ? exe[0] : text.split(/\s+/)[0];
}
