/**
 * This machine: read through the addon on Windows when it loads, else through the programs.
 * The addon is loaded on first use, not before, so doctor still runs where it cannot load.
 */
import { loadBinding } from '../backends/load';
import { hasMachineReads, nativeReads } from './native';
import { programReads, type RunProgram } from './programs';
import type { MachineReads } from './reads';

/** What choosing needs: how to run the fallback's programs, and the environment the addon loads with. */
export interface HostIo {
  readonly runProgram: RunProgram;
  readonly env: NodeJS.ProcessEnv;
}

/** The addon's reads, or the programs' when the addon does not load or has none (off Windows, an old build). */
export function chooseReads(io: HostIo, platform: NodeJS.Platform): MachineReads {
  if (platform !== 'win32') return programReads(io);
  try {
    const binding = loadBinding(io.env);
    if (hasMachineReads(binding)) return nativeReads(binding);
  } catch {
    // doctor's own checks say why the addon does not load
  }
  return programReads(io);
}

/** {@link chooseReads}, decided on the first read. */
export function hostReads(io: HostIo, platform: NodeJS.Platform): MachineReads {
  let chosen: MachineReads | undefined;
  const reads = () => (chosen ??= chooseReads(io, platform));
  return {
    get via() {
      return reads().via;
    },
    key: (path) => reads().key(path),
    subkeys: (path) => reads().subkeys(path),
    defaultValue: (path) => reads().defaultValue(path),
    processImages: () => reads().processImages(),
  };
}
