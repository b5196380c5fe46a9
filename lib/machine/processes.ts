/**
 * How many processes run a given executable: what the lifetime rule needs to see whether the
 * add-in's server went away.
 */
import { basename } from 'node:path';
import type { MachineReads } from './reads';

/** Counts the running processes of an executable; null when the process list cannot be read. */
export class ProcessCounter {
  constructor(private readonly machine: Pick<MachineReads, 'processImages'>) {}

  async count(executable: string): Promise<number | null> {
    const image = basename(executable.replace(/\\/g, '/')).toLowerCase();
    const images = await this.machine.processImages();
    return images === null ? null : images.filter((name) => name.toLowerCase() === image).length;
  }
}
