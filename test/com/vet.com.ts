/**
 * `vetAddin()` against the sample out-of-process add-in under real COM (Wine or Windows): the
 * conforming configuration passes every rule or skips it with a reason; each broken one fails
 * (or warns) exactly its rule. Runs with node.exe through scripts/wine/test-com.sh.
 */
import './harness/jest-globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { vetAddin, type VetReport } from '../../lib';
import { createNativeBackend } from '../../lib/backends/native';
import { normalizeScenario, type ApplicationScenario, type ComponentScenario } from '../../lib/backends/scenario';
import { noSampleServers, proxyDll, registerScenario } from './harness/sample-addin';

const SAMPLE = {
  writerId: '{A1200000-0000-4000-8000-000000000001}',
  clsid: '{C1200000-0000-4000-8000-000000000001}',
  identifier: 'Vetted sample',
};
const RUNNING = 'WSBAPP_ASYNC_IN_PROGRESS';
const CONFORMING: ComponentScenario = { statuses: [RUNNING, RUNNING, 'S_OK'] };
const METADATA =
  '<?xml version="1.0"?><WRITER_METADATA><COMPONENT componentName="db" logicalPath="Data"/><COMPONENT componentName="logs" logicalPath="Data"/></WRITER_METADATA>';
/** A server released by its last client waits this long for another activation (see main.cpp). */
const IDLE_SECONDS = 2;
const diagnostic = (text: string) => console.log(`# ${text}`);
/** How long a configuration waits for the previous one's servers to exit. */
const SERVERS_GONE_MS = 20_000;

function show(name: string, report: VetReport): void {
  diagnostic(`${name}: ${report.elapsedMs} ms, ${JSON.stringify(report.counts)}`);
  for (const rule of report.rules.filter((r) => r.verdict !== 'pass'))
    diagnostic(`  ${rule.verdict} ${rule.id}: ${rule.summary} ${JSON.stringify(rule.observations)}`);
}

async function vetConfiguration(
  name: string,
  component: ComponentScenario,
  app: Partial<ApplicationScenario> = {},
  idleSeconds = IDLE_SECONDS,
): Promise<VetReport> {
  await noSampleServers(SERVERS_GONE_MS);
  registerScenario(
    `vet-${name}`,
    normalizeScenario({ applications: [{ ...SAMPLE, components: { '*': component }, ...app }] }),
    60,
    idleSeconds,
  );
  const report = await vetAddin(SAMPLE.identifier, {
    backend: createNativeBackend(),
    writerMetadata: METADATA,
    restore: true,
    safeComponent: 'logs',
    timeout: 20_000,
    callTimeout: 15_000,
  });
  show(name, report);
  return report;
}

const ids = (report: VetReport, verdict: string) =>
  report.rules
    .filter((r) => r.verdict === verdict)
    .map((r) => r.id)
    .sort();
const verdicts = (report: VetReport) => ({ fails: ids(report, 'fail'), warns: ids(report, 'warn') });

test('the conforming sample: every rule passes or is skipped with a reason, components from the metadata', async () => {
  const report = await vetConfiguration('conforming', CONFORMING);
  expect(verdicts(report)).toEqual({ fails: [], warns: [] });
  for (const rule of report.rules.filter((r) => r.verdict === 'skipped')) expect(rule.reason).toEqual(expect.any(String));
  expect(report).toMatchObject({
    backend: 'native',
    componentSource: 'metadata',
    components: [
      { name: 'db', logicalPath: 'Data' },
      { name: 'logs', logicalPath: 'Data' },
    ],
  });
  const passed = new Set(ids(report, 'pass'));
  for (const id of [
    'registration.marshalling',
    'registration.local-server',
    'identity.qi-rules',
    'identity.no-interface',
    'abort.status-aborted',
    'lifetime.concurrent-activations',
    'lifetime.process-exits',
    'restore.pre-restore',
  ] as const) {
    expect(passed.has(id) ? id : `${id} did not pass`).toBe(id);
  }
}, 180_000);

const BROKEN: [string, ComponentScenario, Partial<ApplicationScenario>, { fails: string[]; warns: string[] }][] = [
  [
    'blocking QueryStatus',
    { statuses: [{ status: RUNNING, delayMs: 600 }, 'S_OK'] },
    {},
    { fails: ['check.query-status-answers'], warns: [] },
  ],
  ['0x007A0004', { statuses: ['0x007A0004', '0x007A0004', 'S_OK'] }, {}, { fails: [], warns: ['check.in-progress-value'] }],
  ['S_FALSE', { statuses: [RUNNING, 'S_FALSE'] }, {}, { fails: ['check.success-code'], warns: [] }],
  ['Abort fails', { ...CONFORMING, abort: { returns: 'E_UNEXPECTED' } }, {}, { fails: ['abort.returns-ok'], warns: [] }],
  ['crash', { statuses: [RUNNING, { crash: true }] }, {}, { fails: ['lifetime.no-crash'], warns: [] }],
  ['pointer with a failure', { check: { fail: 'E_FAIL', operation: true } }, {}, { fails: ['check.no-object-on-failure'], warns: [] }],
  [
    'bad OrderComponents',
    CONFORMING,
    {
      orderComponents: {
        returns: [
          { name: 'db', logicalPath: 'Data' },
          { name: 'db', logicalPath: 'Data' },
        ],
      },
    },
    { fails: ['restore.order-components'], warns: [] },
  ],
];

for (const [name, component, app, expected] of BROKEN) {
  test(`broken: ${name}: exactly ${[...expected.fails, ...expected.warns].join(', ')}`, async () => {
    expect(verdicts(await vetConfiguration(name.replace(/\W+/g, '-'), component, app))).toEqual(expected);
  }, 180_000);
}

test('broken: missing proxy/stub registration fails registration.marshalling', async () => {
  await noSampleServers(SERVERS_GONE_MS);
  registerScenario('vet-no-proxy', normalizeScenario({ applications: [{ ...SAMPLE, components: { '*': CONFORMING } }] }), 60, IDLE_SECONDS);
  execFileSync(join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'regsvr32.exe'), ['/s', '/u', proxyDll], {
    stdio: 'ignore',
    timeout: 60_000,
  });
  try {
    const report = await vetAddin(SAMPLE.identifier, {
      backend: createNativeBackend(),
      writerMetadata: METADATA,
      timeout: 20_000,
      callTimeout: 15_000,
    });
    show('no proxy', report);
    expect(verdicts(report)).toEqual({ fails: ['registration.marshalling'], warns: [] });
  } finally {
    execFileSync(join(process.env.SystemRoot ?? 'C:\\Windows', 'System32', 'regsvr32.exe'), ['/s', proxyDll], {
      stdio: 'ignore',
      timeout: 60_000,
    });
  }
}, 180_000);

// Last: its servers outlive the test by a minute (test-com.sh ends them after the file).
test('broken: a server that stays alive after the last Release fails lifetime.process-exits', async () => {
  const report = await vetConfiguration('lingers', CONFORMING, {}, 60);
  expect(verdicts(report)).toEqual({ fails: ['lifetime.process-exits'], warns: [] });
}, 180_000);
