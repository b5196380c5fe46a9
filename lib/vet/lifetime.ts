/**
 * Lifetime rules: two activations at once, no crash during any call vet made, and the server
 * process going away after the last Release.
 */
import { HRESULT } from '../hresult';
import { serverExecutable } from '../machine/registry';
import { crashReason, type VetContext } from './context';
import { pause } from './deadline';
import { errorText, fail, hresultOfError, pass, seen, skip } from './outcome';
import type { RuleResult } from './report';
import { noSystemReason } from './system';

const PROCESS_POLL_MS = 250;

/**
 * One activation worked, two at once got E_NOINTERFACE: under Wine 8 that is its rpcss, which can
 * hand the server one client launched to the other and then fail the launcher (docs/real-com.md,
 * "Findings"). Windows pairs each client with the server it launched.
 */
const WINE_CONCURRENT_ACTIVATION =
  "two activations at once got E_NOINTERFACE under Wine, whose rpcss can give one client the server another launched (a defect of Wine 8's COM, not of the add-in; Windows pairs them)";

/** Two activations at once, each with a check of its own component; both must answer. */
export async function concurrentActivations(ctx: VetContext): Promise<RuleResult> {
  const id = 'lifetime.concurrent-activations';
  const targets = ctx.checkTargets();
  const pair = [targets[0], targets[1] ?? targets[0]];
  const unusable = pair.find((t) => !['running', 'finished-at-once', 'no-async'].includes(ctx.mainChecks.get(t?.name ?? null)?.kind ?? ''));
  if (unusable !== undefined)
    return skip(id, `the check of ${JSON.stringify(unusable?.name ?? null)} does not work with one activation (see the check rules)`);
  const crashesBefore = ctx.crashes.length;
  let noInterface = false;
  const runs = await Promise.all(
    pair.map(async (target) => {
      const activated = await ctx.activate();
      if (activated.kind === 'error' && hresultOfError(activated.error) === HRESULT.E_NOINTERFACE) noInterface = true;
      if (activated.kind !== 'value')
        return activated.kind === 'timeout'
          ? `activation did not finish within ${activated.elapsedMs} ms`
          : `activation failed: ${errorText(activated.error)}`;
      const addin = activated.value;
      const started = await ctx.call('CheckConsistency', target?.name, () => addin.checkConsistency(ctx.checkArguments(target)));
      const operation = started.kind === 'value' && started.value !== null ? ctx.own(started.value) : null;
      const polled = operation === null ? undefined : await ctx.call('QueryStatus', target?.name, () => operation.queryStatus());
      await ctx.finish(operation, true);
      await ctx.release(addin);
      if (started.kind === 'timeout' || polled?.kind === 'timeout') return 'a call did not answer in time';
      if (started.kind === 'error') return `CheckConsistency failed: ${errorText(started.error)}`;
      if (polled?.kind === 'error') return `QueryStatus failed: ${errorText(polled.error)}`;
      return null;
    }),
  );
  if (ctx.crashes.length > crashesBefore) return skip(id, crashReason(ctx.crashes[crashesBefore].call));
  if (noInterface && (await ctx.system?.registry.isWine())) {
    ctx.wineActivationDefect = WINE_CONCURRENT_ACTIVATION;
    return skip(id, WINE_CONCURRENT_ACTIVATION);
  }
  const problems = runs.filter((p): p is string => p !== null);
  const names = pair.map((t) => JSON.stringify(t?.name ?? null)).join(' and ');
  return problems.length === 0
    ? pass(id, `two activations checked ${names} at the same time`)
    : fail(id, `with two activations at once: ${problems.join('; ')}`);
}

/** Every disconnection any rule saw. Run last. */
export function noCrash(ctx: VetContext): RuleResult {
  if (ctx.crashes.length === 0) return pass('lifetime.no-crash', 'no call saw the add-in process die');
  const calls = [...new Set(ctx.crashes.map((c) => c.call))].join(', ');
  return fail(
    'lifetime.no-crash',
    `the add-in process died during ${calls} (${ctx.crashes.length} call(s) saw it disconnected)`,
    ctx.crashes,
  );
}

/** The server executable and how many copies ran before vet activated anything. */
export interface ProcessBaseline {
  readonly executable: string;
  readonly before: number;
}

/** Count the add-in's server processes before the first activation; null when that cannot be known. */
export async function processBaseline(ctx: VetContext): Promise<ProcessBaseline | string> {
  const system = ctx.system;
  if (system === null) return noSystemReason(ctx.backend);
  const registration = ctx.app.clsid === null ? null : await system.registry.classRegistration(ctx.app.clsid);
  if (registration?.kind !== 'LocalServer32') return 'the add-in has no LocalServer32: vet cannot tell which process serves it';
  const executable = serverExecutable(registration.command, system.env);
  const before = await system.processes.count(executable);
  return before === null ? 'the process list could not be read (tasklist.exe)' : { executable, before };
}

/** After every object was released: the server processes are back to the count before vet. */
export async function processExits(ctx: VetContext, baseline: ProcessBaseline | string): Promise<RuleResult> {
  const id = 'lifetime.process-exits';
  if (typeof baseline === 'string' || ctx.system === null)
    return skip(id, typeof baseline === 'string' ? baseline : noSystemReason(ctx.backend));
  if (ctx.wineActivationDefect !== null)
    return skip(id, `the server launched for the activation Wine failed may still wait for one: ${ctx.wineActivationDefect}`);
  const { processes } = ctx.system;
  const startedAt = performance.now();
  const elapsed = () => Math.round(performance.now() - startedAt);
  let now = await processes.count(baseline.executable);
  while ((now === null || now > baseline.before) && elapsed() < ctx.bounds.processExitMs) {
    await pause(PROCESS_POLL_MS);
    now = await processes.count(baseline.executable);
  }
  const observed = [
    seen('Release', HRESULT.S_OK, elapsed(), {
      note: `${baseline.executable}: ${baseline.before} process(es) before vet, ${now ?? 'unknown'} after`,
    }),
  ];
  if (now !== null && now <= baseline.before)
    return pass(id, `the server process exited within ${elapsed()} ms of the last Release`, observed);
  return fail(
    id,
    `${now ?? 'some'} ${baseline.executable} process(es) still ran ${ctx.bounds.processExitMs} ms after the last Release (${baseline.before} before vet)`,
    observed,
  );
}
