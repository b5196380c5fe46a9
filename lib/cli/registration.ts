/**
 * Whether an application's add-in can be activated: its COM class and the marshalling of the
 * WSB interfaces. From the registry on Windows; from the scenario under the mock.
 */
import { HRESULT, type Backend, type MockBackend, type RegisteredApplication } from '../index';
import { isMockBackend } from './backend';
import type { CliIo } from './io';
import { RegistryReader } from '../machine/registry-reader';

export interface RegistrationFacts {
  /** Whether the add-in's CLSID is registered as a COM class; null when this machine cannot tell. */
  readonly classRegistered: boolean | null;
  /** The class's LocalServer32 (or InprocServer32) value, when read from the registry. */
  readonly server: string | null;
  /** The three WSB interfaces' proxy/stub: all registered, some missing, simulated, or unknown. */
  readonly marshalling: 'registered' | 'missing' | 'mock' | 'unknown';
}

export type FactsOf = (app: RegisteredApplication) => Promise<RegistrationFacts>;

function mockFacts(backend: MockBackend): FactsOf {
  return async (app) => {
    const scripted = backend.scenario.applications.find((a) => a.writerId === app.writerId);
    const classRegistered = app.clsid !== null && scripted?.activation.hresult !== HRESULT.REGDB_E_CLASSNOTREG;
    return { classRegistered, server: null, marshalling: 'mock' };
  };
}

async function registryFacts(reader: RegistryReader): Promise<FactsOf> {
  const marshalling = (await reader.unmarshalledInterfaces()).length === 0 ? 'registered' : 'missing';
  return async (app) => {
    if (app.clsid === null) return { classRegistered: false, server: null, marshalling };
    const registration = await reader.classRegistration(app.clsid);
    return { classRegistered: registration !== null, server: registration?.command ?? null, marshalling };
  };
}

const UNKNOWN: RegistrationFacts = { classRegistered: null, server: null, marshalling: 'unknown' };

/** How to learn the facts for applications of `backend` on this machine. */
export function factsSource(backend: Backend, io: CliIo): Promise<FactsOf> {
  if (isMockBackend(backend)) return Promise.resolve(mockFacts(backend));
  if (io.platform === 'win32') return registryFacts(new RegistryReader(io.machine));
  // A non-mock backend off Windows (the native mock): there is no registry to ask.
  return Promise.resolve(async () => UNKNOWN);
}
