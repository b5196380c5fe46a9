/**
 * wsbapp: drive Windows Server Backup application add-ins from Node.js.
 *
 * The public surface, and nothing else. See README.md for a tour.
 * @packageDocumentation
 */
export { listApplications, type ApplicationSelector, type BackendOptions, type ListOptions } from './applications';
export { DEFAULT_CALL_TIMEOUTS, type CallOptions } from './deadline';
export { waitForReleases, DEFAULT_RELEASE_TIMEOUT_MS, type ReleaseWait, type CloseOptions } from './releases';
export { checkConsistency, startConsistencyCheck, type ConsistencyCheckRequest, type CheckOptions, type StartOptions } from './consistency';
export { ConsistencyCheck, type CheckOutcome, type CheckResult } from './check';
export {
  RestoreSession,
  openRestoreSession,
  preRestore,
  postRestore,
  orderComponents,
  isRollForwardSupported,
  type RestoreRequest,
  type RestoreOptions,
} from './restore';
export {
  DEFAULT_INTERVAL_MS,
  DEFAULT_MAX_INTERVAL_MS,
  DEFAULT_BACKOFF,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_ABORT_TIMEOUT_MS,
  type PollOptions,
  type StatusesOptions,
} from './options';
export type { StatusEvent, AbortOutcome } from './poll';
export {
  DIAGNOSTICS_CHANNELS,
  type CheckStartMessage,
  type CheckStatusMessage,
  type CheckAbortMessage,
  type CheckReleaseMessage,
  type CheckEndMessage,
  type CallStartMessage,
  type CallEndMessage,
} from './diagnostics';
export {
  HRESULT,
  Facility,
  decode,
  explain,
  classifyStatus,
  isInProgress,
  isFailure,
  isDisconnection,
  fromWin32,
  toHex,
  toSigned,
  toUnsigned,
  knownHresults,
  hresultOf,
  symbolsOf,
  parseHresult,
  type DecodedHresult,
  type KnownHresult,
  type WsbHresultSymbol,
  type StatusState,
} from './hresult';
export {
  WsbError,
  OperationFailedError,
  CheckFailedError,
  RestoreFailedError,
  AddinCallError,
  AddinDisconnectedError,
  InterfaceNotAvailableError,
  AddinProtocolError,
  AccessDeniedError,
  NotRegisteredError,
  CheckStoppedError,
  TimeoutError,
  AbortedError,
  UnsupportedPlatformError,
  VssError,
  VssUnavailableError,
  VssNotFoundError,
  ReleasedError,
  ScenarioError,
  errorForCall,
  statusNotWrittenError,
  type WsbCall,
  type WsbErrorDetails,
  type ScenarioErrorDetails,
} from './errors';
export type { InputError, InputErrorCode } from './input-errors';
export { selectBackend, defaultBackendName, BACKEND_NAMES, type BackendName, type BackendChoice } from './backends/select';
export { getDefaultBackend, setDefaultBackend } from './backends/default';
export { createMockBackend, type MockBackend, type MockCall } from './backends/mock';
export {
  createNativeBackend,
  createNativeMockBackend,
  type NativeBackendOptions,
  type NativeMockBackendOptions,
  type NativeMockBackend,
} from './backends/native';
export { nativeBindingPath } from './backends/load';
export { demoScenario } from './backends/demo';
export type { SnapshotCheckRequest, SnapshotCheckResult, SnapshotCheckOptions } from './vss/on-demand';
export {
  SNAPSHOT_PHASES,
  type SnapshotPhase,
  type SnapshotReport,
  type SnapshotVolume,
  type SnapshotCleanup,
  type VssCallRecord,
} from './vss/report';
export {
  VSS_CALLS,
  WRITER_STATES,
  type VssCall,
  type VssRequester,
  type VssSession,
  type Writer,
  type WriterComponent,
  type WriterState,
  type WriterStatus,
  type WriterStateName,
} from './vss/types';
export { createVssMock, type VssMock, type VssMockState } from './vss/mock';
export { listWriters, LIST_WRITERS_TIMEOUT_MS, type ListedWriter, type ListedComponent, type ListWritersOptions } from './vss/writers';
export type { VssScenario, VssWriterScenario, VssCallScenario } from './vss/scenario';
export {
  normalizeScenario,
  loadScenarioFile,
  MOCK_CLSID,
  type Scenario,
  type ApplicationScenario,
  type ComponentScenario,
  type StatusStep,
  type HresultLike,
  type Hang,
  type NormalizedScenario,
  type NormalizedApplication,
  type NormalizedComponent,
  type NormalizedStep,
  type NormalizedAnswer,
} from './backends/scenario';
export type {
  Backend,
  BackendAddin,
  BackendOperation,
  RegisteredApplication,
  VolumePair,
  CheckArguments,
  RestoreArguments,
  ComponentRef,
  StatusReply,
  AddinProbes,
  IdentityProbe,
  RawCheckResult,
} from './backends/types';
export { vetAddin, DEFAULT_VET_TIMEOUT_MS, DEFAULT_VET_CALL_TIMEOUT_MS, type VetOptions } from './vet/run';
export { VET_SCHEMA_VERSION, type VetReport, type RuleResult, type Verdict, type Observation, type ComponentSource } from './vet/report';
export { RULES, RULE_GROUPS, type RuleId, type RuleGroup, type RuleInfo } from './vet/rules';
export type { VetSystem } from './vet/system';
export { MAX_STRING_UNITS, MAX_WRITER_METADATA_UNITS, MAX_VOLUMES, MAX_COMPONENTS } from './validate';
export { ExitCode, type ExitCodeValue } from './cli/exit-codes';
export {
  NDJSON_SCHEMA_VERSION,
  type NdjsonLine,
  type LineType,
  type LineFields,
  type HresultFields,
  type StatusFields,
  type WarningFields,
  type ApplicationFields,
  type DiagnosisFields,
  type ResultFields,
  type ResultBody,
  type CheckResultFields,
  type RestoreHookResultFields,
  type OrderResultFields,
  type RollForwardResultFields,
  type ListResultFields,
  type DoctorResultFields,
  type ExplainResultFields,
  type ErrorFields,
} from './cli/schema';
