/**
 * The machine read natively (the addon's RegEnumValueW / RegEnumKeyExW / Toolhelp calls,
 * lib/machine/native.ts) against the fallback that parses reg.exe and tasklist/wmic output
 * (lib/machine/programs.ts), under Wine or on Windows: the same facts about the sample add-in's
 * registration from both, and bad paths refused with a code. Prints what each read costs.
 */
import './harness/jest-globals';
import { loadBinding } from '../../lib/backends/load';
import { processIo } from '../../lib/cli/io';
import { hasMachineReads, nativeReads } from '../../lib/machine/native';
import { ProcessCounter } from '../../lib/machine/processes';
import { programReads } from '../../lib/machine/programs';
import type { MachineReads } from '../../lib/machine/reads';
import { RegistryReader } from '../../lib/machine/registry-reader';
import { WSB_KEY } from '../../lib/machine/registry';
import { normalizeScenario } from '../../lib/backends/scenario';
import { addinExe, registerScenario } from './harness/sample-addin';

const SAMPLE = {
  writerId: '{A1300000-0000-4000-8000-000000000001}',
  clsid: '{C1300000-0000-4000-8000-000000000001}',
  identifier: 'Read natively',
};
registerScenario('machine', normalizeScenario({ applications: [SAMPLE] }));

const binding = loadBinding();
if (!hasMachineReads(binding)) throw new Error('this Windows build of the addon has no readRegistryKey/processImages');
const native = nativeReads(binding);
const programs = programReads(processIo());

/** What RegistryReader says about the sample, through `machine`, and how long it took. */
async function facts(machine: MachineReads) {
  const reader = new RegistryReader(machine);
  const started = performance.now();
  const result = {
    applications: await reader.wsbApplications(),
    key: (await reader.applicationKey(SAMPLE.writerId))?.values.map(({ name, type, data }) => ({ name, type, data })),
    server: await reader.classRegistration(SAMPLE.clsid),
    unmarshalled: await reader.unmarshalledInterfaces(),
    absent: await reader.applicationKey('{00000000-0000-4000-8000-00000000DEAD}'),
    servers: await new ProcessCounter(machine).count(addinExe),
  };
  console.log(`# ${machine.via}: ${(performance.now() - started).toFixed(1)} ms for the registration facts and a process count`);
  return result;
}

test('the addon reads the same registration facts as reg.exe, and the same process count as tasklist/wmic', async () => {
  const natively = await facts(native);
  expect(natively).toEqual(await facts(programs));
  expect(natively).toMatchObject({
    applications: [{ writerId: SAMPLE.writerId, identifier: SAMPLE.identifier, clsid: SAMPLE.clsid }],
    server: { kind: 'LocalServer32', command: expect.stringContaining('wsbapp-sample-addin.exe') },
    unmarshalled: [],
    absent: null,
    servers: 0,
  });
}, 120_000);

test('the process list names this node.exe', async () => {
  expect(await new ProcessCounter(native).count(process.execPath)).toBeGreaterThanOrEqual(1);
});

test('registry values come back typed as reg.exe shows them, the default value with an empty name', () => {
  const read = binding.readRegistryKey(`${WSB_KEY}\\${SAMPLE.writerId}`);
  expect(read).toEqual({
    values: expect.arrayContaining([{ name: 'Application Identifier', type: 'REG_SZ', data: SAMPLE.identifier }]),
    subkeys: [],
  });
  const server = binding.readRegistryKey(`HKEY_CLASSES_ROOT\\CLSID\\${SAMPLE.clsid}\\LocalServer32`);
  expect(server?.values).toContainEqual({ name: '', type: 'REG_SZ', data: expect.stringContaining('wsbapp-sample-addin.exe') });
  const sample = binding.readRegistryKey('hklm\\SOFTWARE\\wsbapp-sample');
  expect(sample?.values).toContainEqual({ name: 'WatchdogSeconds', type: 'REG_DWORD', data: '0x3c' });
});

test('a bad path is a coded TypeError; a missing key is null', () => {
  expect(() => binding.readRegistryKey(42 as unknown as string)).toThrow(
    expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
  );
  expect(() => binding.readRegistryKey('HKXX\\SOFTWARE')).toThrow(
    expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining("got 'HKXX\\SOFTWARE'") }),
  );
  expect(() => binding.readRegistryKey('HKLM\\SOFTWARE\u0000x')).toThrow(expect.objectContaining({ name: 'RangeError' }));
  expect(binding.readRegistryKey('HKLM\\SOFTWARE\\wsbapp-no-such-key')).toBeNull();
});
