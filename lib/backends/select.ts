/**
 * Choosing a backend, once per call site: an explicit option wins, then WSBAPP_BACKEND, then
 * the native COM backend on win32. Anywhere else it is an error that says how to pick the mock;
 * we never fall back to the mock silently, because a mock verdict is not a real one.
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

function byName(name: string, source: string, env: NodeJS.ProcessEnv): Backend {
  switch (name) {
    case 'mock':
      return createMockBackend(scenarioFromEnvironment(env));
    case 'native-mock':
      return createNativeMockBackend(scenarioFromEnvironment(env));
    case 'native':
      return createNativeBackend();
    default:
      throw invalidValue(`${source} must be one of ${BACKEND_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
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

/**
 * Resolve the backend for one call.
 * @param choice the `backend` option, if the caller gave one
 * @throws UnsupportedPlatformError off Windows when nothing names a backend
 */
export function selectBackend(
  choice?: BackendChoice,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Backend {
  if (choice !== undefined) {
    if (isBackend(choice)) return choice;
    if (typeof choice === 'string') return byName(choice, 'options.backend', env);
    throw invalidType(`options.backend must be a Backend object or one of ${BACKEND_NAMES.join(', ')}, got ${String(choice)}`);
  }
  if (env.WSBAPP_BACKEND) return byName(env.WSBAPP_BACKEND, 'WSBAPP_BACKEND', env);
  if (platform === 'win32') return byName('native', 'platform default', env);
  throw new UnsupportedPlatformError(
    `Windows Server Backup add-ins run only on Windows, and this is ${platform}. ` +
      'To run against the mock, pass { backend: createMockBackend(scenario) } or set WSBAPP_BACKEND=mock ' +
      '(optionally WSBAPP_SCENARIO=path/to/scenario.json)',
  );
}
