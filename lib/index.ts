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
} from './options';
export type { StatusEvent, AbortOutcome } from './poll';
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
  type DecodedHresult,
  type KnownHresult,
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
  ReleasedError,
  errorForCall,
  statusNotWrittenError,
  type WsbCall,
  type WsbErrorDetails,
} from './errors';
export { selectBackend, BACKEND_NAMES, type BackendName, type BackendChoice } from './backends/select';
export { createMockBackend, type MockBackend, type MockCall } from './backends/mock';
export {
  createNativeBackend,
  createNativeMockBackend,
  type NativeBackendOptions,
  type NativeMockBackendOptions,
  type NativeMockBackend,
} from './backends/native';
export { demoScenario } from './backends/demo';
export {
  normalizeScenario,
  loadScenarioFile,
  parseHresult,
  MOCK_CLSID,
  type Scenario,
  type ApplicationScenario,
  type ComponentScenario,
  type StatusStep,
  type HresultLike,
  type NormalizedScenario,
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
} from './backends/types';
export { MAX_STRING_UNITS, MAX_WRITER_METADATA_UNITS, MAX_VOLUMES, MAX_COMPONENTS } from './validate';
