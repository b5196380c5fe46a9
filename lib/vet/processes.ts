/**
 * How many processes run a given executable, from `tasklist` (Windows, and Wine's tasklist):
 * what the lifetime rule needs to see whether the add-in's server went away.
 */
import { basename } from 'node:path';
import type { CliIo } from '../cli/io';

/** The image names in `tasklist /FO CSV /NH` output (first CSV field of each line). */
export function imagesOf(csv: string): string[] {
  return csv
    .split(/\r?\n/)
    .map((line) => /^"([^"]*)"/.exec(line.trim())?.[1])
    .filter((name): name is string => name !== undefined);
}

/** Counts the running processes of an executable; null when the process list cannot be read. */
export class ProcessCounter {
  constructor(private readonly io: Pick<CliIo, 'runProgram'>) {}

  async count(executable: string): Promise<number | null> {
    const image = basename(executable.replace(/\\/g, '/')).toLowerCase();
    const { status, stdout } = await this.io.runProgram('tasklist.exe', ['/FO', 'CSV', '/NH']);
    if (status !== 0) return null;
    return imagesOf(stdout).filter((name) => name.toLowerCase() === image).length;
  }
}
