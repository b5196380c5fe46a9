/**
 * Restore rules: only with `restore: true`, since the calls may change the application's state;
 * PreRestore and PostRestore only on the component the author names as safe.
 */
import { InterfaceNotAvailableError } from '../errors';
import { HRESULT } from '../hresult';
import type { BackendAddin, ComponentRef } from '../backends/types';
import { crashReason, errorSeen, type VetContext } from './context';
import type { Bounded } from './deadline';
import { codeText, errorText, fail, hresultOfError, pass, seen, skip, skipAll } from './outcome';
import type { RuleResult } from './report';
import type { RuleId } from './rules';

const RESTORE_RULES: readonly RuleId[] = [
  'restore.roll-forward',
  'restore.order-components',
  'restore.pre-restore',
  'restore.post-restore',
];

/** The verdict of a call whose error ends the rule: skipped after a crash, else a fail. */
function failedCall(
  ctx: VetContext,
  id: RuleId,
  call: string,
  outcome: Bounded<unknown> & { kind: 'error' | 'timeout' },
  component: string | null = null,
): RuleResult {
  if (outcome.kind === 'timeout') return fail(id, `${call} did not return within ${outcome.elapsedMs} ms`);
  if (ctx.crashes.some((c) => c.call === call)) return skip(id, crashReason(call));
  return fail(id, `${call} failed: ${errorText(outcome.error)}`, [errorSeen(call, component, outcome)]);
}

const key = (c: ComponentRef): string => JSON.stringify([c.name, c.logicalPath]);

/** What is wrong with `order` as an answer for `given`: nothing when it holds each component exactly once. */
export function orderProblems(given: readonly ComponentRef[], order: readonly ComponentRef[]): string[] {
  const wanted = new Map<string, number>();
  for (const c of given) wanted.set(key(c), (wanted.get(key(c)) ?? 0) + 1);
  const problems: string[] = [];
  for (const c of order) {
    const left = wanted.get(key(c));
    if (left === undefined) problems.push(`${key(c)} was not given`);
    else if (left === 0) problems.push(`${key(c)} appears more than once`);
    else wanted.set(key(c), left - 1);
  }
  for (const [k, left] of wanted) if (left > 0) problems.push(`${k} is missing`);
  return problems;
}

async function orderComponents(ctx: VetContext, addin: BackendAddin): Promise<RuleResult> {
  const id = 'restore.order-components';
  const given = ctx.components;
  if (given.length === 0) return skip(id, 'no components given (--component or --metadata)');
  const answer = await ctx.call('OrderComponents', null, () => addin.orderComponents(given));
  if (answer.kind !== 'value') return failedCall(ctx, id, 'OrderComponents', answer);
  if (answer.value === null)
    return pass(id, 'OrderComponents returned NULL ("any order")', [seen('OrderComponents', HRESULT.S_OK, answer.elapsedMs)]);
  const problems = orderProblems(given, answer.value);
  const observed = [seen('OrderComponents', HRESULT.S_OK, answer.elapsedMs, { note: `returned ${answer.value.map(key).join(', ')}` })];
  return problems.length === 0
    ? pass(id, `OrderComponents returned a permutation of the ${given.length} components`, observed)
    : fail(id, `OrderComponents returned a list that is not a permutation of the given components: ${problems.join('; ')}`, observed);
}

async function restoreHook(
  ctx: VetContext,
  addin: BackendAddin,
  id: RuleId,
  call: 'PreRestore' | 'PostRestore',
  documented: number,
  safe: ComponentRef,
): Promise<RuleResult> {
  const args = { writerMetadata: ctx.writerMetadata, component: safe.name, logicalPath: safe.logicalPath, noRollForward: false };
  const answer = await ctx.call(call, safe.name, () => (call === 'PreRestore' ? addin.preRestore(args) : addin.postRestore(args)));
  if (answer.kind === 'value')
    return pass(id, `${call} returned S_OK`, [seen(call, HRESULT.S_OK, answer.elapsedMs, { component: safe.name })]);
  if (answer.kind === 'error' && hresultOfError(answer.error) === documented)
    return pass(id, `${call} returned the documented ${codeText(documented)}`, [errorSeen(call, safe.name, answer)]);
  return failedCall(ctx, id, call, answer, safe.name);
}

export async function restoreRules(ctx: VetContext, enabled: boolean, safeComponent: string | undefined): Promise<RuleResult[]> {
  if (!enabled)
    return skipAll(RESTORE_RULES, 'the restore methods may change the application: run with --restore (restore: true) to include them');
  if (ctx.restoreSupported === false)
    return skipAll(RESTORE_RULES, 'the add-in does not implement IWsbApplicationRestoreSupport (see identity.restore-support)');
  const activated = await ctx.shared();
  if (activated.kind !== 'value') return skipAll(RESTORE_RULES, 'the add-in could not be activated');
  const addin = activated.value;
  const roll = await ctx.call('IsRollForwardSupported', null, () => addin.isRollForwardSupported());
  if (roll.kind === 'error' && roll.error instanceof InterfaceNotAvailableError)
    return skipAll(RESTORE_RULES, 'the add-in does not implement IWsbApplicationRestoreSupport');
  const rollForward =
    roll.kind === 'value'
      ? pass('restore.roll-forward', `IsRollForwardSupported wrote ${roll.value ? 'TRUE' : 'FALSE'}`, [
          seen('IsRollForwardSupported', HRESULT.S_OK, roll.elapsedMs),
        ])
      : failedCall(ctx, 'restore.roll-forward', 'IsRollForwardSupported', roll);
  const again = await ctx.shared();
  const order =
    again.kind === 'value'
      ? await orderComponents(ctx, again.value)
      : skip('restore.order-components', 'the add-in could not be activated again');
  const safe = ctx.components.find((c) => c.name === safeComponent);
  if (safe === undefined) {
    const reason =
      safeComponent === undefined
        ? 'name a component that is safe to restore with --safe-component to include PreRestore and PostRestore'
        : `the safe component ${JSON.stringify(safeComponent)} is not one of the components given`;
    return [rollForward, order, ...skipAll(['restore.pre-restore', 'restore.post-restore'], reason)];
  }
  const hooks: RuleResult[] = [];
  for (const [id, call, documented] of [
    ['restore.pre-restore', 'PreRestore', HRESULT.WSBAPP_E_COMPONENT_PRE_RESTORE_FAILED],
    ['restore.post-restore', 'PostRestore', HRESULT.WSBAPP_E_COMPONENT_POST_RESTORE_FAILED],
  ] as const) {
    const current = await ctx.shared();
    hooks.push(
      current.kind === 'value'
        ? await restoreHook(ctx, current.value, id, call, documented, safe)
        : skip(id, 'the add-in could not be activated again'),
    );
  }
  return [rollForward, order, ...hooks];
}
