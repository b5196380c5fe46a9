/**
 * This machine: read through the addon on Windows when it loads, else through the programs.
 * Called on first use (processIo's `machine`), so doctor still runs where the addon cannot load.
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
