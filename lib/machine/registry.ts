/**
 * What the registry says about WSB add-ins: where applications register, the interfaces that
 * need marshalling, the applications in the WSB key, and the server a class's command line
 * starts. Pure functions over keys however they were read (reads.ts).
 */
import { GUID_DIGITS } from '../guid';
import type { RegKey } from './reads';

/** Where applications register with Windows Server Backup. */
export const WSB_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\WindowsServerBackup\\Application Support';

/** The interfaces WSB calls across processes; each needs proxy/stub marshalling registered. */
export const WSB_INTERFACES = [
  { name: 'IWsbApplicationBackupSupport', iid: '{1EFF3510-4A27-46AD-B9E0-08332F0F4F6D}' },
  { name: 'IWsbApplicationRestoreSupport', iid: '{8D3BDB38-4EE8-4718-85F9-C7DBC4AB77AA}' },
  { name: 'IWsbApplicationAsync', iid: '{0843F6F7-895C-44A6-B0C2-05A5022AA3A1}' },
] as const;

/** An application registered with WSB, as the registry holds it. */
export interface RegisteredEntry {
  readonly writerId: string;
  readonly identifier: string;
  readonly clsid: string | null;
}

const GUID_KEY = new RegExp(`\\\\(\\{${GUID_DIGITS}\\})$`, 'i');

function valueOf(key: RegKey, name: string): string | null {
  return key.values.find((v) => v.name.toLowerCase() === name.toLowerCase())?.data ?? null;
}

/** The applications among the subkeys of WSB_KEY: the `{writer id}` keys with an `Application Identifier`. */
export function applicationsOf(keys: readonly RegKey[]): RegisteredEntry[] {
  return keys.flatMap((key) => {
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
