/**
 * Abort rules: a backup cancelled while the check runs. A fresh check of the first component
 * whose check stays in progress, Abort, then QueryStatus until the status is final.
 */
import { HRESULT, isFailure, isInProgress } from '../hresult';
import type { BackendOperation } from '../backends/types';
import { crashReason, errorSeen, type VetContext } from './context';
import { pause } from './deadline';
import { codeText, errorText, fail, pass, seen, skip, skipAll, warn } from './outcome';
import type { RuleResult } from './report';

const ABORT_RULES = ['abort.returns-ok', 'abort.status-aborted'] as const;
const POLL_MS = 50;

async function afterAbort(ctx: VetContext, operation: BackendOperation, component: string | null): Promise<RuleResult> {
  const deadline = performance.now() + ctx.bounds.abortSettleMs;
  for (;;) {
    const answer = await ctx.call('QueryStatus', component, () => operation.queryStatus());
    if (answer.kind === 'timeout')
      return fail('abort.status-aborted', `QueryStatus after Abort did not answer within ${answer.elapsedMs} ms`);
    if (answer.kind === 'error') {
      if (ctx.crashes.some((c) => c.call === 'QueryStatus')) return skip('abort.status-aborted', crashReason('QueryStatus after Abort'));
      return fail('abort.status-aborted', `QueryStatus after Abort failed: ${errorText(answer.error)}`, [
        errorSeen('QueryStatus', component, answer),
      ]);
    }
    const status = answer.value.status;
    const observed = [seen('QueryStatus', status, answer.elapsedMs, { component })];
    if (status === HRESULT.E_ABORT) return pass('abort.status-aborted', 'after Abort the status became E_ABORT', observed);
    if (isFailure(status))
      return warn(
        'abort.status-aborted',
        `after Abort the status became ${codeText(status)} (E_ABORT expected)`,
        observed,
        'report E_ABORT 0x80004004 as the status of an aborted check',
      );
    if (!isInProgress(status))
      return fail(
        'abort.status-aborted',
        `after Abort the check reported ${codeText(status)}, a success: the Abort changed nothing`,
        observed,
      );
    if (performance.now() > deadline)
      return fail('abort.status-aborted', `the check was still in progress ${ctx.bounds.abortSettleMs} ms after Abort`, observed);
    await pause(POLL_MS);
  }
}

export async function abortRules(ctx: VetContext): Promise<RuleResult[]> {
  const targets = ctx.checkTargets();
  const target = targets.find((t) => ctx.mainChecks.get(t?.name ?? null)?.kind === 'running');
  if (target === undefined) {
    const crash = targets.map((t) => ctx.mainChecks.get(t?.name ?? null)).find((o) => o?.kind === 'crashed');
    return skipAll(
      ABORT_RULES,
      crash?.kind === 'crashed' ? crashReason(crash.call) : "no component's check stayed in progress long enough to abort",
    );
  }
  const component = target?.name ?? null;
  const activated = await ctx.shared();
  if (activated.kind !== 'value') return skipAll(ABORT_RULES, 'the add-in could not be activated again');
  const started = await ctx.call('CheckConsistency', component, () => activated.value.checkConsistency(ctx.checkArguments(target)));
  if (started.kind !== 'value' || started.value === null) return skipAll(ABORT_RULES, 'the second CheckConsistency did not start a check');
  const operation = ctx.own(started.value);
  try {
    const first = await ctx.call('QueryStatus', component, () => operation.queryStatus());
    if (first.kind !== 'value' || !isInProgress(first.value.status))
      return skipAll(ABORT_RULES, 'the second check was not in progress at its first QueryStatus');
    const aborted = await ctx.call('Abort', component, () => operation.abort());
    if (aborted.kind === 'timeout')
      return [
        fail('abort.returns-ok', `Abort did not return within ${aborted.elapsedMs} ms`),
        skip('abort.status-aborted', 'Abort did not return'),
      ];
    if (aborted.kind === 'error')
      return skipAll(
        ABORT_RULES,
        ctx.crashes.some((c) => c.call === 'Abort') ? crashReason('Abort') : `Abort could not be called: ${errorText(aborted.error)}`,
      );
    const returned = aborted.value;
    const observed = [seen('Abort', returned, aborted.elapsedMs, { component })];
    const verdict =
      returned === HRESULT.S_OK
        ? pass('abort.returns-ok', 'Abort returned S_OK', observed)
        : isFailure(returned)
          ? fail('abort.returns-ok', `Abort returned ${codeText(returned)}`, observed)
          : warn('abort.returns-ok', `Abort returned the undocumented success code ${codeText(returned)}`, observed);
    return [verdict, await afterAbort(ctx, operation, component)];
  } finally {
    await ctx.release(operation);
  }
}
