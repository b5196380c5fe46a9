/**
 * Loading the compiled addon (`wsbapp.node`). Only the native backends need it, and they load
 * it lazily, so the TypeScript mock works where the addon was never built.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UnsupportedPlatformError } from '../errors';
import type { IdentityProbe } from './types';
import { applyWakePolicy, type WakePolicyEntry } from './wake-policy';

// node-gyp-build ships no type declarations; `path` is its documented resolver (no loading).
const nodeGypBuild = require('node-gyp-build') as { path(root: string): string };
import type { NormalizedScenario } from './scenario';
import type { RegValue } from '../machine/reads';

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

// Duck-typed, not `instanceof Error`: the addon's errors come from the main realm, which is not
// the realm of a vm context (jest runs tests in one).
export function isCallFailure(error: unknown): error is NativeCallFailure {
  return typeof error === 'object' && error !== null && typeof (error as Partial<NativeCallFailure>).hresult === 'number';
}

/**
 * What the addon rejects with when a COM call fails: an Error carrying the raw HRESULT.
 * `protocol` marks an add-in that broke the API's rules while its call "succeeded".
 */
export interface NativeCallFailure extends Error {
  readonly hresult: number;
  readonly detail: string;
  readonly systemMessage?: string;
  /** A failed QueryInterface: the interface's name and IID. */
  readonly interfaceName?: string;
  readonly interfaceId?: string;
  readonly protocol?: boolean;
}

/** The addon's `Operation`: one IWsbApplicationAsync. */
export interface NativeOperation {
  /**
   * Resolves with the operation status (`*phrResult`, unsigned). With `keepAlive` the pending
   * call holds the event loop until it settles or the operation is released; by default it does not.
   */
  queryStatus(keepAlive?: boolean): Promise<number>;
  /** Resolves with what Abort returned (unsigned), success or failure. Never holds the event loop. */
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
  /** (Absent in bindings built before vet.) CheckConsistency resolving whatever the call returned: its code, whether a failure came with an object, the operation. */
  checkConsistencyRaw?(
    writerMetadata: string | null,
    component: string | null,
    logicalPath: string | null,
    sources: readonly string[],
    snapshots: readonly string[],
  ): Promise<{ readonly call: number; readonly strayObject: boolean; readonly operation: NativeOperation | null }>;
  /** QueryInterface probes of the add-in object (vet's identity rules). */
  probeIdentity?(): Promise<IdentityProbe>;
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
  /** The fake VSS, when the scenario has a `vss` section. */
  readonly vss?: NativeFakeVssStats;
}

/** A writer as the addon's GatherWriterMetadata gives it (lib/vss/types.ts Writer). */
export interface NativeWriter {
  readonly writerId: string;
  readonly instanceId: string;
  readonly name: string;
  readonly components: { readonly name: string; readonly logicalPath: string; readonly files: string[] }[];
  readonly metadataXml: string;
}

/** A writer's status as the addon's GatherWriterStatus gives it (VSS_WRITER_STATE, the last error unsigned). */
export interface NativeWriterStatus {
  readonly writerId: string;
  readonly instanceId: string;
  readonly state: number;
  readonly lastError: number;
}

/**
 * The addon's `VssSession`: one IVssBackupComponents (native/com/vss_backup.h). Each method runs
 * one step on a COM thread and rejects with a {@link NativeCallFailure}; a wait rejects with
 * VSS_S_ASYNC_CANCELLED once cancelWait() made it call IVssAsync::Cancel, or with
 * ERROR_TIMEOUT when the async ignored that for kCancelledWaitMs. None holds the event loop.
 */
export interface NativeVssSession {
  gatherWriterMetadata(): Promise<NativeWriter[]>;
  gatherWriterStatus(): Promise<NativeWriterStatus[]>;
  volumeOf(path: string): Promise<string>;
  addComponent(instanceId: string, writerId: string, logicalPath: string, name: string): Promise<void>;
  startSnapshotSet(): Promise<string>;
  addToSnapshotSet(volume: string): Promise<string>;
  prepareForBackup(): Promise<void>;
  doSnapshotSet(): Promise<void>;
  snapshotDevice(snapshotId: string): Promise<string>;
  backupComplete(): Promise<void>;
  abortBackup(): Promise<void>;
  /** The wait in progress (the last call started) calls IVssAsync::Cancel at its next look. */
  cancelWait(): void;
  /** Resolves once the final Release returned (the snapshots go with it); never rejects. */
  release(): Promise<void>;
}

/** What the native mock's fake VSS holds now (native/mock/fake_vss.h). */
export interface NativeFakeVssStats {
  readonly liveSessions: number;
  readonly liveSnapshots: number;
  /** Fake objects and component infos not yet released or freed, sessions included. */
  readonly liveObjects: number;
  readonly calls: { readonly session: number; readonly call: string }[];
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
  /**
   * (Absent in bindings built before VSS.) CreateVssBackupComponents, InitializeForBackup,
   * SetContext(VSS_CTX_BACKUP), SetBackupState(VSS_BT_COPY). Does not hold the event loop.
   */
  createBackupComponents?(): Promise<NativeVssSession>;
}

/** Options of the real COM runtime (Windows only). */
export interface NativeComOptions {
  readonly inProcess?: boolean;
  readonly allowUnregisteredClsid?: boolean;
}

/** The compiled addon's exports. */
export interface NativeBinding {
  /**
   * A runtime whose add-ins are the native mock, scripted by a normalised scenario (read through
   * Node-API and checked again in C++: a bad one is a TypeError naming the JSON path).
   */
  createMockRuntime(scenario: NormalizedScenario): NativeRuntime;
  /** Real COM; present only in Windows builds. */
  createComRuntime?(options: NativeComOptions): NativeRuntime;
  /** The system's text for an HRESULT (FormatMessageW); empty where there is none (always, off Windows). */
  systemMessage(hresult: number): string;
  /**
   * QueryStatus on every operation of `operations` at once: one post to the COM threads, each call
   * still its own (a hung one costs one thread and holds up none of the others; at most 64 run at
   * once, the rest queue). Duplicates are allowed (each index is its own call); an empty array does
   * nothing and `onResults` is never called.
   *
   * Results come back in one hop per batch of completions: `onResults` is called once for each
   * group of results that completes together (never before this returns), so a batch whose calls
   * finish at different times gets several calls, and every index of `operations` is reported
   * exactly once in all. `indices[k]` is an index into `operations`; `statuses[k]` its operation
   * status (`*phrResult`, unsigned, as `queryStatus` resolves). `failures` is undefined when every
   * result of this call succeeded, else parallel to `indices`: `failures[k]` is the Error the
   * element's `queryStatus` promise would reject with (a {@link NativeCallFailure}; an operation
   * already released gets its "already released" Error) and `statuses[k]` is 0; it is undefined
   * for the elements that succeeded.
   *
   * The batch never holds the event loop (the caller holds it, with its own timer); each operation
   * is kept from collection until its result is delivered. Releasing an operation cancels its
   * call in flight, which then reports what the call returned. An exception thrown by `onResults`
   * does not stop other batches' results; it is raised as an uncaught exception afterwards.
   * @throws TypeError (`code` ERR_INVALID_ARG_TYPE) when `operations` is not an array, an element
   *   is not an Operation, or `onResults` is not a function: then nothing is called.
   */
  queryStatusBatch(
    operations: readonly NativeOperation[],
    onResults: (indices: Uint32Array, statuses: Uint32Array, failures: (NativeCallFailure | undefined)[] | undefined) => void,
  ): void;
  /**
   * The wake-up policy for lone calls (lib/backends/wake-policy.ts): sets the fields given (whole
   * microseconds, 0 to `maxSpinUs`; 0 is off) and returns the policy now. (Absent in bindings
   * built before it: they never spin.)
   * @throws TypeError (`code` ERR_INVALID_ARG_TYPE) or RangeError (ERR_OUT_OF_RANGE) naming the field
   */
  wakePolicy?: WakePolicyEntry;
  /**
   * The values and subkey names of a registry key (`HKLM\...`, `HKCR\...`; HKCU and HKU too),
   * read synchronously in the 64-bit view; null when the key does not exist. Windows builds only.
   * @throws TypeError (`code` ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE) for a path that is not
   *   a string or names no root; an Error with `hresult` when the key exists but cannot be read
   */
  readRegistryKey?(path: string): { readonly values: RegValue[]; readonly subkeys: string[] } | null;
  /**
   * The image names of the running processes (a Toolhelp snapshot). Windows builds only.
   * @throws an Error with `hresult` when the snapshot fails
   */
  processImages?(): string[];
}

/** The locations node-gyp-build searches below `root`, in its order, for the fix-it error. */
function searchedBy(root: string): string[] {
  const tuple = `${process.platform}-${process.arch}`;
  return [
    join(root, 'build', 'Release'),
    join(root, 'build', 'Debug'),
    join(root, 'prebuilds', tuple),
    // A prebuilds/ folder next to the executable: how a single executable application ships it.
    join(dirname(process.execPath), 'prebuilds', tuple),
  ];
}

const BUILD_FROM_SOURCE =
  'To fix: build the addon from source in a clone of wsbapp with `npm install && npm run build:native` ' +
  '(needs Python 3 and a C++17 compiler: Visual Studio Build Tools with "Desktop development with C++" on Windows, ' +
  'g++ or clang elsewhere), then set WSBAPP_BINDING to its build/Release/wsbapp.node';

function loadFailure(tried: readonly string[]): UnsupportedPlatformError {
  return new UnsupportedPlatformError(`the wsbapp native addon could not be loaded. Tried:\n  ${tried.join('\n  ')}\n${BUILD_FROM_SOURCE}`);
}

// Two levels up from lib/backends (ts-jest) and from dist/backends (compiled) alike.
const PACKAGE_ROOT = join(__dirname, '..', '..');

/**
 * The addon file to load: the file WSBAPP_BINDING names when it is set (how a sanitizer or debug
 * build is tested without deleting the release build; nothing else is tried then, so a wrong
 * path never runs another build silently), else what node-gyp-build finds below `root`: a local
 * build (build/Release, build/Debug), then `prebuilds/<platform>-<arch>/`.
 * @throws UnsupportedPlatformError listing every place searched and how to build from source
 */
export function locateBinding(env: NodeJS.ProcessEnv, root: string): string {
  if (env.WSBAPP_BINDING) {
    // resolve(): require() would take a relative path for a package name.
    const override = resolve(env.WSBAPP_BINDING);
    if (!existsSync(override)) throw loadFailure([`WSBAPP_BINDING=${override}: not found`]);
    return override;
  }
  try {
    return nodeGypBuild.path(root);
  } catch (error) {
    // Its first line names what it looked for: platform, arch, runtime, libc, node version.
    const reason = (error as Error).message.split('\n')[0];
    throw loadFailure([...searchedBy(root), `(node-gyp-build: ${reason})`]);
  }
}

/**
 * The addon file the native backends of this process load (`native`, `native-mock`): WSBAPP_BINDING
 * when set, else a local build of the package, else its prebuild for this platform and arch.
 * It loads nothing itself.
 * @throws UnsupportedPlatformError listing every place searched and how to build from source
 */
export function nativeBindingPath(): string {
  return locateBinding(process.env, PACKAGE_ROOT);
}

/**
 * Load the addon from {@link nativeBindingPath}, with the wake-up policy `env` sets.
 * @throws UnsupportedPlatformError naming the file and why it did not load, or every place searched
 * @throws RangeError (`code` ERR_OUT_OF_RANGE) naming a wake-up policy variable out of range
 */
export function loadBinding(env: NodeJS.ProcessEnv = process.env, root: string = PACKAGE_ROOT): NativeBinding {
  const path = locateBinding(env, root);
  let binding: NativeBinding;
  try {
    binding = require(path) as NativeBinding;
  } catch (error) {
    throw loadFailure([`${path}: ${(error as Error).message}`]);
  }
  if (binding.wakePolicy) applyWakePolicy(binding.wakePolicy, env);
  return binding;
}
