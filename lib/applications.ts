/**
 * Applications registered with Windows Server Backup, and how a caller names one.
 */
import { traceCall } from './diagnostics';
import { CALL_OPTION_KEYS, CallDeadline, DEFAULT_CALL_TIMEOUTS, parseCallOptions, type CallOptions } from './deadline';
import { NotRegisteredError } from './errors';
import { HRESULT } from './hresult';
import { backendFor } from './backends/default';
import type { BackendChoice } from './backends/select';
import type { Backend, RegisteredApplication } from './backends/types';
import { GUID } from './guid';
import { invalidType } from './input-errors';
import { requireGuid, requireObject, requireStrictObject, requireString } from './validate';

/**
 * How to name an application: its `Application Identifier` or its writer id (a GUID string is
 * taken as a writer id), or an object saying which. `{ clsid }` names an add-in directly, without
 * the WSB registry (for add-in authors before registration; the native backend then needs
 * `allowUnregisteredClsid` unless an application registered with WSB names that CLSID).
 */
export type ApplicationSelector =
  string | { readonly writerId: string } | { readonly identifier: string } | { readonly clsid: string; readonly identifier?: string };

/** Options every call takes. */
export interface BackendOptions {
  /** The backend: a Backend object or `'native' | 'mock' | 'native-mock'`. See README "Choosing a backend". */
  readonly backend?: BackendChoice;
}

/** A parsed selector. */
type Selector = { writerId: string } | { identifier: string } | { clsid: string; identifier: string };

/** The writer id of an add-in named by CLSID alone: CheckConsistency never sees writer ids. */
export const NO_WRITER_ID = '{00000000-0000-0000-0000-000000000000}';

/** Every key a selector object may have ({ clsid, identifier } together, the others alone). */
const SELECTOR_KEYS = ['writerId', 'identifier', 'clsid'];

/** Validate a selector (TypeError/RangeError naming `field`). */
export function parseSelector(value: unknown, field: string): Selector {
  if (typeof value === 'string') {
    requireString(value, field, 256);
    return GUID.test(value) ? { writerId: requireGuid(value, field) } : { identifier: value };
  }
  const entry = requireStrictObject(value, field, SELECTOR_KEYS);
  if ('clsid' in entry) {
    const clsid = requireGuid(entry.clsid, `${field}.clsid`);
    return { clsid, identifier: entry.identifier === undefined ? clsid : requireString(entry.identifier, `${field}.identifier`, 256) };
  }
  if ('writerId' in entry) return { writerId: requireGuid(entry.writerId, `${field}.writerId`) };
  if ('identifier' in entry) return { identifier: requireString(entry.identifier, `${field}.identifier`, 256) };
  throw invalidType(`${field} must be an identifier, a writer id, { writerId }, { identifier } or { clsid }`);
}

function describe(selector: Selector): string {
  return 'writerId' in selector ? `writer id ${selector.writerId}` : `identifier ${JSON.stringify(selector.identifier)}`;
}

/** Find the application `selector` names; NotRegisteredError (listing what exists) when none. */
export async function findApplication(backend: Backend, selector: Selector): Promise<RegisteredApplication> {
  if ('clsid' in selector) return { writerId: NO_WRITER_ID, identifier: selector.identifier, clsid: selector.clsid };
  const apps = await backend.listApplications();
  const found =
    'writerId' in selector
      ? apps.find((a) => a.writerId.toUpperCase() === selector.writerId)
      : (apps.find((a) => a.identifier === selector.identifier) ??
        apps.find((a) => a.identifier.toLowerCase() === selector.identifier.toLowerCase()));
  if (!found) {
    const known = apps.map((a) => JSON.stringify(a.identifier)).join(', ') || 'none';
    throw new NotRegisteredError(
      `no application with ${describe(selector)} is registered with Windows Server Backup (registered: ${known})`,
      {
        hresult: HRESULT.ERROR_NOT_FOUND,
        call: 'ListApplications',
        returnedByCall: false,
      },
    );
  }
  if (found.clsid === null) {
    throw new NotRegisteredError(`application ${JSON.stringify(found.identifier)} has no add-in (no CLSID under its WSB key)`, {
      hresult: HRESULT.REGDB_E_CLASSNOTREG,
      call: 'Activate',
      returnedByCall: false,
    });
  }
  return found;
}

/** Options of listApplications(): the backend, a deadline (default 1 minute) and a signal. */
export interface ListOptions extends BackendOptions, CallOptions {}

/**
 * List the applications registered with Windows Server Backup
 * (`HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\WindowsServerBackup\Application Support`).
 * Applications without an add-in are listed with `clsid: null`.
 */
export async function listApplications(options: ListOptions = {}): Promise<RegisteredApplication[]> {
  const settings = parseCallOptions(options, ['backend', ...CALL_OPTION_KEYS], DEFAULT_CALL_TIMEOUTS.listApplications);
  const backend = backendFor(requireObject(options, 'options').backend as BackendChoice | undefined);
  const deadline = new CallDeadline(settings, 'registered applications');
  try {
    return await deadline.step('ListApplications', () => traceCall('ListApplications', {}, () => backend.listApplications()));
  } finally {
    deadline.dispose();
  }
}
