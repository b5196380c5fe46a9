/**
 * Choosing a backend: an explicit option wins, then WSBAPP_BACKEND, then the native COM
 * backend on win32. Anywhere else it is an error that says how to pick the mock; we never fall
 * back to the mock silently, because a mock verdict is not a real one.
 */
import { UnsupportedPlatformError } from '../errors';
import { invalidType, invalidValue } from '../input-errors';
import { createMockBackend } from './mock';
import { loadScenarioFile, normalizeScenario, type NormalizedScenario } from './scenario';
import { demoScenario } from './demo';
import { createNativeBackend, createNativeMockBackend } from './native';
import type { Backend } from './types';

/** The backends this package ships. */
export type BackendName = 'native' | 'mock' | 'native-mock';

export const BACKEND_NAMES: readonly BackendName[] = ['native', 'mock', 'native-mock'];

/** What the `backend` option accepts: a Backend object, or the name of a shipped one. */
export type BackendChoice = Backend | BackendName;

/**
 * The scenario for a mock backend chosen by name: the file WSBAPP_SCENARIO names, else the
 * built-in demo.
 */
function scenarioFromEnvironment(env: NodeJS.ProcessEnv): NormalizedScenario {
  const file = env.WSBAPP_SCENARIO;
  return file ? loadScenarioFile(file) : normalizeScenario(demoScenario());
}

function byName(name: BackendName, env: NodeJS.ProcessEnv): Backend {
  switch (name) {
    case 'mock':
      return createMockBackend(scenarioFromEnvironment(env));
    case 'native-mock':
      return createNativeMockBackend(scenarioFromEnvironment(env));
    case 'native':
      return createNativeBackend();
  }
}

function isBackend(value: unknown): value is Backend {
  const candidate = value as Backend;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof candidate.listApplications === 'function' &&
    typeof candidate.activate === 'function'
  );
}

/** `name` when it is a shipped backend's; else the error naming `source` and the valid names. */
function requireName(name: string, source: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw invalidValue(`${source} must be one of ${BACKEND_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
}

/**
 * The backend the environment names when a call names none: WSBAPP_BACKEND, else `native` on Windows.
 * @throws UnsupportedPlatformError off Windows when nothing names a backend
 */
export function defaultBackendName(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): BackendName {
  if (env.WSBAPP_BACKEND) return requireName(env.WSBAPP_BACKEND, 'WSBAPP_BACKEND');
  if (platform === 'win32') return 'native';
  throw new UnsupportedPlatformError(
    `Windows Server Backup add-ins run only on Windows, and this is ${platform}. ` +
      'To run against the mock, pass { backend: createMockBackend(scenario) } or set WSBAPP_BACKEND=mock ' +
      '(optionally WSBAPP_SCENARIO=path/to/scenario.json)',
  );
}

/**
 * Build the backend `choice` names (a Backend object is returned as given), or with no choice
 * the one the environment names (defaultBackendName). A new backend each call: the library's
 * calls use the process's own instead (getDefaultBackend, lib/backends/default.ts).
 * @throws UnsupportedPlatformError off Windows when nothing names a backend
 */
export function selectBackend(
  choice?: BackendChoice,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Backend {
  if (choice === undefined) return byName(defaultBackendName(env, platform), env);
  if (isBackend(choice)) return choice;
  if (typeof choice === 'string') return byName(requireName(choice, 'options.backend'), env);
  throw invalidType(`options.backend must be a Backend object or one of ${BACKEND_NAMES.join(', ')}, got ${String(choice)}`);
}
