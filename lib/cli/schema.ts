/**
 * The `--json` output, as types: one JSON object per line (NDJSON), each with the schema version
 * `v` and a `type`. The CLI writes its lines through these types, so they describe what it prints
 * (docs/cli.md, "Machine output"). Version 1 only ever gains fields; removing or retyping one
 * means bumping NDJSON_SCHEMA_VERSION.
 */
import type {
  CheckOutcome,
  ComponentRef,
  ListedWriter,
  RegisteredApplication,
  SnapshotPhase,
  SnapshotReport,
  StatusEvent,
  StatusState,
} from '../index';
import type { ExitCodeValue } from './exit-codes';
import type { RegistrationFacts } from './registration';
import type { RuleResult, VetReport } from '../vet/report';

/** The version every line carries as `v`. */
export const NDJSON_SCHEMA_VERSION = 1;

/** An HRESULT as the lines give it: unsigned, hex, and the symbol when known. */
export interface HresultFields {
  readonly hresult: number;
  readonly hex: string;
  readonly symbol: string | null;
}

/** `status`: one per QueryStatus of a check. */
export type StatusFields = StatusEvent;

/** `warning`: something the add-in did that works but is wrong (e.g. `IN_PROGRESS_METADATA_VALUE`). */
export interface WarningFields {
  readonly code: string;
  readonly message: string;
}

/** `application`: one per registered application, from `wsbapp list`. */
export type ApplicationFields = RegisteredApplication & RegistrationFacts;

/** `diagnosis`: one per finding of `wsbapp doctor`. */
export interface DiagnosisFields {
  /** Stable: `windows`, `elevated`, `wsb-key`, `marshalling:<interface>`, `addin:<writer id>`. */
  readonly id: string;
  readonly ok: boolean;
  readonly summary: string;
  readonly hint: string | null;
}

/** The verdict of `wsbapp check` (exit 0 or 1). */
export interface CheckResultFields extends HresultFields {
  readonly command: 'check';
  readonly app: string;
  readonly component: string | null;
  readonly outcome: CheckOutcome | 'failed';
  readonly undocumented: boolean;
  readonly polls: number;
  readonly elapsedMs: number;
  /** With --snapshot: what was snapshotted and how the backup ended (docs/on-demand.md); else absent. */
  readonly snapshot?: SnapshotReport;
}

/** `wsbapp restore pre|post`: `ok`, or `failed` with the HRESULT the add-in refused with. */
export type RestoreHookResultFields = {
  readonly command: 'restore pre' | 'restore post';
  readonly app: string;
  readonly component: string | null;
} & ({ readonly outcome: 'ok' } | ({ readonly outcome: 'failed' } & HresultFields));

/** `wsbapp restore order`: the order, or null for "any order". */
export interface OrderResultFields {
  readonly command: 'restore order';
  readonly app: string;
  readonly order: readonly ComponentRef[] | null;
}

export interface RollForwardResultFields {
  readonly command: 'restore roll-forward';
  readonly app: string;
  readonly supported: boolean;
}

export interface ListResultFields {
  readonly command: 'list';
  readonly count: number;
}

/** `writer`: one per VSS writer of `wsbapp writers`. */
export type WriterFields = ListedWriter;

/** `wsbapp writers`: how many writers VSS reported, and how many have a WSB add-in (an application with a CLSID). */
export interface WritersResultFields {
  readonly command: 'writers';
  readonly count: number;
  readonly withAddin: number;
}

export interface DoctorResultFields {
  readonly command: 'doctor';
  readonly outcome: 'ok' | 'problems';
  readonly problems: number;
}

/** `wsbapp explain`: the HRESULT taken apart. */
export interface ExplainResultFields extends HresultFields {
  readonly command: 'explain';
  /** The value's other names in Windows' headers, e.g. ERROR_ACCESS_DENIED beside E_ACCESSDENIED. */
  readonly aliases: readonly string[];
  readonly signed: number;
  readonly state: StatusState;
  readonly inProgress: boolean;
  readonly failed: boolean;
  readonly severityBits: number;
  readonly facility: number;
  readonly facilityName: string;
  readonly code: number;
  readonly win32Error: number | null;
  readonly meaning: string | null;
  /** Windows' own message for the code (FormatMessage), on Windows; null elsewhere or when there is none. */
  readonly systemMessage: string | null;
  readonly explanation: string;
}

/** `rule`: one per rule of `wsbapp vet`, as it ends (docs/vet.md). */
export type RuleFields = RuleResult;

/** `wsbapp vet`: the report without its rules (they were printed as `rule` lines). */
export type VetResultFields = { readonly command: 'vet'; readonly outcome: 'passed' | 'failed' } & Omit<VetReport, 'v' | 'rules'>;

/** What a `result` line carries besides `exitCode`, by command. */
export type ResultBody =
  | CheckResultFields
  | RestoreHookResultFields
  | OrderResultFields
  | RollForwardResultFields
  | ListResultFields
  | WritersResultFields
  | DoctorResultFields
  | ExplainResultFields
  | VetResultFields;

/** `result`: the last line of a run that reached a verdict (exit 0, or 1 for a failed check or refused restore). */
export type ResultFields = ResultBody & { readonly exitCode: ExitCodeValue };

/** `error`: the last line of any other run. Fields that do not apply are null. */
export interface ErrorFields {
  /** The error's code (`ERR_WSB_TIMEOUT`, `ERR_INVALID_ARG_VALUE`, ...); `ERR_INTERNAL` for a bug in wsbapp. */
  readonly code: string;
  readonly message: string;
  /** The HRESULT of a failed WSB call or stop. */
  readonly hresult: number | null;
  readonly hex: string | null;
  readonly symbol: string | null;
  /** The COM call (`PreRestore`, `QueryStatus`, ...) or library step (`LoadBackend`). */
  readonly call: string | null;
  /** The application and component the command was run on, as given. */
  readonly app: string | null;
  readonly component: string | null;
  /** A stopped check (timeout, interrupt): QueryStatus calls made. */
  readonly polls: number | null;
  /** A stopped check: the last status QueryStatus reported, null when none arrived. */
  readonly lastStatus: HresultFields | null;
  /** A stopped check: milliseconds from the start to the stop. */
  readonly elapsedMs: number | null;
  /** A stopped check: whether Abort reached the add-in and returned. */
  readonly abortDelivered: boolean | null;
  /** A stopped check: what Abort returned, when it returned. */
  readonly abortHresult: HresultFields | null;
  /** A check on a snapshot: the phase a VSS failure came from (`prepare`, ...). */
  readonly phase: SnapshotPhase | null;
  /** A check on a snapshot: what was snapshotted before the failure, and how it was cleaned up. */
  readonly snapshot: SnapshotReport | null;
  readonly exitCode: ExitCodeValue;
}

/** `phase`: a check on a snapshot entered a phase (writers, prepare, snapshot, check, complete). */
export interface PhaseFields {
  readonly phase: SnapshotPhase;
  /** Milliseconds since the command started. */
  readonly elapsedMs: number;
}

/** The fields of each line type. */
export interface LineFields {
  readonly status: StatusFields;
  readonly warning: WarningFields;
  readonly application: ApplicationFields;
  readonly writer: WriterFields;
  readonly diagnosis: DiagnosisFields;
  readonly rule: RuleFields;
  readonly phase: PhaseFields;
  readonly result: ResultFields;
  readonly error: ErrorFields;
}

/** The kinds of line a run prints. Every run ends with exactly one `result` or one `error`. */
export type LineType = keyof LineFields;

/** One line as parsed: `{ v: 1, type, ...fields }`. */
export type NdjsonLine = { [T in LineType]: { readonly v: typeof NDJSON_SCHEMA_VERSION; readonly type: T } & LineFields[T] }[LineType];
