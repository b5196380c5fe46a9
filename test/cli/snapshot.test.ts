/** `wsbapp writers` and `wsbapp check --snapshot` on the demo machine and on scripted VSS faults. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../lib/cli/main';
import { ExitCode } from '../../lib/cli/exit-codes';
import type { VssScenario } from '../../lib';
import { fakeIo, type FakeIo, type FakeIoOptions } from './fake-io';

const WRITER = '{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}';

/** A scenario file: one application with an add-in, its writer, and `calls` scripted. */
function scenarioFile(calls: VssScenario['calls'] = {}): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wsbapp-snapshot-')), 'scenario.json');
  writeFileSync(
    file,
    JSON.stringify({
      applications: [{ writerId: WRITER, identifier: 'Mail', components: { '*': { statuses: ['WSBAPP_ASYNC_IN_PROGRESS', 'S_OK'] } } }],
      vss: {
        writers: [{ writerId: WRITER, name: 'Mail Writer', components: [{ name: 'db', logicalPath: 'Mail', files: ['D:\\db.edb'] }] }],
        volumes: { 'D:\\': '\\\\?\\Volume{3E1C0D2A-0000-4000-8000-00000000000D}\\' },
        calls,
      },
    }),
  );
  return file;
}

async function run(args: string[], options: FakeIoOptions = {}): Promise<{ code: number; io: FakeIo }> {
  const io = fakeIo(options);
  return { code: await runCli(args, io), io };
}

// A one-value flag may be given once: `more`'s own --interval replaces the fast default.
const snapshotCheck = (file: string, more: string[] = [], options: FakeIoOptions = {}) =>
  run(
    [
      'check',
      '--snapshot',
      '--mock',
      file,
      '--app',
      'Mail',
      '--component',
      'db',
      '--json',
      ...(more.includes('--interval') ? [] : ['--interval', '1ms']),
      ...more,
    ],
    options,
  );

describe('wsbapp writers', () => {
  it('lists the demo writers with their components, volumes and WSB add-ins', async () => {
    const { code, io } = await run(['writers', '--mock', '--json']);
    expect(code).toBe(ExitCode.OK);
    const writers = io.events().filter((e) => e.type === 'writer');
    expect(writers.map((w) => w.name)).toEqual([
      'Contoso Mail Writer',
      'Fabrikam Ledger Writer',
      'Northwind Files Writer',
      'System Writer',
    ]);
    expect(writers[0]).toMatchObject({
      writerId: WRITER,
      stateName: 'stable',
      lastError: 0,
      application: { identifier: 'Contoso Mail' },
      components: expect.arrayContaining([
        expect.objectContaining({
          name: 'Mailbox Database 01',
          logicalPath: 'Mail',
          volumes: [expect.stringMatching(/Volume/), expect.stringMatching(/Volume/)],
        }),
      ]) as unknown,
    });
    expect(writers[3].application).toBeNull();
    expect(io.events().at(-1)).toMatchObject({ type: 'result', command: 'writers', count: 4, withAddin: 2, exitCode: 0 });
  });

  it('says for humans which writers WSB checks and which it does not', async () => {
    const { io } = await run(['writers', '--mock']);
    expect(io.out()).toContain('Contoso Mail Writer  WSB add-in: Contoso Mail');
    expect(io.out()).toContain('Northwind Files Writer  (WSB application Northwind Files (no add-in), no add-in)');
    expect(io.out()).toContain('System Writer  (not registered with WSB)');
  });

  it('is VSS unavailable (exit 6) where the backend has none', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wsbapp-snapshot-')), 'novss.json');
    writeFileSync(file, JSON.stringify({ applications: [] }));
    const { code, io } = await run(['writers', '--mock', file, '--json']);
    expect(code).toBe(ExitCode.ENVIRONMENT);
    expect(io.events().at(-1)).toMatchObject({ type: 'error', code: 'ERR_WSB_VSS_UNAVAILABLE' });
  });
});

describe('wsbapp check --snapshot', () => {
  it('runs the demo check on a demo snapshot: phases, then the verdict with the snapshot', async () => {
    const { code, io } = await run(['check', '--snapshot', '--mock', '--app', 'Contoso Mail', '--component', 'Logs', '--json']);
    expect(code).toBe(ExitCode.OK);
    const events = io.events();
    expect(events.filter((e) => e.type === 'phase').map((e) => e.phase)).toEqual(['writers', 'prepare', 'snapshot', 'check', 'complete']);
    expect(events.at(-1)).toMatchObject({
      type: 'result',
      outcome: 'no-check-required',
      snapshot: {
        cleanup: 'backup-complete',
        component: { name: 'Logs', logicalPath: 'Mail' },
        volumes: [{ device: expect.stringMatching(/ShadowCopy/) as unknown }],
      },
    });
  });

  it('shows the snapshot under the verdict for humans', async () => {
    const { code, io } = await run([
      'check',
      '--snapshot',
      '--mock',
      scenarioFile(),
      '--app',
      'Mail',
      '--component',
      'db',
      '--interval',
      '1ms',
    ]);
    expect(code).toBe(ExitCode.OK);
    expect(io.out()).toMatch(
      /^consistent: "Mail" \/ "db": 0x00000000 S_OK \(2 polls, .*\n {2}snapshot set \{[0-9A-F-]+\}, ended by backup-complete; writers /,
    );
    expect(io.out()).toContain(
      '\\\\?\\Volume{3E1C0D2A-0000-4000-8000-00000000000D}\\ -> \\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy',
    );
    expect(io.err()).toContain('phase snapshot at ');
  });

  it.each([
    ['DoSnapshotSet', 'VSS_E_INSUFFICIENT_STORAGE', 'snapshot', 'abort-backup'],
    ['PrepareForBackup', 'VSS_E_WRITERERROR_RETRYABLE', 'prepare', 'release'],
    ['CreateVssBackupComponents', 'E_ACCESSDENIED', 'writers', 'release'],
  ])('%s failing with %s: exit 6, the phase, the cleanup', async (call, code, phase, cleanup) => {
    const { code: exit, io } = await snapshotCheck(scenarioFile({ [call]: code }));
    expect(exit).toBe(ExitCode.ENVIRONMENT);
    expect(io.events().at(-1)).toMatchObject({ type: 'error', code: 'ERR_WSB_VSS', symbol: code, phase, snapshot: { cleanup } });
    expect(io.err()).toContain("hint: run 'wsbapp writers'");
  });

  it('an unknown component: exit 2, naming what the writer offers', async () => {
    const { code, io } = await run([
      'check',
      '--snapshot',
      '--mock',
      '--app',
      'Contoso Mail',
      '--component',
      'mailbox database 01',
      '--json',
    ]);
    expect(code).toBe(ExitCode.USAGE);
    expect(io.events().at(-1)).toMatchObject({ type: 'error', code: 'ERR_WSB_VSS_NOT_FOUND', phase: 'writers' });
    expect(io.err()).toContain('VSS offers: Mail\\Mailbox Database 01, Mail\\Mailbox Database 02, Mail\\Logs, Mail\\Slow');
  });

  it.each([
    [['--metadata', 'x.xml'], /--metadata cannot be given with --snapshot/],
    [['--volume', 'a=b'], /--volume cannot be given with --snapshot/],
  ])('%j with --snapshot is a usage error', async (flags, message) => {
    const { code, io } = await snapshotCheck(scenarioFile(), flags);
    expect(code).toBe(ExitCode.USAGE);
    expect(io.err()).toMatch(message);
  });

  it('--snapshot without --component is a usage error', async () => {
    const { code, io } = await run(['check', '--snapshot', '--mock', '--app', 'Contoso Mail']);
    expect(code).toBe(ExitCode.USAGE);
    expect(io.err()).toContain('--component');
  });

  it.each([
    ['writers', 'SIGINT'],
    ['prepare', 'SIGINT'],
    ['snapshot', 'SIGINT'],
    ['check', 'SIGINT'],
    ['prepare', 'SIGTERM'],
    ['snapshot', 'SIGTERM'],
  ] as const)('in the %s phase, %s: exit 4, cleaned up by the rules', async (phase, signal) => {
    const file = scenarioFile({ GatherWriterMetadata: { delayMs: 30 }, PrepareForBackup: { delayMs: 30 }, DoSnapshotSet: { delayMs: 30 } });
    const pressIn = (text: string, io: FakeIo) => {
      if (text.includes(`"type":"phase","phase":"${phase}"`)) setTimeout(() => io.interrupt({ kind: 'signal', signal }), 5);
    };
    const { code, io } = await snapshotCheck(file, ['--interval', '50ms'], { onStdout: pressIn });
    expect(code).toBe(ExitCode.ABORTED);
    const error = io.events().at(-1);
    expect(error).toMatchObject({ type: 'error', code: 'ERR_WSB_ABORTED' });
    expect(error?.snapshot).toMatchObject({
      cleanup: phase === 'snapshot' ? 'abort-backup' : phase === 'check' ? 'backup-complete' : 'release',
    });
  });

  it('a closed stdout in the snapshot phase stops the run quietly (exit 141)', async () => {
    const file = scenarioFile({ DoSnapshotSet: { delayMs: 50 } });
    const failIn = (text: string, io: FakeIo) => {
      if (text.includes('"phase":"snapshot"')) io.failStdout('EPIPE');
    };
    const { code } = await snapshotCheck(file, [], { onStdout: failIn });
    expect(code).toBe(ExitCode.OUTPUT_CLOSED);
  });
});
