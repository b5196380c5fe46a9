/**
 * Every rule vet runs: its stable id, its group, what it checks, why Windows Server Backup cares
 * and how an add-in author fixes a warn or a fail. The one table of rules: the runner, the
 * reports and docs/vet.md (checked by a test) all follow it, in this order.
 */

export const RULE_GROUPS = ['registration', 'identity', 'check', 'abort', 'lifetime', 'restore'] as const;
export type RuleGroup = (typeof RULE_GROUPS)[number];

/** One rule's description. */
export interface RuleInfo {
  readonly id: string;
  readonly group: RuleGroup;
  readonly title: string;
  /** Why WSB cares, for docs and `--help`. */
  readonly why: string;
  /** What to change when the rule warns or fails. */
  readonly fix: string;
}

const rule = <G extends RuleGroup, N extends string>(group: G, name: N, title: string, why: string, fix: string) => ({
  id: `${group}.${name}` as `${G}.${N}`,
  group,
  title,
  why,
  fix,
});

export const RULES = [
  rule(
    'registration',
    'wsb-values',
    'the WSB key has the right values and types',
    'WSB reads `Application Identifier` and `CLSID` as REG_SZ under its Application Support key; a value of another type or a missing identifier makes WSB ignore the application.',
    'write `Application Identifier` and `CLSID` as REG_SZ values under HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\WindowsServerBackup\\Application Support\\{writer id}',
  ),
  rule(
    'registration',
    'identifier',
    'the Application Identifier is unique and at most 256 characters',
    'WSB shows the identifier to users and ignores a second registration with the same identifier.',
    'choose an identifier of at most 256 characters that no other registered application uses',
  ),
  rule(
    'registration',
    'clsid-registered',
    'the CLSID is a registered COM class',
    'WSB activates the add-in with CoCreateInstance of the CLSID; an unregistered class fails with REGDB_E_CLASSNOTREG and the backup loses application consistency.',
    "register the class under HKCR\\CLSID\\{clsid} (your installer, or the server's /RegServer)",
  ),
  rule(
    'registration',
    'local-server',
    'the class is an out-of-process server whose executable exists',
    "WSB runs add-ins out of process (LocalServer32); an in-process server (InprocServer32) would load into WSB's own service, and a LocalServer32 pointing at a missing file fails with CO_E_SERVER_EXEC_FAILURE.",
    'register the add-in executable under HKCR\\CLSID\\{clsid}\\LocalServer32 (quote a path with spaces) and install the file it names',
  ),
  rule(
    'registration',
    'marshalling',
    'proxy/stub marshalling is registered for each interface the add-in implements',
    'Every call from WSB to an out-of-process add-in goes through a proxy; without HKCR\\Interface\\{iid}\\ProxyStubClsid32 activation and calls fail with E_NOINTERFACE.',
    'register a proxy/stub DLL for the WSB interfaces (built from an IDL of IWsbApplicationBackupSupport, IWsbApplicationRestoreSupport and IWsbApplicationAsync; regsvr32)',
  ),
  rule(
    'identity',
    'activates',
    'the add-in can be activated',
    'WSB activates the add-in once per backup; if that fails, no application-consistent backup is possible.',
    'see the registration rules and the HRESULT: CO_E_SERVER_EXEC_FAILURE means the server did not start or did not register its class factory in time',
  ),
  rule(
    'identity',
    'iunknown',
    'QueryInterface(IUnknown) succeeds',
    'COM itself asks every object for IUnknown (marshalling, identity checks).',
    'return S_OK and AddRef for IID_IUnknown in QueryInterface',
  ),
  rule(
    'identity',
    'backup-support',
    'QueryInterface(IWsbApplicationBackupSupport) succeeds',
    'WSB calls CheckConsistency through this interface.',
    'implement IWsbApplicationBackupSupport and return it from QueryInterface',
  ),
  rule(
    'identity',
    'restore-support',
    'QueryInterface(IWsbApplicationRestoreSupport): reported',
    'WSB calls the restore hooks through this optional interface; an add-in without it gets no PreRestore/PostRestore.',
    'implement IWsbApplicationRestoreSupport if the application needs work before or after a restore',
  ),
  rule(
    'identity',
    'qi-rules',
    'QueryInterface is reflexive and symmetric, and IUnknown identity holds',
    "COM's QueryInterface rules: the same object answers for every interface it exposes, and IUnknown is the same pointer from every interface. Proxies and WSB rely on it.",
    'return the same object for every interface (one IUnknown), and answer QueryInterface the same way from every interface pointer',
  ),
  rule(
    'identity',
    'no-interface',
    'QueryInterface of an unknown IID fails with E_NOINTERFACE and a NULL pointer',
    'A caller probes optional interfaces; an add-in that claims an interface it does not implement crashes the caller.',
    'return E_NOINTERFACE and set *ppv to NULL for every IID you do not implement',
  ),
  rule(
    'check',
    'returns-promptly',
    'CheckConsistency returns promptly',
    'WSB waits for CheckConsistency before it can poll; an add-in that does the whole check inside the call blocks the backup (warned past 5 s, failed when it never returns).',
    'start the check on a thread of your own, return S_OK with an IWsbApplicationAsync at once, and report progress through QueryStatus',
  ),
  rule(
    'check',
    'no-object-on-failure',
    'a failed CheckConsistency returns no async object',
    'By COM rules a failing method leaves its out-parameters NULL; a pointer returned with a failure code is never released by the caller and leaks the object (or, across processes, the whole server).',
    'set *ppAsync to NULL (and release what you created) before returning a failure',
  ),
  rule(
    'check',
    'in-progress-value',
    'the in-progress status is WSBAPP_ASYNC_IN_PROGRESS 0x407A0004',
    "WSB is built against the SDK header, which defines WSBAPP_ASYNC_IN_PROGRESS as 0x407A0004. 0x007A0004 (what metadata-generated bindings such as Rust's windows crate carry) risks being taken for a finished check.",
    'return 0x407A0004 exactly while the check runs (if your binding defines WSBAPP_ASYNC_IN_PROGRESS as 0x007A0004, define the constant yourself)',
  ),
  rule(
    'check',
    'success-code',
    'no undocumented success code',
    'The API defines S_OK (done, consistent) and 0x407A0004 (in progress) as the only success codes; any other is undocumented and WSB may read it either way.',
    'return S_OK from CheckConsistency, and S_OK or 0x407A0004 as the status; report a failure with a failure code',
  ),
  rule(
    'check',
    'query-status-answers',
    'QueryStatus answers at once',
    'WSB polls QueryStatus periodically from its backup engine; a QueryStatus that blocks (past 100 ms) or fails stalls or breaks the backup.',
    'answer QueryStatus from state the check thread updates (an atomic or a lock held only briefly), never by waiting for the check',
  ),
  rule(
    'check',
    'completes',
    'the status leaves "in progress" within the timeout',
    'WSB waits for the check to finish before it completes the backup; a check that never finishes holds the backup.',
    'make the check finish (or fail) in bounded time; pass --timeout if it legitimately needs longer',
  ),
  rule(
    'check',
    'final-status-stable',
    'QueryStatus keeps returning the final status',
    'WSB may ask again after completion; a status that changes after the check finished (back to in progress, or to another code) is ambiguous.',
    'keep the final status and return it from every later QueryStatus until Release',
  ),
  rule(
    'check',
    'large-metadata',
    'CheckConsistency accepts writer metadata of real size (1 MiB)',
    'WSB passes the writer metadata XML, which lists every file of the writer and easily exceeds 1 MiB.',
    'do not assume a size limit on the writer metadata; parse it as a stream or copy it whole',
  ),
  rule(
    'check',
    'non-ascii-path',
    'CheckConsistency accepts a non-ASCII logical path',
    'Component names and logical paths are UTF-16 and come from the application; non-ASCII ones are common outside English.',
    'treat names and paths as UTF-16 end to end (no conversion to the ANSI code page)',
  ),
  rule(
    'check',
    'several-volumes',
    'CheckConsistency accepts several volume pairs',
    'A component can span volumes; WSB passes one source/snapshot pair per volume.',
    'read cVolumes pairs from both arrays',
  ),
  rule(
    'check',
    'null-arguments',
    'CheckConsistency accepts a NULL component and logical path',
    'Both arguments are optional in the API: WSB may ask for a check of the whole writer.',
    'handle NULL component name and logical path (check every component)',
  ),
  rule(
    'abort',
    'returns-ok',
    'Abort of a running check returns S_OK',
    'WSB calls Abort when a backup is cancelled; a failing Abort leaves WSB unsure whether the check still runs on the snapshot it is about to delete.',
    'return S_OK from Abort and stop the check (signal the check thread)',
  ),
  rule(
    'abort',
    'status-aborted',
    'after Abort the status becomes a failure (E_ABORT) promptly',
    'WSB polls after Abort to learn that the check stopped; a status still in progress, or a success, says the Abort changed nothing.',
    'once Abort is called, make QueryStatus report E_ABORT within a few seconds',
  ),
  rule(
    'lifetime',
    'concurrent-activations',
    'two activations at once both work',
    'WSB may back up two components (or two applications served by one executable) at the same time.',
    "keep no global state per activation, or register the class factory so that every activation gets a working object (under Wine, E_NOINTERFACE for one of the two is Wine's defect: this rule and lifetime.process-exits are then skipped and say so)",
  ),
  rule(
    'lifetime',
    'no-crash',
    'the add-in process does not die during a call',
    'A crash during a call reaches WSB as RPC_S_CALL_FAILED / RPC_S_SERVER_UNAVAILABLE: the check fails, and so does application-level recovery from that backup.',
    'find the crash from the call named here (the process died while answering it); run the add-in under a debugger',
  ),
  rule(
    'lifetime',
    'process-exits',
    'the server process exits after the last Release',
    'A server that stays alive after its last object was released holds its files and memory until the machine restarts; every backup leaves one more.',
    'exit the server when the last object is released (CoReleaseServerProcess / a reference count on the module) and when no activation comes',
  ),
  rule(
    'restore',
    'roll-forward',
    'IsRollForwardSupported answers',
    'WSB asks before offering a roll-forward restore.',
    'return S_OK and write TRUE or FALSE',
  ),
  rule(
    'restore',
    'order-components',
    'OrderComponents returns NULL or a permutation of exactly the given components',
    'WSB restores components in the returned order; an entry it did not pass, a missing or duplicated one, or a NULL entry breaks the restore.',
    'return NULL for "any order", or two arrays (CoTaskMemAlloc, each string too) holding the given components, each once',
  ),
  rule(
    'restore',
    'pre-restore',
    'PreRestore returns S_OK or WSBAPP_E_COMPONENT_PRE_RESTORE_FAILED',
    'WSB calls PreRestore per component before putting files back; other codes are undocumented for it.',
    'return S_OK, or WSBAPP_E_COMPONENT_PRE_RESTORE_FAILED 0x807A0002 when the component cannot be restored',
  ),
  rule(
    'restore',
    'post-restore',
    'PostRestore returns S_OK or WSBAPP_E_COMPONENT_POST_RESTORE_FAILED',
    'WSB calls PostRestore per component after the files are back; other codes are undocumented for it.',
    'return S_OK, or WSBAPP_E_COMPONENT_POST_RESTORE_FAILED 0x807A0003 when the component cannot be brought back',
  ),
] as const satisfies readonly RuleInfo[];

/** A rule's stable id. */
export type RuleId = (typeof RULES)[number]['id'];

const BY_ID: ReadonlyMap<string, RuleInfo> = new Map(RULES.map((r) => [r.id, r]));

/** The description of `id`. */
export function ruleInfo(id: RuleId): RuleInfo {
  const info = BY_ID.get(id);
  if (info === undefined) throw new Error(`vet: no rule ${id}`);
  return info;
}
