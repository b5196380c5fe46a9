/**
 * What every rule group shares during one vet: the backend and the application, the components,
 * the bounds, the add-in activation the groups reuse, the crashes seen so far, and every object
 * handed out (released before vetAddin() returns, whatever happened).
 */
import { PendingActivation } from '../activation';
import { AddinDisconnectedError } from '../errors';
import type {
  Backend,
  BackendAddin,
  BackendOperation,
  CheckArguments,
  ComponentRef,
  RegisteredApplication,
  VolumePair,
} from '../backends/types';
import { releaseAll, settlesWithin, type Releasable } from '../releases';
import { bounded, type Bounded } from './deadline';
import type { Observation } from './report';
import type { RuleGroup } from './rules';
import { errorText, hresultOfError, seen } from './outcome';
import type { VetSystem } from './system';

/** The bounds of one vet, in milliseconds. */
export interface VetBounds {
  /** The deadline of any one call: past it the call is abandoned and counted as hung. */
  readonly callTimeoutMs: number;
  /** How long the check may stay in progress. */
  readonly checkTimeoutMs: number;
  /** CheckConsistency slower than this warns. */
  readonly promptCheckMs: number;
  /** QueryStatus slower than this fails. */
  readonly queryStatusMs: number;
  /** How long the status may take to become a failure after Abort. */
  readonly abortSettleMs: number;
  /** How long the server process may take to exit after the last Release. */
  readonly processExitMs: number;
}

/** How the first check of a component went: the rules that need a working check look here. */
export type MainCheckOutcome =
  | { readonly kind: 'running' }
  | { readonly kind: 'finished-at-once' }
  | { readonly kind: 'no-async' }
  | { readonly kind: 'failed'; readonly hresult: number | undefined }
  | { readonly kind: 'hung'; readonly call: string }
  | { readonly kind: 'crashed'; readonly call: string };

/** A component as CheckConsistency gets it; `null` name: the NULL-argument call. */
export type CheckTarget = ComponentRef | null;

const SOURCE_VOLUMES = [
  '\\\\?\\Volume{6B29FC40-CA47-1067-B31D-00DD010662DA}\\',
  '\\\\?\\Volume{2E1F3C5A-7D9B-4E60-8A1C-3F5B7D9E1A2C}\\',
  '\\\\?\\Volume{9A8B7C6D-5E4F-4A3B-9C2D-1E0F9A8B7C6D}\\',
];

/** Volume pairs as WSB passes them: `\\?\Volume{GUID}\` and its shadow copy device. */
export function volumePairs(count: number): VolumePair[] {
  return SOURCE_VOLUMES.slice(0, count).map((source, i) => ({
    source,
    snapshot: `\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy${i + 1}\\`,
  }));
}

export class VetContext {
  /** Disconnections seen, by any group: the evidence of lifetime.no-crash. */
  readonly crashes: Observation[] = [];
  readonly mainChecks = new Map<string | null, MainCheckOutcome>();
  /** QueryInterface(IWsbApplicationRestoreSupport) from the identity probe; undefined when unknown. */
  restoreSupported: boolean | undefined;
  /** The WSB interfaces with no proxy/stub registered (names); null when there is no registry to read. */
  unmarshalled: string[] | null = null;
  /**
   * Why Wine, not the add-in, failed an activation (lifetime.concurrent-activations), and so left
   * a server process behind that lifetime.process-exits must not count; null when it did not.
   */
  wineActivationDefect: string | null = null;
  /** The rule group running now (or the set-up and clean-up around them): where `step` says the run is. */
  group: RuleGroup | 'setup' | 'cleanup' = 'setup';
  private session: Promise<Bounded<BackendAddin>> | undefined;
  private readonly owned = new Set<Releasable>();

  constructor(
    readonly backend: Backend,
    readonly app: RegisteredApplication,
    readonly components: readonly ComponentRef[],
    readonly writerMetadata: string | null,
    readonly bounds: VetBounds,
    readonly system: VetSystem | null,
    private readonly onStep: ((where: string) => void) | undefined = undefined,
  ) {}

  /** Say where the run is: the group, then the call it waits on (`check: QueryStatus [db]`). */
  step(call: string, component?: string | null): void {
    this.onStep?.(`${this.group}: ${call}${component == null ? '' : ` [${component}]`}`);
  }

  /** The components a check runs on: the given ones, or one NULL-component check when none were given. */
  checkTargets(): CheckTarget[] {
    return this.components.length > 0 ? [...this.components] : [null];
  }

  /** The realistic CheckConsistency arguments for `target`: its name and path, the metadata, one volume pair. */
  checkArguments(target: CheckTarget, changes: Partial<CheckArguments> = {}): CheckArguments {
    return {
      writerMetadata: this.writerMetadata,
      component: target?.name ?? null,
      logicalPath: target?.logicalPath ?? null,
      volumes: volumePairs(1),
      ...changes,
    };
  }

  /** A fresh activation, bounded; its add-in is owned (released at the end unless released before). */
  async activate(): Promise<Bounded<BackendAddin>> {
    let activation: PendingActivation | undefined;
    this.step('activation');
    const activated = await bounded(() => (activation = new PendingActivation(this.backend, this.app)).addin, this.bounds.callTimeoutMs);
    if (activated.kind === 'value') this.own(activated.value);
    if (activated.kind === 'timeout') activation?.giveUp();
    return activated;
  }

  /** The activation the groups share; a new one after a crash or a hang took the last one down. */
  shared(): Promise<Bounded<BackendAddin>> {
    this.session ??= this.activate();
    return this.session;
  }

  /** The shared add-in is unusable (its process died or a call on it hung): the next group activates anew. */
  dropShared(): void {
    const session = this.session;
    this.session = undefined;
    void session?.then((activated) => (activated.kind === 'value' ? this.release(activated.value) : undefined));
  }

  own<T extends Releasable>(object: T): T {
    this.owned.add(object);
    return object;
  }

  /**
   * Release `object` now, once; settles when its Release has returned (tracked by
   * waitForReleases()), or after the call timeout: a hung Release never ends the run unseen.
   */
  async release(object: Releasable | null | undefined): Promise<void> {
    if (!object || !this.owned.delete(object)) return;
    this.step('Release');
    await settlesWithin(releaseAll([object]), this.bounds.callTimeoutMs);
  }

  /** Release every object still owned (the end of the run); settles when their Releases returned. */
  releaseAll(): Promise<void> {
    const owned = [...this.owned];
    this.owned.clear();
    this.session = undefined;
    this.step(`Release of ${owned.length} object(s)`);
    return releaseAll(owned);
  }

  /**
   * A call on the add-in, bounded by the call deadline. A disconnection is recorded as a crash
   * (and drops the shared add-in), as is a hang.
   */
  async call<T>(
    call: string,
    component: string | null | undefined,
    start: () => Promise<T>,
    deadlineMs = this.bounds.callTimeoutMs,
  ): Promise<Bounded<T>> {
    this.step(call, component);
    const outcome = await bounded(start, deadlineMs);
    if (outcome.kind === 'error' && outcome.error instanceof AddinDisconnectedError) {
      this.crashes.push(seen(call, outcome.error.hresult, outcome.elapsedMs, { component, note: errorText(outcome.error) }));
      this.dropShared();
    }
    if (outcome.kind === 'timeout') this.dropShared();
    return outcome;
  }

  /** Release an operation: Abort first when it may still run (as WSB does when it gives up), bounded. */
  async finish(operation: BackendOperation | null, abortFirst: boolean): Promise<void> {
    if (operation === null) return;
    if (abortFirst) {
      this.step('Abort');
      await bounded(() => operation.abort(), this.bounds.callTimeoutMs);
    }
    await this.release(operation);
  }
}

/** True when `outcome` failed because the add-in process died. */
export function crashed(outcome: Bounded<unknown>): boolean {
  return outcome.kind === 'error' && outcome.error instanceof AddinDisconnectedError;
}

/** The skip reason for a rule whose call died with the add-in. */
export function crashReason(call: string): string {
  return `the add-in process died during ${call} (see lifetime.no-crash)`;
}

/** The observation of a call that ended in an error. */
export function errorSeen(call: string, component: string | null | undefined, outcome: Bounded<unknown> & { kind: 'error' }): Observation {
  return seen(call, hresultOfError(outcome.error), outcome.elapsedMs, { component, note: errorText(outcome.error) });
}
