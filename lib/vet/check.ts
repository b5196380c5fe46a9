/**
 * Check rules: CheckConsistency and QueryStatus as Windows Server Backup drives them after the
 * shadow copies exist. One full check per component (merged per rule), then the argument
 * variants WSB may pass, each on the first component whose check works.
 */
import { counted } from '../counted';
import { HRESULT, isFailure, isInProgress } from '../hresult';
import type { BackendAddin, BackendOperation, CheckArguments } from '../backends/types';
import { crashReason, errorSeen, volumePairs, type CheckTarget, type MainCheckOutcome, type VetContext } from './context';
import { pause, type Bounded } from './deadline';
import { largeMetadata } from './metadata';
import { codeText, errorText, fail, hresultOfError, mergeByRule, pass, seen, skip, skipAll, warn } from './outcome';
import type { Observation, RuleResult } from './report';
import type { RuleId } from './rules';

const STATUS_RULES: readonly RuleId[] = [
  'check.in-progress-value',
  'check.success-code',
  'check.query-status-answers',
  'check.completes',
  'check.final-status-stable',
];
const VARIANT_RULES: readonly RuleId[] = ['check.large-metadata', 'check.non-ascii-path', 'check.several-volumes', 'check.null-arguments'];
/** Later polls wait longer, up to this (WSB polls every few seconds; vet wants an answer sooner). */
const MAX_POLL_INTERVAL_MS = 1000;
const FIRST_POLL_INTERVAL_MS = 50;
/** The logical path of the non-ASCII variant: accents, CJK and a character outside the BMP. */
const NON_ASCII_PATH = 'Données\\データベース\\𝄞';

/** CheckConsistency's answer, the same shape whether or not the backend has the raw probe. */
interface Started {
  readonly operation: BackendOperation | null;
  /** The call's own code when the backend reports it (raw probe), else S_OK. */
  readonly call: number;
  /** A failure came with an object: true/false from the raw probe, undefined without it. */
  readonly strayObject: boolean | undefined;
}

/** One CheckConsistency, through the raw probe when the backend has it; the operation is owned. */
async function startCheck(ctx: VetContext, addin: BackendAddin, args: CheckArguments): Promise<Bounded<Started>> {
  const probes = addin.probes;
  const outcome = await ctx.call('CheckConsistency', args.component, async (): Promise<Started> => {
    if (probes === undefined) return { operation: await addin.checkConsistency(args), call: HRESULT.S_OK, strayObject: undefined };
    const raw = await probes.checkConsistencyRaw(args);
    return { operation: raw.operation, call: raw.call, strayObject: raw.strayObject };
  });
  if (outcome.kind === 'value' && outcome.value.operation !== null) ctx.own(outcome.value.operation);
  return outcome;
}

function returnsPromptly(ctx: VetContext, outcome: Bounded<Started>, component: string | null): RuleResult {
  if (outcome.kind === 'timeout')
    return fail('check.returns-promptly', `CheckConsistency did not return within ${outcome.elapsedMs} ms`, [
      seen('CheckConsistency', undefined, outcome.elapsedMs, { component }),
    ]);
  const observed = [
    outcome.kind === 'error'
      ? errorSeen('CheckConsistency', component, outcome)
      : seen('CheckConsistency', outcome.value.call, outcome.elapsedMs, { component }),
  ];
  if (outcome.elapsedMs > ctx.bounds.promptCheckMs) {
    return warn(
      'check.returns-promptly',
      `CheckConsistency took ${outcome.elapsedMs} ms to return (more than ${ctx.bounds.promptCheckMs} ms): it seems to run the check inside the call`,
      observed,
    );
  }
  return pass('check.returns-promptly', `CheckConsistency returned in ${outcome.elapsedMs} ms`, observed);
}

function noObjectOnFailure(outcome: Bounded<Started>, component: string | null): RuleResult {
  if (outcome.kind !== 'value' || !isFailure(outcome.value.call)) {
    return skip(
      'check.no-object-on-failure',
      outcome.kind === 'error'
        ? 'the backend cannot tell whether the failed call returned an object (the native backends can)'
        : 'CheckConsistency did not fail',
    );
  }
  const observed = [seen('CheckConsistency', outcome.value.call, outcome.elapsedMs, { component })];
  return outcome.value.strayObject
    ? fail(
        'check.no-object-on-failure',
        `CheckConsistency returned ${codeText(outcome.value.call)} and an async object (vet released it)`,
        observed,
      )
    : pass('check.no-object-on-failure', `CheckConsistency returned ${codeText(outcome.value.call)} and no object`, observed);
}

/** What polling saw. */
interface Polled {
  readonly statuses: Set<number>;
  readonly slow: Observation[];
  readonly polls: number;
  readonly maxMs: number;
  /** How it ended: a final status, the timeout, a hung or failed QueryStatus. */
  readonly end:
    | { kind: 'final'; status: number }
    | { kind: 'timeout' }
    | { kind: 'hung'; elapsedMs: number }
    | { kind: 'error'; outcome: Bounded<unknown> & { kind: 'error' } };
}

async function poll(ctx: VetContext, operation: BackendOperation, component: string | null): Promise<Polled> {
  const statuses = new Set<number>();
  const slow: Observation[] = [];
  const startedAt = performance.now();
  let polls = 0;
  let maxMs = 0;
  for (let interval = FIRST_POLL_INTERVAL_MS; ; interval = Math.min(interval * 1.5, MAX_POLL_INTERVAL_MS)) {
    const answer = await ctx.call('QueryStatus', component, () => operation.queryStatus());
    polls += 1;
    if (answer.kind === 'timeout') return { statuses, slow, polls, maxMs, end: { kind: 'hung', elapsedMs: answer.elapsedMs } };
    if (answer.kind === 'error') return { statuses, slow, polls, maxMs, end: { kind: 'error', outcome: answer } };
    maxMs = Math.max(maxMs, answer.elapsedMs);
    if (answer.elapsedMs > ctx.bounds.queryStatusMs) slow.push(seen('QueryStatus', answer.value.status, answer.elapsedMs, { component }));
    statuses.add(answer.value.status);
    if (!isInProgress(answer.value.status)) return { statuses, slow, polls, maxMs, end: { kind: 'final', status: answer.value.status } };
    if (performance.now() - startedAt > ctx.bounds.checkTimeoutMs) return { statuses, slow, polls, maxMs, end: { kind: 'timeout' } };
    await pause(interval);
  }
}

function inProgressValue(polled: Polled): RuleResult {
  const observed = [...polled.statuses].filter(isInProgress).map((s) => seen('QueryStatus', s));
  if (polled.statuses.has(HRESULT.WSBAPP_ASYNC_IN_PROGRESS_METADATA)) {
    return warn(
      'check.in-progress-value',
      'the in-progress status was 0x007A0004, not 0x407A0004: WSB compares with 0x407A0004 and may take the running check for finished',
      observed,
    );
  }
  const other = [...polled.statuses].find((s) => isInProgress(s) && s !== HRESULT.WSBAPP_ASYNC_IN_PROGRESS);
  if (other !== undefined)
    return warn('check.in-progress-value', `the in-progress status was ${codeText(other)}, not 0x407A0004`, observed);
  if (observed.length === 0)
    return skip('check.in-progress-value', 'the check was final at the first QueryStatus: no in-progress status to compare');
  return pass('check.in-progress-value', 'the in-progress status was 0x407A0004', observed);
}

function successCode(started: Started, polled: Polled, component: string | null): RuleResult {
  if (started.call !== HRESULT.S_OK)
    return fail('check.success-code', `CheckConsistency returned the undocumented success code ${codeText(started.call)}`, [
      seen('CheckConsistency', started.call, undefined, { component }),
    ]);
  if (polled.end.kind !== 'final') return skip('check.success-code', 'the check reached no final status');
  const final = polled.end.status;
  if (isFailure(final) || final === HRESULT.S_OK)
    return pass('check.success-code', `the final status was ${codeText(final)}`, [seen('QueryStatus', final, undefined, { component })]);
  return fail('check.success-code', `the final status was the undocumented success code ${codeText(final)}`, [
    seen('QueryStatus', final, undefined, { component }),
  ]);
}

function queryStatusAnswers(ctx: VetContext, polled: Polled, component: string | null): RuleResult {
  const { end } = polled;
  if (end.kind === 'hung')
    return fail('check.query-status-answers', `QueryStatus did not answer within ${end.elapsedMs} ms`, [
      seen('QueryStatus', undefined, end.elapsedMs, { component }),
    ]);
  if (end.kind === 'error') {
    if (ctx.crashes.some((c) => c.call === 'QueryStatus')) return skip('check.query-status-answers', crashReason('QueryStatus'));
    return fail('check.query-status-answers', `QueryStatus failed: ${errorText(end.outcome.error)}`, [
      errorSeen('QueryStatus', component, end.outcome),
    ]);
  }
  if (polled.slow.length > 0) {
    return fail(
      'check.query-status-answers',
      `QueryStatus took up to ${polled.maxMs} ms to answer (the bound is ${ctx.bounds.queryStatusMs} ms): it blocks`,
      polled.slow,
    );
  }
  return pass('check.query-status-answers', `${polled.polls} QueryStatus calls, each answered within ${polled.maxMs} ms`);
}

function completes(ctx: VetContext, polled: Polled): RuleResult {
  if (polled.end.kind === 'final') return pass('check.completes', `the check finished after ${polled.polls} polls`);
  if (polled.end.kind === 'timeout')
    return fail(
      'check.completes',
      `the check was still in progress after ${ctx.bounds.checkTimeoutMs} ms (${counted(polled.polls, 'poll')})`,
    );
  return skip('check.completes', 'QueryStatus did not answer (see check.query-status-answers)');
}

async function finalStable(ctx: VetContext, operation: BackendOperation, polled: Polled, component: string | null): Promise<RuleResult> {
  if (polled.end.kind !== 'final') return skip('check.final-status-stable', 'the check reached no final status');
  const final = polled.end.status;
  const again: Observation[] = [];
  for (let i = 0; i < 2; i += 1) {
    const answer = await ctx.call('QueryStatus', component, () => operation.queryStatus());
    if (answer.kind === 'timeout')
      return fail('check.final-status-stable', `QueryStatus after completion did not answer within ${answer.elapsedMs} ms`);
    if (answer.kind === 'error')
      return fail('check.final-status-stable', `QueryStatus after completion failed: ${errorText(answer.error)}`, [
        errorSeen('QueryStatus', component, answer),
      ]);
    again.push(seen('QueryStatus', answer.value.status, answer.elapsedMs, { component }));
    if (answer.value.status !== final)
      return fail(
        'check.final-status-stable',
        `after the final status ${codeText(final)} QueryStatus returned ${codeText(answer.value.status)}`,
        again,
      );
  }
  return pass('check.final-status-stable', `QueryStatus kept returning ${codeText(final)}`, again);
}

/** How a polled check ended, for the groups that need a working check. */
function outcomeOfPolling(ctx: VetContext, polled: Polled): MainCheckOutcome {
  const { end } = polled;
  if (end.kind === 'hung') return { kind: 'hung', call: 'QueryStatus' };
  if (end.kind === 'error')
    return ctx.crashes.some((c) => c.call === 'QueryStatus')
      ? { kind: 'crashed', call: 'QueryStatus' }
      : { kind: 'failed', hresult: hresultOfError(end.outcome.error) };
  return [...polled.statuses].some(isInProgress) ? { kind: 'running' } : { kind: 'finished-at-once' };
}

/** One full check of `target` on `addin`: the status rules, and the outcome the other groups read. */
async function checkOne(ctx: VetContext, addin: BackendAddin, target: CheckTarget): Promise<RuleResult[]> {
  const component = target?.name ?? null;
  const started = await startCheck(ctx, addin, ctx.checkArguments(target));
  const first = [returnsPromptly(ctx, started, component), noObjectOnFailure(started, component)];
  if (started.kind === 'timeout') {
    ctx.mainChecks.set(component, { kind: 'hung', call: 'CheckConsistency' });
    return [...first, ...skipAll(STATUS_RULES, 'CheckConsistency did not return (see check.returns-promptly)')];
  }
  if (started.kind === 'error' || isFailure(started.value.call)) {
    const hresult = started.kind === 'error' ? hresultOfError(started.error) : started.value.call;
    const crash = started.kind === 'error' && ctx.crashes.some((c) => c.call === 'CheckConsistency');
    ctx.mainChecks.set(component, crash ? { kind: 'crashed', call: 'CheckConsistency' } : { kind: 'failed', hresult });
    const why = crash
      ? crashReason('CheckConsistency')
      : `CheckConsistency failed with ${hresult === undefined ? errorText(started.kind === 'error' ? started.error : '') : codeText(hresult)}: nothing to poll`;
    return [...first, ...skipAll(STATUS_RULES, why)];
  }
  const operation = started.value.operation;
  if (operation === null) {
    ctx.mainChecks.set(component, { kind: 'no-async' });
    const noCheck = skipAll(
      STATUS_RULES.filter((id) => id !== 'check.success-code'),
      'CheckConsistency returned S_OK and no async object ("no check needed"): nothing to poll',
    );
    return [
      ...first,
      successCode(
        started.value,
        { statuses: new Set(), slow: [], polls: 0, maxMs: 0, end: { kind: 'final', status: HRESULT.S_OK } },
        component,
      ),
      ...noCheck,
    ];
  }
  const polled = await poll(ctx, operation, component);
  const stable = await finalStable(ctx, operation, polled, component);
  await ctx.finish(operation, polled.end.kind !== 'final');
  ctx.mainChecks.set(component, outcomeOfPolling(ctx, polled));
  return [
    ...first,
    inProgressValue(polled),
    successCode(started.value, polled, component),
    queryStatusAnswers(ctx, polled, component),
    completes(ctx, polled),
    stable,
  ];
}

/** One argument variant: it passes when CheckConsistency takes the arguments and returns. */
async function variant(ctx: VetContext, addin: BackendAddin, id: RuleId, what: string, args: CheckArguments): Promise<RuleResult> {
  const started = await startCheck(ctx, addin, args);
  if (started.kind === 'timeout') return fail(id, `CheckConsistency with ${what} did not return within ${started.elapsedMs} ms`);
  if (started.kind === 'error') {
    if (ctx.crashes.some((c) => c.call === 'CheckConsistency')) return skip(id, crashReason('CheckConsistency'));
    return warn(id, `CheckConsistency refused ${what}: ${errorText(started.error)}`, [
      errorSeen('CheckConsistency', args.component, started),
    ]);
  }
  await ctx.finish(started.value.operation, true);
  if (isFailure(started.value.call))
    return warn(id, `CheckConsistency refused ${what}: ${codeText(started.value.call)}`, [
      seen('CheckConsistency', started.value.call, started.elapsedMs),
    ]);
  return pass(id, `CheckConsistency took ${what} (${started.elapsedMs} ms)`, [
    seen('CheckConsistency', started.value.call, started.elapsedMs, { component: args.component }),
  ]);
}

async function variants(ctx: VetContext): Promise<RuleResult[]> {
  const usable = ctx
    .checkTargets()
    .find((t) => ['running', 'finished-at-once', 'no-async'].includes(ctx.mainChecks.get(t?.name ?? null)?.kind ?? ''));
  if (usable === undefined) return skipAll(VARIANT_RULES, "no component's CheckConsistency worked with ordinary arguments");
  const base = ctx.checkArguments(usable);
  const metadata = largeMetadata(ctx.writerMetadata, ctx.checkTargets());
  const results: RuleResult[] = [];
  const cases: [RuleId, string, CheckArguments][] = [
    ['check.large-metadata', `writer metadata of ${metadata.length} UTF-16 units`, { ...base, writerMetadata: metadata }],
    ['check.non-ascii-path', `the logical path ${JSON.stringify(NON_ASCII_PATH)}`, { ...base, logicalPath: NON_ASCII_PATH }],
    ['check.several-volumes', '3 volume pairs', { ...base, volumes: volumePairs(3) }],
    ['check.null-arguments', 'a NULL component and logical path', { ...base, component: null, logicalPath: null }],
  ];
  for (const [id, what, args] of cases) {
    // A variant that killed or hung the add-in leaves the next one a fresh activation.
    const current = await ctx.shared();
    results.push(
      current.kind === 'value' ? await variant(ctx, current.value, id, what, args) : skip(id, 'the add-in could not be activated again'),
    );
  }
  return results;
}

export async function checkRules(ctx: VetContext): Promise<RuleResult[]> {
  const perComponent: RuleResult[][] = [];
  for (const target of ctx.checkTargets()) {
    const activated = await ctx.shared();
    if (activated.kind !== 'value')
      return skipAll(
        [...STATUS_RULES, 'check.returns-promptly', 'check.no-object-on-failure', ...VARIANT_RULES],
        'the add-in could not be activated (see identity.activates)',
      );
    perComponent.push(await checkOne(ctx, activated.value, target));
  }
  return [...mergeByRule(perComponent), ...(await variants(ctx))];
}
