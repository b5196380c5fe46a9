/**
 * Registry facts through `reg.exe query`, so `list` and `doctor` work without the native
 * addon (doctor must diagnose a machine where the addon does not load).
 */
import type { CliIo } from './io';
import {
  defaultValueOf,
  parseRegQuery,
  WSB_INTERFACES,
  WSB_KEY,
  applicationsFromRegistry,
  type RegisteredEntry,
  type RegKey,
} from './registry';

/** How a COM class is registered: the server kind and its command line or DLL path. */
export interface ClassRegistration {
  readonly kind: 'LocalServer32' | 'InprocServer32';
  readonly command: string;
}

export class RegistryReader {
  constructor(private readonly io: Pick<CliIo, 'runProgram'>) {}

  /** The applications registered with WSB, or null when the WSB key does not exist. */
  async wsbApplications(): Promise<RegisteredEntry[] | null> {
    const { status, stdout } = await this.io.runProgram('reg.exe', ['query', WSB_KEY, '/s']);
    return status === 0 ? applicationsFromRegistry(stdout) : null;
  }

  /** The values of one application's key under the WSB key, or null when it does not exist. */
  async applicationKey(writerId: string): Promise<RegKey | null> {
    const { status, stdout } = await this.io.runProgram('reg.exe', ['query', `${WSB_KEY}\\${writerId}`]);
    return status === 0 ? (parseRegQuery(stdout)[0] ?? null) : null;
  }

  /** The default value of `key`, or null when the key or the value is missing. */
  async defaultValue(key: string): Promise<string | null> {
    const { status, stdout } = await this.io.runProgram('reg.exe', ['query', key, '/ve']);
    return status === 0 ? defaultValueOf(stdout) : null;
  }

  /** The class's LocalServer32 (what WSB activates), else its InprocServer32; null when neither is registered. */
  async classRegistration(clsid: string): Promise<ClassRegistration | null> {
    for (const kind of ['LocalServer32', 'InprocServer32'] as const) {
      const command = await this.defaultValue(`HKCR\\CLSID\\${clsid}\\${kind}`);
      if (command !== null) return { kind, command };
    }
    return null;
  }

  /** The WSB interfaces whose proxy/stub (`HKCR\Interface\{IID}\ProxyStubClsid32`) is not registered. */
  async unmarshalledInterfaces(): Promise<(typeof WSB_INTERFACES)[number][]> {
    const registered = await Promise.all(WSB_INTERFACES.map((i) => this.defaultValue(`HKCR\\Interface\\${i.iid}\\ProxyStubClsid32`)));
    return WSB_INTERFACES.filter((_, at) => registered[at] === null);
  }
}
