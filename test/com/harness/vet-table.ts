/**
 * The whole `wsbapp vet` CLI, as a CI job runs it, against the sample add-in under real COM in
 * one server lifetime ('pooled' or 'single-use'), over every kind of add-in behaviour: for each
 * row, every rule's verdict, the exit code, the JUnit file, and from the add-in's own log that
 * every object it handed out was released and that no restore method ran without --restore.
 * The entry files (vet-cli-*.com.ts) pick the lifetime; Wine's limits are named where they apply.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ApplicationScenario, ComponentScenario, ServerLifetime } from '../../../lib/backends/scenario';
import { normalizeScenario } from '../../../lib/backends/scenario';
import { CLI_TIMEOUT_MS, runCli } from './cli';
import { noSampleServers, registerScenario, sampleDir, type LogLine } from './sample-addin';

const SAMPLE = {
  writerId: '{A1300000-0000-4000-8000-000000000001}',
  clsid: '{C1300000-0000-4000-8000-000000000001}',
  identifier: 'Table sample',
};
const RUNNING = 'WSBAPP_ASYNC_IN_PROGRESS';
const CONFORMING: ComponentScenario = { statuses: [RUNNING, RUNNING, RUNNING, 'S_OK'] };
const METADATA =
  '<?xml version="1.0"?><WRITER_METADATA><COMPONENT componentName="db" logicalPath="Data"/><COMPONENT componentName="logs" logicalPath="Data"/></WRITER_METADATA>';
/** A pooled server released by its last client waits this long for another activation. */
const IDLE_SECONDS = 2;
/** Every scripted hang ends by this watchdog at the latest (Wine has no call cancellation). */
const WATCHDOG_SECONDS = 40;
/** The CLI's whole run: every call of vet is bounded well inside it. */
const RESTORE_METHODS = ['PreRestore', 'PostRestore', 'OrderComponents', 'IsRollForwardSupported'];

export interface Row {
  readonly name: string;
  readonly component: ComponentScenario;
  readonly app?: Partial<ApplicationScenario>;
  /** Run with --restore --safe-component logs. */
  readonly restore?: boolean;
  /** The rules that fail and warn; every other rule passes or is skipped with a reason. */
  readonly fails: readonly string[];
  readonly warns?: readonly string[];
  /**
   * Whether the add-in's process ends before vet can release what it holds (a crash), so its
   * log cannot show the final Releases of that process.
   */
  readonly dies?: boolean;
}

/** The rows: the behaviours a real add-in shows, and the restore cases. */
export const ROWS: readonly Row[] = [
  { name: 'conforming: three in-progress polls then S_OK', component: CONFORMING, fails: [] },
  {
    name: 'in progress as 0x007A0004',
    component: { statuses: ['0x007A0004', '0x007A0004', 'S_OK'] },
    fails: [],
    warns: ['check.in-progress-value'],
  },
  { name: 'a failure status (inconsistent, conforming)', component: { statuses: [RUNNING, '0x807A0001'] }, fails: [] },
  { name: 'S_FALSE as the final status', component: { statuses: [RUNNING, 'S_FALSE'] }, fails: ['check.success-code'] },
  {
    name: 'QueryStatus hangs on its second call',
    component: { statuses: [RUNNING, { hang: true }] },
    fails: ['check.query-status-answers'],
  },
  {
    name: 'the process dies inside QueryStatus',
    component: { statuses: [RUNNING, { crash: true }] },
    fails: ['lifetime.no-crash'],
    dies: true,
  },
  {
    name: 'the process dies 300 ms after QueryStatus answered',
    component: { statuses: [RUNNING, { crash: true, afterMs: 300 }] },
    fails: ['lifetime.no-crash'],
    dies: true,
  },
  { name: 'Abort returns E_UNEXPECTED', component: { ...CONFORMING, abort: { returns: 'E_UNEXPECTED' } }, fails: ['abort.returns-ok'] },
  {
    name: 'QueryStatus fails with E_FAIL',
    component: { statuses: [RUNNING, { callFails: 'E_FAIL' }] },
    fails: ['check.query-status-answers'],
  },
  { name: 'restore: a conforming add-in with --restore', component: CONFORMING, restore: true, fails: [] },
  {
    name: 'restore: OrderComponents returns a component twice',
    component: CONFORMING,
    app: {
      orderComponents: {
        returns: [
          { name: 'db', logicalPath: 'Data' },
          { name: 'db', logicalPath: 'Data' },
        ],
      },
    },
    restore: true,
    fails: ['restore.order-components'],
  },
  {
    name: 'restore: PreRestore fails',
    component: { ...CONFORMING, preRestore: 'E_FAIL' },
    restore: true,
    fails: ['restore.pre-restore'],
  },
];

export interface CliRun {
  readonly status: number | null;
  readonly events: { type: string; [key: string]: unknown }[];
  readonly stderr: string;
  readonly junit: string | null;
  readonly log: LogLine[];
  readonly elapsedMs: number;
}

/** Registers the row's scenario in `lifetime` and runs the CLI's vet on it. */
export async function vetRow(row: Row, lifetime: ServerLifetime): Promise<CliRun> {
  await noSampleServers((WATCHDOG_SECONDS + 5) * 1000);
  const name = `vet-cli-${lifetime}-${row.name.replace(/\W+/g, '-')}`.slice(0, 80);
  const addin = registerScenario(
    name,
    normalizeScenario({ applications: [{ ...SAMPLE, lifetime, components: { '*': row.component }, ...row.app }] }),
    WATCHDOG_SECONDS,
    IDLE_SECONDS,
  );
  const file = (suffix: string) => join(sampleDir, `${name}.${suffix}`);
  writeFileSync(file('metadata.xml'), METADATA);
  rmSync(file('junit.xml'), { force: true });
  const restore = row.restore ? ['--restore', '--safe-component', 'logs'] : [];
  const args = ['vet', '--app', SAMPLE.identifier, '--metadata', file('metadata.xml'), '--timeout', '5s', '--call-timeout', '5s'];
  const { status, elapsedMs } = await runCli([...args, ...restore, '--json', '--junit', file('junit.xml')], file('out'), file('err'));
  return {
    status,
    elapsedMs,
    events: readFileSync(file('out'), 'utf8')
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as CliRun['events'][number]),
    stderr: readFileSync(file('err'), 'utf8'),
    junit: existsSync(file('junit.xml')) ? readFileSync(file('junit.xml'), 'utf8') : null,
    log: addin.log(),
  };
}

/** What the JUnit file says: each testcase's name, and whether it holds a failure or is skipped. */
export function junitCases(xml: string): { name: string; failed: boolean; skipped: boolean }[] {
  return [...xml.matchAll(/<testcase [^>]*name="([^"]+)">([\s\S]*?)<\/testcase>/g)].map(([, name, body]) => ({
    name,
    failed: body.includes('<failure'),
    skipped: body.includes('<skipped'),
  }));
}

/**
 * The objects each add-in process handed out and did not see released: an add-in per
 * successful CreateInstance, an async object per CheckConsistency that wrote one, against the
 * final Releases it logged. Processes that died are left out (nothing can release there).
 */
export function unreleased(log: readonly LogLine[]): string[] {
  const died = new Set(log.filter((l) => l.event === 'QueryStatus' && l.step === 'crash').map((l) => l.pid));
  const missing: string[] = [];
  for (const pid of new Set(log.map((l) => l.pid))) {
    if (died.has(pid)) continue;
    const of = log.filter((l) => l.pid === pid);
    const count = (pred: (l: LogLine) => boolean) => of.filter(pred).length;
    const addins = count((l) => l.event === 'CreateInstance' && l.returns === '0x00000000');
    const checks = count((l) => l.event === 'CheckConsistency' && l.async === true);
    const released = (object: string) => count((l) => l.event === 'Release' && l.object === object);
    if (released('addin') < addins) missing.push(`pid ${pid}: ${addins - released('addin')} of ${addins} add-in object(s)`);
    if (released('check') < checks) missing.push(`pid ${pid}: ${checks - released('check')} of ${checks} async object(s)`);
  }
  return missing;
}

export const restoreCalls = (log: readonly LogLine[]) => log.filter((l) => RESTORE_METHODS.includes(l.event));

const diagnostic = (text: string) => console.log(`# ${text}`);

type RuleEvent = {
  type: 'rule';
  id: string;
  verdict: string;
  reason?: string;
  summary: string;
  observations?: { call: string; component?: string | null }[];
};

/** One test per row: the CLI's exit code, every rule's verdict, the JUnit file and the add-in's log. */
export function describeVetTable(lifetime: ServerLifetime): void {
  for (const row of ROWS) {
    test(
      `${lifetime}: ${row.name}: ${[...row.fails, ...(row.warns ?? [])].join(', ') || 'no rule fails or warns'}`,
      async () => {
        const run = await vetRow(row, lifetime);
        const rules = run.events.filter((e): e is RuleEvent => e.type === 'rule');
        const ids = (verdict: string) =>
          rules
            .filter((r) => r.verdict === verdict)
            .map((r) => r.id)
            .sort();
        diagnostic(`${lifetime} ${row.name}: exit ${run.status} in ${run.elapsedMs} ms; ${rules.length} rules`);
        for (const rule of rules.filter((r) => r.verdict === 'fail' || r.verdict === 'warn'))
          diagnostic(`  ${rule.verdict} ${rule.id}: ${rule.summary} ${JSON.stringify(rule.observations)}`);
        if (run.stderr.trim() !== '') diagnostic(`  stderr: ${run.stderr.trim()}`);

        expect({ fails: ids('fail'), warns: ids('warn') }).toEqual({ fails: [...row.fails].sort(), warns: [...(row.warns ?? [])].sort() });
        for (const rule of rules.filter((r) => r.verdict === 'skipped')) expect(rule.reason).toEqual(expect.any(String));
        expect(run.status).toBe(row.fails.length > 0 ? 1 : 0);
        expect(run.events.filter((e) => e.type === 'result')).toEqual([
          expect.objectContaining({ command: 'vet', outcome: row.fails.length > 0 ? 'failed' : 'passed' }),
        ]);

        expect(run.junit).not.toBeNull();
        const cases = junitCases(run.junit ?? '');
        expect(cases.map((c) => c.name).sort()).toEqual(rules.map((r) => r.id).sort());
        expect(
          cases
            .filter((c) => c.failed)
            .map((c) => c.name)
            .sort(),
        ).toEqual([...row.fails].sort());
        expect(
          cases
            .filter((c) => c.skipped)
            .map((c) => c.name)
            .sort(),
        ).toEqual(ids('skipped'));

        expect(unreleased(run.log)).toEqual([]);
        if (row.dies) expect(run.log.some((l) => l.step === 'crash')).toBe(true);
        const restores = restoreCalls(run.log);
        if (!row.restore) expect(restores).toEqual([]);
        else {
          expect(restores.map((l) => l.event)).toEqual(expect.arrayContaining(['PreRestore', 'PostRestore', 'OrderComponents']));
          for (const call of restores.filter((l) => l.event === 'PreRestore' || l.event === 'PostRestore'))
            expect(call.component).toBe('logs');
          const observed = rules.flatMap((r) => r.observations ?? []).filter((o) => o.call === 'PreRestore' || o.call === 'PostRestore');
          for (const observation of observed) expect(observation.component).toBe('logs');
        }
        const served = run.log.filter((l) => l.event === 'serving').map((l) => l.lifetime);
        expect(served.length).toBeGreaterThan(0);
        expect(new Set(served)).toEqual(new Set([lifetime]));
      },
      CLI_TIMEOUT_MS + 60_000,
    );
  }
}
