/**
 * Identity rules: the add-in activates, and its QueryInterface follows COM's rules. The
 * QueryInterface probes need real vtables (the native backends); the TypeScript mock has none.
 */
import { HRESULT } from '../hresult';
import type { IdentityProbe } from '../backends/types';
import { crashed, crashReason, errorSeen, type VetContext } from './context';
import { codeText, errorText, fail, hresultOfError, pass, seen, skipAll } from './outcome';
import type { RuleResult } from './report';
import type { RuleId } from './rules';

const PROBE_RULES: readonly RuleId[] = [
  'identity.iunknown',
  'identity.backup-support',
  'identity.restore-support',
  'identity.qi-rules',
  'identity.no-interface',
];

const queried = (rule: RuleId, name: string, hresult: number): RuleResult =>
  hresult === HRESULT.S_OK
    ? pass(rule, `QueryInterface(${name}) returned S_OK`, [seen(`QueryInterface(${name})`, hresult)])
    : fail(rule, `QueryInterface(${name}) returned ${codeText(hresult)}`, [seen(`QueryInterface(${name})`, hresult)]);

function qiRules(probe: IdentityProbe): RuleResult {
  const broken = [
    ...(probe.reflexive ? [] : ['not reflexive (the backup interface asked for itself gives another object)']),
    ...(probe.symmetric ? [] : ['not symmetric (the backup interface is not reachable from the restore interface)']),
    ...(probe.sameUnknown ? [] : ['IUnknown differs between interfaces (no single identity)']),
  ];
  return broken.length === 0
    ? pass('identity.qi-rules', 'reflexive, symmetric, one IUnknown')
    : fail('identity.qi-rules', `QueryInterface is ${broken.join('; ')}`);
}

function noInterface(probe: IdentityProbe): RuleResult {
  const observed = [
    seen('QueryInterface(random IID)', probe.unknownIid, undefined, probe.unknownIidPointer ? { note: 'wrote a non-NULL pointer' } : {}),
  ];
  if (probe.unknownIid === HRESULT.E_NOINTERFACE && !probe.unknownIidPointer)
    return pass('identity.no-interface', 'E_NOINTERFACE and a NULL pointer', observed);
  const what = probe.unknownIidPointer ? `${codeText(probe.unknownIid)} with a non-NULL pointer` : codeText(probe.unknownIid);
  return fail('identity.no-interface', `QueryInterface of an unknown IID returned ${what}`, observed);
}

function fromProbe(probe: IdentityProbe): RuleResult[] {
  const restore =
    probe.restore === HRESULT.S_OK
      ? pass('identity.restore-support', 'the add-in implements IWsbApplicationRestoreSupport')
      : pass(
          'identity.restore-support',
          `the add-in does not implement IWsbApplicationRestoreSupport (${codeText(probe.restore)}): the restore rules are skipped`,
          [seen('QueryInterface(IWsbApplicationRestoreSupport)', probe.restore)],
        );
  return [
    queried('identity.iunknown', 'IUnknown', probe.unknown),
    queried('identity.backup-support', 'IWsbApplicationBackupSupport', probe.backup),
    restore,
    qiRules(probe),
    noInterface(probe),
  ];
}

export async function identityRules(ctx: VetContext): Promise<RuleResult[]> {
  const activated = await ctx.shared();
  if (activated.kind === 'timeout') {
    return [
      fail('identity.activates', `activation did not finish within ${activated.elapsedMs} ms`),
      ...skipAll(PROBE_RULES, 'the add-in could not be activated'),
    ];
  }
  if (activated.kind === 'error') {
    if (hresultOfError(activated.error) === HRESULT.E_NOINTERFACE && ctx.unmarshalled !== null && ctx.unmarshalled.length > 0) {
      return skipAll(
        ['identity.activates', ...PROBE_RULES],
        'activation fails with E_NOINTERFACE because proxy/stub marshalling is missing (see registration.marshalling)',
      );
    }
    return [
      fail('identity.activates', `activation failed: ${errorText(activated.error)}`, [errorSeen('Activate', null, activated)]),
      ...skipAll(PROBE_RULES, 'the add-in could not be activated'),
    ];
  }
  const activates = pass('identity.activates', `activated in ${activated.elapsedMs} ms`, [
    seen('Activate', HRESULT.S_OK, activated.elapsedMs),
  ]);
  const probes = activated.value.probes;
  if (probes === undefined)
    return [activates, ...skipAll(PROBE_RULES, `the ${ctx.backend.name} backend has no COM objects to probe (the native backends have)`)];
  const probe = await ctx.call('QueryInterface', null, () => probes.identity());
  if (probe.kind === 'timeout')
    return [
      activates,
      fail('identity.iunknown', `QueryInterface did not answer within ${probe.elapsedMs} ms`),
      ...skipAll(PROBE_RULES.slice(1), 'QueryInterface hung'),
    ];
  if (probe.kind === 'error') {
    if (crashed(probe)) return [activates, ...skipAll(PROBE_RULES, crashReason('QueryInterface'))];
    return [
      activates,
      fail('identity.iunknown', `QueryInterface failed: ${errorText(probe.error)}`),
      ...skipAll(PROBE_RULES.slice(1), 'QueryInterface failed'),
    ];
  }
  ctx.restoreSupported = probe.value.restore === HRESULT.S_OK;
  return [activates, ...fromProbe(probe.value)];
}
