/**
 * Rule results and the words they share: how a verdict is built, how an HRESULT or a timing
 * becomes an observation, and how results of the same rule for several components merge.
 */
import { WsbError } from '../errors';
import { decode } from '../hresult';
import type { Observation, RuleResult, Verdict } from './report';
import { ruleInfo, type RuleId } from './rules';

/** An observation of a call that returned `hresult`. */
export function seen(call: string, hresult: number | undefined, elapsedMs?: number, extra: Partial<Observation> = {}): Observation {
  const code =
    hresult === undefined ? {} : { hresult: decode(hresult).hresult, hex: decode(hresult).hex, symbol: decode(hresult).symbol ?? null };
  return { call, ...code, ...(elapsedMs === undefined ? {} : { elapsedMs }), ...extra };
}

/** The HRESULT an error carries, when it is a WsbError. */
export function hresultOfError(error: unknown): number | undefined {
  return error instanceof WsbError ? error.hresult : undefined;
}

/** `0x80004005 E_FAIL`. */
export function codeText(hresult: number): string {
  const d = decode(hresult);
  return d.symbol ? `${d.hex} ${d.symbol}` : d.hex;
}

/** What went wrong in words: the code of a WsbError, or the error's message. */
export function errorText(error: unknown): string {
  if (error instanceof WsbError) return codeText(error.hresult);
  return error instanceof Error ? error.message : String(error);
}

function make(
  id: RuleId,
  verdict: Verdict,
  summary: string,
  observations: readonly Observation[],
  extra: { fix?: string; reason?: string },
): RuleResult {
  const info = ruleInfo(id);
  return { id, group: info.group, title: info.title, verdict, summary, observations, ...extra };
}

export const pass = (id: RuleId, summary: string, observations: readonly Observation[] = []): RuleResult =>
  make(id, 'pass', summary, observations, {});

export const warn = (id: RuleId, summary: string, observations: readonly Observation[] = [], fix = ruleInfo(id).fix): RuleResult =>
  make(id, 'warn', summary, observations, { fix });

export const fail = (id: RuleId, summary: string, observations: readonly Observation[] = [], fix = ruleInfo(id).fix): RuleResult =>
  make(id, 'fail', summary, observations, { fix });

export const skip = (id: RuleId, reason: string): RuleResult => make(id, 'skipped', `skipped: ${reason}`, [], { reason });

/** Every rule of `ids` skipped for the same reason. */
export function skipAll(ids: readonly RuleId[], reason: string): RuleResult[] {
  return ids.map((id) => skip(id, reason));
}

const SEVERITY: Record<Verdict, number> = { skipped: 0, pass: 1, warn: 2, fail: 3 };

/**
 * One result per rule from the results of several components: the worst verdict decides (its
 * summary, fix and reason), every component's observations are kept.
 */
export function mergeByRule(perComponent: readonly (readonly RuleResult[])[]): RuleResult[] {
  const merged = new Map<RuleId, RuleResult>();
  for (const results of perComponent) {
    for (const result of results) {
      const before = merged.get(result.id);
      if (before === undefined) {
        merged.set(result.id, result);
        continue;
      }
      const worst = SEVERITY[result.verdict] > SEVERITY[before.verdict] ? result : before;
      merged.set(result.id, { ...worst, observations: [...before.observations, ...result.observations] });
    }
  }
  return [...merged.values()];
}
