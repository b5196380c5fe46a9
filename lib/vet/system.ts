/**
 * The machine behind the add-in: its registry and its processes. Only the real COM backend has
 * one; behind the mocks the registration and process-lifetime rules are skipped. Read through
 * the addon's Win32 calls, or reg.exe and tasklist.exe where it does not load (lib/machine/); nothing
 * is ever written.
 */
import { processIo, type CliIo } from '../cli/io';
import { RegistryReader } from '../machine/registry-reader';
import type { Backend } from '../backends/types';
import { ProcessCounter } from '../machine/processes';

/** What the registration and lifetime rules read. */
export interface VetSystem {
  readonly registry: RegistryReader;
  readonly processes: ProcessCounter;
  readonly fileExists: (path: string) => boolean;
  readonly env: NodeJS.ProcessEnv;
}

/** The system read through `io`'s programs (the CLI passes its own, tests a fake). */
export function systemOf(io: Pick<CliIo, 'machine' | 'fileExists' | 'env'>): VetSystem {
  return { registry: new RegistryReader(io.machine), processes: new ProcessCounter(io.machine), fileExists: io.fileExists, env: io.env };
}

/** The system behind `backend`: this machine for real COM on Windows, none for the mocks. */
export function defaultSystem(backend: Backend, platform: NodeJS.Platform = process.platform): VetSystem | null {
  return backend.name === 'native' && platform === 'win32' ? systemOf(processIo()) : null;
}

/** Why the system rules are skipped without one. */
export function noSystemReason(backend: Backend): string {
  return `the ${backend.name} backend has no registry or processes to read (real COM on Windows has)`;
}
