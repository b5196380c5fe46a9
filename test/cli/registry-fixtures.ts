/**
 * reg.exe answers for the in-process tests of list and doctor.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgramResult } from '../../lib/cli/io';
import { WSB_KEY } from '../../lib/machine/registry';
import { FIXTURES } from './fake-io';

/** Output captured from reg.exe (Wine's, which prints the same layout as Windows', CRLF included). */
export const captured = (name: string): string => readFileSync(join(FIXTURES, 'reg', name), 'utf8');

export const CONTOSO_CLSID = '{5D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C4D}';

/** reg.exe answers for a machine with WSB, Contoso's add-in and full marshalling. */
export function registryPrograms(): Record<string, ProgramResult> {
  const proxy = { status: 0, stdout: captured('proxystub.txt') };
  return {
    [`reg.exe query ${WSB_KEY} /s`]: { status: 0, stdout: captured('wsb-application-support.txt') },
    [`reg.exe query HKCR\\CLSID\\${CONTOSO_CLSID}\\LocalServer32 /ve`]: { status: 0, stdout: captured('localserver32-expand.txt') },
    'reg.exe query HKCR\\Interface\\{1EFF3510-4A27-46AD-B9E0-08332F0F4F6D}\\ProxyStubClsid32 /ve': proxy,
    'reg.exe query HKCR\\Interface\\{8D3BDB38-4EE8-4718-85F9-C7DBC4AB77AA}\\ProxyStubClsid32 /ve': proxy,
    'reg.exe query HKCR\\Interface\\{0843F6F7-895C-44A6-B0C2-05A5022AA3A1}\\ProxyStubClsid32 /ve': proxy,
  };
}
