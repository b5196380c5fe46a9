/**
 * The backend a command runs on: `--mock [FILE]` picks the TypeScript mock (a scenario file or
 * the built-in demo); otherwise the library's own choice (WSBAPP_BACKEND, then native on Windows).
 */
import { createMockBackend, demoScenario, loadScenarioFile, selectBackend, type Backend, type MockBackend } from '../index';
import { writeFileSync } from 'node:fs';
import type { BackendFlags } from './args';
import { noteTarget, type FailureTarget } from './failure';
import type { CliIo } from './io';

export function resolveBackend(flags: BackendFlags, io: CliIo): Backend {
  if (flags.scenario !== undefined) return createMockBackend(loadScenarioFile(flags.scenario));
  if (flags.mock) return createMockBackend(demoScenario());
  return selectBackend(undefined, io.env, io.platform);
}

export function isMockBackend(backend: Backend): backend is MockBackend {
  return backend.name === 'mock' && 'calls' in backend && 'scenario' in backend;
}

/**
 * Testing aid: with WSBAPP_MOCK_RECORD=path, the mock's record of calls is written there as
 * JSON when the command ends, so end-to-end tests can see e.g. that a signal reached Abort.
 */
function saveMockRecord(backend: Backend, io: CliIo): void {
  const path = io.env.WSBAPP_MOCK_RECORD;
  if (path && isMockBackend(backend)) writeFileSync(path, `${JSON.stringify(backend.calls, null, 2)}\n`);
}

/**
 * Run `use` on the backend the flags pick, saving the mock's record afterwards whatever happens.
 * A failure is noted as one on `target`, so its report names the application and component.
 */
export async function withBackend<T>(
  flags: BackendFlags,
  io: CliIo,
  use: (backend: Backend) => Promise<T>,
  target?: FailureTarget,
): Promise<T> {
  const backend = resolveBackend(flags, io);
  try {
    return await use(backend);
  } catch (error) {
    if (target !== undefined) noteTarget(error, target);
    throw error;
  } finally {
    saveMockRecord(backend, io);
  }
}
