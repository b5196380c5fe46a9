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
  };
}
