/**
 * `vetAddin()`: run every rule against one add-in, the way Windows Server Backup uses it, and
 * report each as pass / warn / fail / skipped. Safe by default: no restore method without
 * `restore: true`, nothing written to the registry, a deadline on every call, every object
 * released before it returns.
 */
import { findApplication, parseSelector, type ApplicationSelector, type BackendOptions } from '../applications';
import { backendFor } from '../backends/default';
import type { BackendChoice } from '../backends/select';
import type { ComponentRef } from '../backends/types';
import { DEFAULT_RELEASE_TIMEOUT_MS, settlesWithin } from '../releases';
import { rejectUnknownKeys } from '../strict';
import {
  optionalFunction,
  optionalString,
  requireBoolean,
  requireComponents,
  requireDuration,
  requireObject,
  MAX_WRITER_METADATA_UNITS,
} from '../validate';
import { abortRules } from './abort';
import { checkRules } from './check';
import { VetContext, type VetBounds } from './context';
import { identityRules } from './identity';
import { concurrentActivations, noCrash, processBaseline, processExits } from './lifetime';
import { componentsOf } from './metadata';
import { readMarshalling, registrationRules } from './registration';
import { VET_SCHEMA_VERSION, type ComponentSource, type RuleResult, type Verdict, type VetReport } from './report';
import { restoreRules } from './restore';
import { RULES, type RuleGroup } from './rules';
import { defaultSystem, type VetSystem } from './system';

/** Options of {@link vetAddin}. Durations in milliseconds. */
export interface VetOptions extends BackendOptions {
  /** The components to check (and to order); default: those the `writerMetadata` declares. */
  readonly components?: readonly ComponentRef[];
  /** The writer metadata XML passed to CheckConsistency (and the source of components). */
  readonly writerMetadata?: string;
  /** How long a check may stay in progress (default 60 s). */
  readonly timeout?: number;
  /** The deadline of any one call; past it the call counts as hung (default 30 s). */
  readonly callTimeout?: number;
  /** Also run the restore rules (IsRollForwardSupported, OrderComponents; default false). */
  readonly restore?: boolean;
  /** With `restore`: the component PreRestore and PostRestore may be called on. */
  readonly safeComponent?: string;
  /** Warnings fail the run too. */
  readonly strict?: boolean;
  /** Registry and process list to read (default: this machine with real COM on Windows, none for the mocks). */
  readonly system?: VetSystem | null;
  /** Called with each rule's result as soon as it is known (in report order per group). */
  readonly onRule?: (result: RuleResult) => void;
  /**
   * Called with where the run is before each call it waits on, as text (`check: QueryStatus [db]`,
   * `abort: Abort`): what a caller shows when a run stops.
   */
  readonly onStep?: (where: string) => void;
}

export const DEFAULT_VET_TIMEOUT_MS = 60_000;
export const DEFAULT_VET_CALL_TIMEOUT_MS = 30_000;
/** The bounds the issue of every WSB add-in sets, independent of the author's options. */
const FIXED_BOUNDS = { promptCheckMs: 5_000, queryStatusMs: 100, abortSettleMs: 5_000, processExitMs: 5_000 } as const;

const OPTION_KEYS = [
  'backend',
  'components',
  'writerMetadata',
  'timeout',
  'callTimeout',
  'restore',
  'safeComponent',
  'strict',
  'system',
  'onRule',
  'onStep',
];

interface Settings {
  readonly backend: BackendChoice | undefined;
  readonly components: ComponentRef[];
  readonly componentSource: ComponentSource;
  readonly writerMetadata: string | null;
  readonly bounds: VetBounds;
  readonly restore: boolean;
  readonly safeComponent: string | undefined;
  readonly strict: boolean;
  readonly system: VetSystem | null | undefined;
  readonly onRule: ((result: RuleResult) => void) | undefined;
  readonly onStep: ((where: string) => void) | undefined;
}

function settingsOf(raw: unknown): Settings {
  const options = raw === undefined ? {} : requireObject(raw, 'options');
  rejectUnknownKeys(options, OPTION_KEYS, 'option');
  const writerMetadata = optionalString(options.writerMetadata, 'options.writerMetadata', MAX_WRITER_METADATA_UNITS);
  const given = options.components === undefined ? undefined : requireComponents(options.components, 'options.components');
  const declared = given === undefined && writerMetadata !== null ? componentsOf(writerMetadata) : [];
  const components = given ?? declared;
  const componentSource: ComponentSource = given !== undefined ? 'option' : declared.length > 0 ? 'metadata' : 'none';
  const duration = (key: string, fallback: number) =>
    options[key] === undefined ? fallback : requireDuration(options[key], `options.${key}`);
  const flag = (key: string) => (options[key] === undefined ? false : requireBoolean(options[key], `options.${key}`));
  const system = options.system;
  if (system !== undefined && system !== null && typeof system !== 'object')
    throw new TypeError(`options.system must be an object or null, got ${typeof system}`);
  return {
    backend: options.backend as BackendChoice | undefined,
    components,
    componentSource,
    writerMetadata,
    bounds: {
      ...FIXED_BOUNDS,
      checkTimeoutMs: duration('timeout', DEFAULT_VET_TIMEOUT_MS),
      callTimeoutMs: duration('callTimeout', DEFAULT_VET_CALL_TIMEOUT_MS),
    },
    restore: flag('restore'),
    safeComponent: optionalString(options.safeComponent, 'options.safeComponent') ?? undefined,
    strict: flag('strict'),
    system: system as VetSystem | null | undefined,
    onRule: optionalFunction<(result: RuleResult) => void>(options.onRule, 'options.onRule'),
    onStep: optionalFunction<(where: string) => void>(options.onStep, 'options.onStep'),
  };
}

const ORDER = new Map<string, number>(RULES.map((r, i) => [r.id, i]));

/** Run every group; the context releases what they leave. */
async function runGroups(ctx: VetContext, settings: Settings): Promise<RuleResult[]> {
  ctx.step('reading the process list and the marshalling registration');
  const baseline = await processBaseline(ctx);
  await readMarshalling(ctx);
  const results: RuleResult[] = [];
  const add = async (group: RuleGroup, rules: (ctx: VetContext) => Promise<RuleResult[]>) => {
    ctx.group = group;
    const found = await rules(ctx);
    results.push(...found);
    found.forEach((r) => settings.onRule?.(r));
  };
  try {
    await add('identity', identityRules);
    await add('registration', registrationRules);
    await add('check', checkRules);
    await add('abort', abortRules);
    await add('lifetime', async () => [await concurrentActivations(ctx)]);
    await add('restore', () => restoreRules(ctx, settings.restore, settings.safeComponent));
  } finally {
    ctx.group = 'cleanup';
    // Bounded: a hung add-in cannot hold vet; its Releases go on, and the process-exit rule sees it.
    await settlesWithin(ctx.releaseAll(), DEFAULT_RELEASE_TIMEOUT_MS);
  }
  await add('lifetime', async () => {
    ctx.step('waiting for the add-in processes to exit');
    return [noCrash(ctx), await processExits(ctx, baseline)];
  });
  return results.sort((a, b) => (ORDER.get(a.id) ?? 0) - (ORDER.get(b.id) ?? 0));
}

/**
 * Vet one add-in: every rule of docs/vet.md, against the add-in `target` names (an application
 * selector, or `{ clsid }` for an add-in not registered with WSB yet).
 * @throws TypeError/RangeError for bad options; NotRegisteredError when `target` names nothing
 */
export async function vetAddin(target: ApplicationSelector, options?: VetOptions): Promise<VetReport> {
  const selector = parseSelector(target, 'target');
  const settings = settingsOf(options);
  const backend = backendFor(settings.backend);
  const app = await findApplication(backend, selector);
  const system = settings.system === undefined ? defaultSystem(backend) : settings.system;
  const startedAt = performance.now();
  const ctx = new VetContext(backend, app, settings.components, settings.writerMetadata, settings.bounds, system, settings.onStep);
  const rules = await runGroups(ctx, settings);
  const counts: Record<Verdict, number> = { pass: 0, warn: 0, fail: 0, skipped: 0 };
  for (const rule of rules) counts[rule.verdict] += 1;
  return {
    v: VET_SCHEMA_VERSION,
    application: app.identifier,
    clsid: app.clsid,
    backend: backend.name,
    components: settings.components,
    componentSource: settings.componentSource,
    rules,
    counts,
    failed: counts.fail > 0 || (settings.strict && counts.warn > 0),
    strict: settings.strict,
    elapsedMs: Math.round(performance.now() - startedAt),
  };
}
