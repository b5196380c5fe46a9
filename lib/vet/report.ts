/**
 * What `vetAddin()` reports: one result per rule, and the whole run. The shapes are also the
 * `--json` output of `wsbapp vet` (docs/vet.md, "Machine output"), so change them only with a
 * bump of VET_SCHEMA_VERSION.
 */
import type { RuleGroup, RuleId } from './rules';

/** The version of the report's shape (and of `wsbapp vet --json`). */
export const VET_SCHEMA_VERSION = 1;

/** How one rule ended. `skipped` always carries a `reason`. */
export type Verdict = 'pass' | 'warn' | 'fail' | 'skipped';

/** One thing vet saw while running a rule: a call, what it returned, how long it took. */
export interface Observation {
  /** The COM call (`CheckConsistency`, `QueryStatus`, `QueryInterface(IUnknown)`, ...) or step. */
  readonly call: string;
  /** The component the call concerned, when there was one. */
  readonly component?: string | null;
  /** What the call returned (unsigned), its hex form and symbol. */
  readonly hresult?: number;
  readonly hex?: string;
  readonly symbol?: string | null;
  /** How long the call took, in milliseconds. */
  readonly elapsedMs?: number;
  /** Anything else worth saying, in words. */
  readonly note?: string;
}

/** The verdict of one rule. */
export interface RuleResult {
  /** Stable: `check.in-progress-value`. Branch on this. */
  readonly id: RuleId;
  readonly group: RuleGroup;
  /** What the rule checks, in a few words. */
  readonly title: string;
  readonly verdict: Verdict;
  /** What was found, in one sentence. */
  readonly summary: string;
  readonly observations: readonly Observation[];
  /** For `warn` and `fail`: what to change in the add-in. */
  readonly fix?: string;
  /** For `skipped`: why the rule did not run. */
  readonly reason?: string;
}

/** Where the components vet used came from. */
export type ComponentSource = 'option' | 'metadata' | 'none';

/** The whole run. */
export interface VetReport {
  readonly v: typeof VET_SCHEMA_VERSION;
  /** The application as named (identifier, or the CLSID for an add-in not yet registered). */
  readonly application: string;
  readonly clsid: string | null;
  /** The backend the calls went through: `native`, `native-mock`, `mock`, ... */
  readonly backend: string;
  readonly components: readonly { readonly name: string; readonly logicalPath: string }[];
  readonly componentSource: ComponentSource;
  readonly rules: readonly RuleResult[];
  readonly counts: Readonly<Record<Verdict, number>>;
  /** True when a rule failed, or (with `strict`) warned. */
  readonly failed: boolean;
  readonly strict: boolean;
  readonly elapsedMs: number;
}
