/**
 * The backend a command runs on: `--mock [FILE]` picks the TypeScript mock (a scenario file or
 * the built-in demo); otherwise the library's own choice (WSBAPP_BACKEND, then native on Windows).
 */
import { createMockBackend, demoScenario, loadScenarioFile, ScenarioError, selectBackend, type Backend, type MockBackend, type NormalizedScenario } from '../index';
import { writeFileSync } from 'node:fs';
import type { BackendFlags } from './args';
import { noteTarget, type FailureTarget } from './failure';
import type { CliIo } from './io';

/** A scenario file's every problem as a ScenarioError that names the file (exit 2, ERR_WSB_SCENARIO). */
function loadScenario(file: string): NormalizedScenario {
  try {
    return loadScenarioFile(file);
  } catch (error) {
    if (error instanceof ScenarioError && error.file !== undefined) throw error;
    if (error instanceof ScenarioError) throw new ScenarioError(error.problem, { file, path: error.path, cause: error });
    // The scenario's own checks throw TypeError/RangeError naming the JSON path in their message.
    if (error instanceof TypeError || error instanceof RangeError) throw new ScenarioError(error.message, { file, cause: error });
    throw error;
  }
}

export function resolveBackend(flags: BackendFlags, io: CliIo): Backend {
  if (flags.scenario !== undefined) return createMockBackend(loadScenario(flags.scenario));
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
export async function withBackend<T>(flags: BackendFlags, io: CliIo, use: (backend: Backend) => Promise<T>, target?: FailureTarget): Promise<T> {
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
