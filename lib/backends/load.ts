/**
 * Loading the compiled addon (`wsbapp.node`). Only the native backends need it, and they load
 * it lazily, so the TypeScript mock works where the addon was never built.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UnsupportedPlatformError } from '../errors';

/** One application as the addon reports it (UTF-8 strings; `clsid` null when there is no add-in). */
export interface NativeRegistration {
  readonly writerId: string;
  readonly identifier: string;
  readonly clsid: string | null;
}

/** The order OrderComponents returned: parallel arrays. */
export interface NativeOrder {
  readonly names: string[];
  readonly logicalPaths: string[];
}

/**
 * What the addon rejects with when a COM call fails: an Error carrying the raw HRESULT.
 * `protocol` marks an add-in that broke the API's rules while its call "succeeded".
 */
export interface NativeCallFailure extends Error {
  readonly hresult: number;
  readonly detail: string;
  readonly systemMessage?: string;
  readonly protocol?: boolean;
}

/** The addon's `Operation`: one IWsbApplicationAsync. */
export interface NativeOperation {
  /** Resolves with the operation status (`*phrResult`, unsigned). */
  queryStatus(): Promise<number>;
  /** Resolves with what Abort returned (unsigned), success or failure. */
  abort(): Promise<number>;
  /**
   * Schedules the Release on a COM thread and cancels calls still in flight. Resolves (never
   * rejects) once the final Release has returned; a second call returns the same promise.
   */
  release(): Promise<void>;
}

/** The addon's `Addin`: one activated add-in. */
export interface NativeAddin {
  checkConsistency(
    writerMetadata: string | null,
    component: string | null,
    logicalPath: string | null,
    sources: readonly string[],
    snapshots: readonly string[],
  ): Promise<NativeOperation | null>;
  preRestore(writerMetadata: string | null, component: string | null, logicalPath: string | null, noRollForward: boolean): Promise<void>;
  postRestore(writerMetadata: string | null, component: string | null, logicalPath: string | null, noRollForward: boolean): Promise<void>;
  orderComponents(names: readonly string[], logicalPaths: readonly string[]): Promise<NativeOrder | null>;
  isRollForwardSupported(): Promise<boolean>;
  /** As {@link NativeOperation.release}, for both interfaces of the add-in. */
  release(): Promise<void>;
}

/** One call the native mock add-in received (string arguments as UTF-8, null for NULL). */
export interface NativeMockCall {
  readonly method: string;
  readonly writerId: string;
  readonly component: string | null;
  readonly args: ReadonlyArray<string | null>;
}

/** One live COM object of the native mock and its reference count. */
export interface NativeMockObject {
  readonly kind: 'addin' | 'operation';
  readonly writerId: string;
  readonly component: string | null;
  readonly refs: number;
}

/** A snapshot of the native mock: live objects with their reference counts, and the call log. */
export interface NativeMockStats {
  readonly liveObjects: number;
  readonly objects: NativeMockObject[];
  readonly calls: NativeMockCall[];
}

/** The addon's `Runtime`: where add-ins come from (real COM, or the native mock). */
export interface NativeRuntime {
  listApplications(): Promise<NativeRegistration[]>;
  /**
   * Pending, it keeps the event loop alive unless `holdsProcess` is false (see Backend.activate:
   * nothing can cancel a hung activation, so a caller with a deadline holds the loop itself).
   */
  activate(writerId: string, identifier: string, clsid: string, holdsProcess?: boolean): Promise<NativeAddin>;
  /** The native mock's statistics; undefined for real COM. */
  mockStats(): NativeMockStats | undefined;
}

/** Options of the real COM runtime (Windows only). */
export interface NativeComOptions {
  readonly inProcess?: boolean;
  readonly allowUnregisteredClsid?: boolean;
}

/** The compiled addon's exports. */
export interface NativeBinding {
  /** A runtime whose add-ins are the native mock, scripted by the normalised scenario JSON. */
  createMockRuntime(normalizedScenarioJson: string): NativeRuntime;
  /** Real COM; present only in Windows builds. */
  createComRuntime?(options: NativeComOptions): NativeRuntime;
}

/** The places the loader looks, in order: WSBAPP_BINDING when set, then build/Release, build/Debug. */
export function bindingCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  // Two levels up from lib/backends (ts-jest) and from dist/backends (compiled) alike.
  const root = join(__dirname, '..', '..');
  const builds = [join(root, 'build', 'Release', 'wsbapp.node'), join(root, 'build', 'Debug', 'wsbapp.node')];
  // An explicit override wins: it is how a sanitizer or debug build is tested without deleting
  // the release build.
  // resolve(): require() would take a relative path for a package name.
  return env.WSBAPP_BINDING ? [resolve(env.WSBAPP_BINDING), ...builds] : builds;
}

/**
 * Load the addon from the first of `candidates` that loads.
 * @throws UnsupportedPlatformError listing every path tried, why each failed, and how to fix it
 */
export function loadBinding(candidates: readonly string[] = bindingCandidates()): NativeBinding {
  const failures: string[] = [];
  for (const candidate of candidates) {
    if (!existsSync(candidate)) {
      failures.push(`${candidate}: not found`);
      continue;
    }
    try {
      return require(candidate) as NativeBinding;
    } catch (error) {
      failures.push(`${candidate}: ${(error as Error).message}`);
    }
  }
  throw new UnsupportedPlatformError(
    `the wsbapp native addon could not be loaded. Tried:\n  ${failures.join('\n  ')}\n` +
      'To fix: run `npm run build:native` in the package folder (needs Python 3 and a C++17 compiler: ' +
      'Visual Studio Build Tools with "Desktop development with C++" on Windows, g++ or clang elsewhere), ' +
      'or set WSBAPP_BINDING to the path of a built wsbapp.node',
  );
}
