/**
 * The process's backends: one object per backend name, and one default (what every call
 * without a `backend` option uses), in the shape of undici's global dispatcher
 * (getGlobalDispatcher / setGlobalDispatcher). One runtime per process means concurrent checks
 * share one status batcher and one set of COM threads, and the wake-up policy is applied once.
 */
import { BACKEND_NAMES, defaultBackendName, selectBackend, type BackendChoice, type BackendName } from './select';
import type { Backend } from './types';

// On globalThis under a registered symbol, as undici keeps its dispatcher: two copies of the
// package in one process (a dependency's and the app's) still share one default.
const DEFAULT = Symbol.for('wsbapp.defaultBackend.1');
const NAMED = Symbol.for('wsbapp.namedBackends.1');

interface Shared {
  [DEFAULT]?: Backend;
  [NAMED]?: Map<BackendName, Backend>;
}
const shared = globalThis as Shared;

/** The process's one backend of `name`, built on first use (the mocks from WSBAPP_SCENARIO or the demo). */
function named(name: BackendName): Backend {
  const backends = (shared[NAMED] ??= new Map());
  let backend = backends.get(name);
  if (backend === undefined) {
    backend = selectBackend(name);
    backends.set(name, backend);
  }
  return backend;
}

/**
 * The default backend, chosen on first use: WSBAPP_BACKEND when set, else the native COM
 * backend on Windows. A later change to the environment does not change it; setDefaultBackend does.
 * @throws UnsupportedPlatformError off Windows when nothing names a backend
 */
export function getDefaultBackend(): Backend {
  return (shared[DEFAULT] ??= named(defaultBackendName()));
}

/**
 * Make `choice` the default backend of this process (a Backend object, or a backend's name),
 * or with `undefined` go back to choosing on next use.
 * @throws TypeError for anything else
 */
export function setDefaultBackend(choice: BackendChoice | undefined): void {
  if (choice === undefined) delete shared[DEFAULT];
  else shared[DEFAULT] = backendFor(choice);
}

const isName = (choice: unknown): choice is BackendName => (BACKEND_NAMES as readonly unknown[]).includes(choice);

/** The backend one call runs on: its `backend` option (an object as given, a name as the process's one), else the default. */
export function backendFor(choice: BackendChoice | undefined): Backend {
  if (choice === undefined) return getDefaultBackend();
  return isName(choice) ? named(choice) : selectBackend(choice);
}
