/**
 * The machine as vet, list and doctor see it: registry keys and running processes, read-only.
 * Read through the addon's Win32 calls where it loads (native.ts), else through reg.exe and
 * tasklist.exe (programs.ts); host.ts picks.
 */

export interface RegValue {
  /** The value's name: "" for the default value natively; reg.exe prints a localised `(Default)`. */
  readonly name: string;
  /** `REG_SZ`, `REG_EXPAND_SZ`, `REG_DWORD`, ... */
  readonly type: string;
  /** As reg.exe prints it: strings unexpanded, numbers as 0x-hex, other data as hex bytes. */
  readonly data: string;
}

export interface RegKey {
  /** The key's path: `HKLM\...` as asked for natively, `HKEY_LOCAL_MACHINE\...` as reg.exe prints it. */
  readonly path: string;
  readonly values: RegValue[];
}

export interface MachineReads {
  /** How the machine is read: the addon's Win32 calls, or reg.exe and tasklist.exe. */
  readonly via: 'addon' | 'programs';
  /** The values of the key at `path` (`HKLM\...`, `HKCR\...`); null when it does not exist or cannot be read. */
  key(path: string): Promise<RegKey | null>;
  /** The keys one level below `path`, each with its values; null when `path` does not exist or cannot be read. */
  subkeys(path: string): Promise<RegKey[] | null>;
  /** The data of the key's default value; null when the key or the value is missing or empty. */
  defaultValue(path: string): Promise<string | null>;
  /** The image names (`node.exe`) of the processes running now; null when they cannot be listed. */
  processImages(): Promise<string[] | null>;
}
