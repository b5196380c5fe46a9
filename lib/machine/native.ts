/**
 * The machine read through the addon: RegOpenKeyExW / RegEnumValueW / RegEnumKeyExW and a
 * Toolhelp snapshot (native/com/machine_win32.cc). Synchronous calls of microseconds, where
 * reg.exe and tasklist.exe cost a process each (about a second each under Wine).
 */
import type { NativeBinding } from '../backends/load';
import type { MachineReads, RegKey } from './reads';

/** The binding's machine functions, present in Windows builds. */
export type MachineBinding = Required<Pick<NativeBinding, 'readRegistryKey' | 'processImages'>>;

export function hasMachineReads(binding: NativeBinding): binding is NativeBinding & MachineBinding {
  return typeof binding.readRegistryKey === 'function' && typeof binding.processImages === 'function';
}

/** A key that cannot be read (access denied) counts as absent, as reg.exe's non-zero exit does. */
function listing(binding: MachineBinding, path: string): ReturnType<MachineBinding['readRegistryKey']> {
  try {
    return binding.readRegistryKey(path);
  } catch (error) {
    if (typeof (error as { hresult?: unknown }).hresult === 'number') return null;
    throw error; // bad input: a bug of ours, not a fact of the machine
  }
}

export function nativeReads(binding: MachineBinding): MachineReads {
  const key = (path: string): RegKey | null => {
    const read = listing(binding, path);
    return read === null ? null : { path, values: read.values };
  };
  return {
    via: 'addon',
    key: async (path) => key(path),
    async subkeys(path) {
      const read = listing(binding, path);
      if (read === null) return null;
      return read.subkeys.flatMap((name) => key(`${path}\\${name}`) ?? []);
    },
    async defaultValue(path) {
      const value = key(path)?.values.find((v) => v.name === '');
      return value === undefined || value.data.trim() === '' ? null : value.data;
    },
    async processImages() {
      try {
        return binding.processImages();
      } catch {
        return null;
      }
    },
  };
}
