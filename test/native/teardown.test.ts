/**
 * Completions arriving while node tears the environment down. Releasing operations whose
 * QueryStatus hangs cancels those calls; when the script then ends at once, their results reach
 * the thread-safe function while JS can no longer run. The callback must then do nothing: a
 * Node-API failure turned into a C++ exception there aborted the process ("terminate called after
 * throwing an instance of 'Napi::Error'") in about one run in three (16 hung calls; one in eight with 4). Timing-dependent, so the
 * scenario runs in a loop of child processes.
 */
import { runChild, scenarioWith, WRITER } from './helpers';

const scenario = scenarioWith({ hangs: { statuses: [{ hang: true }] } });
const RUNS = 30;

function script(ending: 'natural' | 'exit'): string {
  return `
  const runtime = require(BINDING).createMockRuntime(SCENARIO);
  (async () => {
    const addin = await runtime.activate(${JSON.stringify(WRITER)}, 'Contoso', '{C}');
    const operations = [];
    for (let i = 0; i < 16; i++) operations.push(await addin.checkConsistency(null, 'hangs', null, [], []));
    for (const operation of operations) operation.queryStatus().then(() => {}, () => {});
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const operation of operations) operation.release();
    addin.release();
    ${ending === 'exit' ? 'process.exit(0);' : '// nothing keeps the loop alive: node exits while the cancelled calls come back'}
  })();
`;
}

test.each(['natural', 'exit'] as const)(
  'releasing hung calls and ending at once (%s) never aborts the process (30 child runs)',
  async (ending) => {
    const failures: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const child = await runChild(script(ending), scenario);
      if (child.code !== 0 || child.signal !== null || child.stderr !== '') {
        failures.push(`run ${run}: code ${child.code} signal ${child.signal} ${child.stderr.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  },
  120_000,
);
