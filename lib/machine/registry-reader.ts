/** The registry facts vet, list and doctor ask for, however the machine is read. */
import type { MachineReads, RegKey } from './reads';
import { applicationsOf, WSB_INTERFACES, WSB_KEY, type RegisteredEntry } from './registry';

/** How a COM class is registered: the server kind and its command line or DLL path. */
export interface ClassRegistration {
  readonly kind: 'LocalServer32' | 'InprocServer32';
  readonly command: string;
}

export class RegistryReader {
  constructor(private readonly machine: Pick<MachineReads, 'key' | 'subkeys' | 'defaultValue'>) {}

  /** The applications registered with WSB, or null when the WSB key does not exist. */
  async wsbApplications(): Promise<RegisteredEntry[] | null> {
    const keys = await this.machine.subkeys(WSB_KEY);
    return keys === null ? null : applicationsOf(keys);
  }

  /** The values of one application's key under the WSB key, or null when it does not exist. */
  applicationKey(writerId: string): Promise<RegKey | null> {
    return this.machine.key(`${WSB_KEY}\\${writerId}`);
  }

  /** The class's LocalServer32 (what WSB activates), else its InprocServer32; null when neither is registered. */
  async classRegistration(clsid: string): Promise<ClassRegistration | null> {
    for (const kind of ['LocalServer32', 'InprocServer32'] as const) {
      const command = await this.machine.defaultValue(`HKCR\\CLSID\\${clsid}\\${kind}`);
      if (command !== null) return { kind, command };
    }
    return null;
  }

  /** Whether this "Windows" is Wine (its prefix has HKLM\SOFTWARE\Wine), whose COM has defects of its own. */
  async isWine(): Promise<boolean> {
    return (await this.machine.key('HKLM\\SOFTWARE\\Wine')) !== null;
  }

  /** The WSB interfaces whose proxy/stub (`HKCR\Interface\{IID}\ProxyStubClsid32`) is not registered. */
  async unmarshalledInterfaces(): Promise<(typeof WSB_INTERFACES)[number][]> {
    const registered = await Promise.all(
      WSB_INTERFACES.map((i) => this.machine.defaultValue(`HKCR\\Interface\\${i.iid}\\ProxyStubClsid32`)),
    );
    return WSB_INTERFACES.filter((_, at) => registered[at] === null);
  }
}
