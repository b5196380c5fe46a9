/**
 * The built-in demo scenario: what `WSBAPP_BACKEND=mock` and `wsbapp --mock` run when no
 * scenario file is given, so anyone on any OS can watch a check end to end.
 */
import type { Scenario } from './scenario';

const running = (delayMs: number) => ({ status: 'WSBAPP_ASYNC_IN_PROGRESS', delayMs });

/** A fresh copy of the demo scenario (callers may mutate it). */
export function demoScenario(): Scenario {
  return {
    applications: [
      {
        writerId: '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}',
        identifier: 'Contoso Mail',
        clsid: '{5D1A2B3C-4E5F-4A6B-8C7D-9E0F1A2B3C4D}',
        rollForwardSupported: true,
        orderComponents: ['Logs', 'Mailbox Database 01'],
        components: {
          'Mailbox Database 01': { statuses: [running(400), running(400), running(400), running(400), 'S_OK'] },
          'Mailbox Database 02': { statuses: [running(400), running(400), 'WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED'] },
          Logs: { check: 'no-async' },
          Slow: { statuses: [running(1000)] },
        },
      },
      {
        writerId: '{F2C2A7D3-1B6E-4F0A-9E8D-7C6B5A493827}',
        identifier: 'Fabrikam Ledger',
        clsid: '{8E7D6C5B-4A39-4281-9F0E-1D2C3B4A5968}',
        components: {
          '*': { statuses: [running(300), { status: '0x007A0004', delayMs: 300 }, 'S_OK'] },
        },
      },
      {
        writerId: '{0B1C2D3E-4F50-4617-8293-A4B5C6D7E8F9}',
        identifier: 'Northwind Files (no add-in)',
        clsid: null,
      },
    ],
    // The demo machine's VSS writers: each application's, and one with no WSB add-in.
    vss: {
      writers: [
        {
          writerId: '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}',
          name: 'Contoso Mail Writer',
          components: [
            { name: 'Mailbox Database 01', logicalPath: 'Mail', files: ['D:\\Mail\\MDB01\\mdb01.edb', 'E:\\Logs\\MDB01\\E00.log'] },
            { name: 'Mailbox Database 02', logicalPath: 'Mail', files: ['D:\\Mail\\MDB02\\mdb02.edb'] },
            { name: 'Logs', logicalPath: 'Mail', files: ['E:\\Logs\\'] },
            { name: 'Slow', logicalPath: 'Mail', files: ['D:\\Mail\\Slow\\slow.edb'] },
          ],
        },
        {
          writerId: '{F2C2A7D3-1B6E-4F0A-9E8D-7C6B5A493827}',
          name: 'Fabrikam Ledger Writer',
          components: [{ name: 'Ledger', logicalPath: '', files: ['D:\\Ledger\\ledger.db'] }],
        },
        {
          writerId: '{0B1C2D3E-4F50-4617-8293-A4B5C6D7E8F9}',
          name: 'Northwind Files Writer',
          components: [{ name: 'Shares', logicalPath: '', files: ['D:\\Shares\\'] }],
        },
        {
          writerId: '{E8132975-6F93-4464-A53E-1050253AE220}',
          name: 'System Writer',
          components: [{ name: 'System Files', logicalPath: '', files: ['C:\\Windows\\System32\\'] }],
        },
      ],
      volumes: {
        'C:\\': '\\\\?\\Volume{3E1C0D2A-0000-4000-8000-00000000000C}\\',
        'D:\\': '\\\\?\\Volume{3E1C0D2A-0000-4000-8000-00000000000D}\\',
        'E:\\': '\\\\?\\Volume{3E1C0D2A-0000-4000-8000-00000000000E}\\',
      },
      calls: { PrepareForBackup: { delayMs: 300 }, DoSnapshotSet: { delayMs: 600 }, BackupComplete: { delayMs: 200 } },
    },
  };
}
