/**
 * How many processes run a given executable: what the lifetime rule needs to see whether the
 * add-in's server went away. `tasklist` on Windows; Wine 8's tasklist is a stub that prints
 * nothing, so an empty list falls back to `wmic process get name` (which Wine implements).
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

/**
 * The image names in `wmic process get name` output: a `Name` header, then one name per line.
 * wmic writes UTF-16 into a pipe; read as UTF-8 that leaves NULs and a mangled BOM, dropped here.
 */
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

/** Counts the running processes of an executable; null when the process list cannot be read. */
export class ProcessCounter {
  constructor(private readonly io: Pick<CliIo, 'runProgram'>) {}

  async count(executable: string): Promise<number | null> {
    const image = basename(executable.replace(/\\/g, '/')).toLowerCase();
    const images = await this.images();
    return images === null ? null : images.filter((name) => name.toLowerCase() === image).length;
  }

  private async images(): Promise<string[] | null> {
    const tasklist = await this.io.runProgram('tasklist.exe', ['/FO', 'CSV', '/NH']);
    const listed = tasklist.status === 0 ? imagesOf(tasklist.stdout) : [];
    if (listed.length > 0) return listed;
    const wmic = await this.io.runProgram('wmic.exe', ['process', 'get', 'name']);
    const fallback = wmic.status === 0 ? imagesOfWmic(wmic.stdout) : [];
    // Every machine runs some process: an empty list means the list could not be read.
    return fallback.length > 0 ? fallback : null;
  }
}
