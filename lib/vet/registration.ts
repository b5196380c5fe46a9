/**
 * Registration rules: what Windows Server Backup reads from the registry before it activates
 * the add-in. Read only; behind the mocks, skipped.
 */
import { WSB_INTERFACES, WSB_KEY, serverExecutable } from '../machine/registry';
import { NO_WRITER_ID } from '../applications';
import type { VetContext } from './context';
import { fail, pass, skipAll, warn } from './outcome';
import type { RuleResult } from './report';
import type { VetSystem } from './system';
import { noSystemReason } from './system';

const MAX_IDENTIFIER = 256;

async function wsbValues(ctx: VetContext, system: VetSystem): Promise<RuleResult[]> {
  const { writerId, identifier } = ctx.app;
  const key = await system.registry.applicationKey(writerId);
  if (key === null) {
    const missing = fail('registration.wsb-values', `${WSB_KEY}\\${writerId} does not exist`);
    return [missing, fail('registration.identifier', 'the application is not registered with WSB')];
  }
  const wrong = ['Application Identifier', 'CLSID'].flatMap((name) => {
    const value = key.values.find((v) => v.name.toLowerCase() === name.toLowerCase());
    if (value === undefined) return name === 'CLSID' ? [`${name} is missing (WSB then activates no add-in)`] : [`${name} is missing`];
    return value.type === 'REG_SZ' ? [] : [`${name} is ${value.type}, not REG_SZ`];
  });
  const values =
    wrong.length === 0
      ? pass('registration.wsb-values', 'Application Identifier and CLSID are REG_SZ')
      : fail('registration.wsb-values', wrong.join('; '));
  const others = ((await system.registry.wsbApplications()) ?? []).filter((a) => a.writerId !== writerId && a.identifier === identifier);
  const problems = [
    ...(identifier.length > MAX_IDENTIFIER ? [`it is ${identifier.length} characters long (at most ${MAX_IDENTIFIER})`] : []),
    ...others.map((a) => `application ${a.writerId} uses it too`),
  ];
  const named =
    problems.length === 0
      ? pass('registration.identifier', `${JSON.stringify(identifier)} is unique and ${identifier.length} characters long`)
      : fail('registration.identifier', `Application Identifier ${JSON.stringify(identifier)}: ${problems.join('; ')}`);
  return [values, named];
}

async function classRules(ctx: VetContext, system: VetSystem): Promise<RuleResult[]> {
  const clsid = ctx.app.clsid ?? '';
  const registration = await system.registry.classRegistration(clsid);
  if (registration === null) {
    return [
      fail('registration.clsid-registered', `${clsid} is not registered (no HKCR\\CLSID\\${clsid}\\LocalServer32 or InprocServer32)`),
      ...skipAll(['registration.local-server'], 'the class is not registered'),
    ];
  }
  const registered = pass('registration.clsid-registered', `${clsid} is registered (${registration.kind})`);
  if (registration.kind === 'InprocServer32') {
    return [
      registered,
      warn(
        'registration.local-server',
        `${clsid} is registered in process only (InprocServer32 ${registration.command}); WSB expects an out-of-process server`,
      ),
    ];
  }
  const executable = serverExecutable(registration.command, system.env);
  const server = system.fileExists(executable)
    ? pass('registration.local-server', `LocalServer32 ${executable} exists`)
    : fail('registration.local-server', `LocalServer32 names ${executable}, which does not exist`);
  return [registered, server];
}

/** The WSB interfaces without proxy/stub registration, read before the first activation; null without a registry. */
export async function readMarshalling(ctx: VetContext): Promise<void> {
  ctx.unmarshalled = ctx.system === null ? null : (await ctx.system.registry.unmarshalledInterfaces()).map((i) => i.name);
}

/** The interfaces whose marshalling the add-in needs: restore support only if it has it (or may). */
function marshalling(ctx: VetContext): RuleResult {
  const needed = WSB_INTERFACES.filter((i) => i.name !== 'IWsbApplicationRestoreSupport' || ctx.restoreSupported !== false);
  const missing = needed.filter((i) => ctx.unmarshalled?.includes(i.name));
  if (missing.length === 0) return pass('registration.marshalling', `proxy/stub registered for ${needed.map((i) => i.name).join(', ')}`);
  return fail('registration.marshalling', `no proxy/stub registered for ${missing.map((i) => `${i.name} ${i.iid}`).join(', ')}`);
}

/** The registration rules. Run after the identity rules, which learn whether restore support exists. */
export async function registrationRules(ctx: VetContext): Promise<RuleResult[]> {
  const system = ctx.system;
  if (system === null)
    return skipAll(
      [
        'registration.wsb-values',
        'registration.identifier',
        'registration.clsid-registered',
        'registration.local-server',
        'registration.marshalling',
      ],
      noSystemReason(ctx.backend),
    );
  const wsb =
    ctx.app.writerId === NO_WRITER_ID
      ? skipAll(
          ['registration.wsb-values', 'registration.identifier'],
          'the add-in was named by --clsid: it is not registered with WSB yet',
        )
      : await wsbValues(ctx, system);
  return [...wsb, ...(await classRules(ctx, system)), marshalling(ctx)];
}
