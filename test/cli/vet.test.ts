import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode } from '../../lib/cli/exit-codes';
import { runCli } from '../../lib/cli/main';
import { RULES } from '../../lib/index';
import { fakeIo } from './fake-io';
import { scenarioOf, CONFORMING } from '../vet/faults';

const dir = mkdtempSync(join(tmpdir(), 'wsbapp-vet-'));

function scenarioFile(name: string, scenario: object): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(scenario));
  return file;
}

const GOOD = scenarioFile('good', scenarioOf(CONFORMING));
const WARNS = scenarioFile('warns', scenarioOf({ statuses: ['0x007A0004', 'S_OK'] }));
const FAILS = scenarioFile('fails', scenarioOf({ ...CONFORMING, abort: { returns: 'E_FAIL' } }));
const BOUNDS = ['--timeout', '2s', '--call-timeout', '1s'];

async function vet(file: string, args: string[], tty = false) {
  const io = fakeIo({ tty });
  const code = await runCli(['vet', '--mock', file, '--app', 'Vetted', '--component', 'db=Data', ...BOUNDS, ...args], io);
  return { code, io };
}

describe('wsbapp vet', () => {
  it('prints the rules grouped, the components used and a summary; exits 0 when nothing failed', async () => {
    const { code, io } = await vet(GOOD, []);
    expect(code).toBe(ExitCode.OK);
    const out = io.out();
    for (const group of ['registration', 'identity', 'check', 'abort', 'lifetime', 'restore'])
      expect(out).toMatch(new RegExp(`^${group}$`, 'm'));
    expect(out).toMatch(/^ {2}pass {2}check\.in-progress-value {2}the in-progress status was 0x407A0004$/m);
    expect(out).toMatch(/^ {2}skip {2}restore\.roll-forward {2}.*--restore/m);
    expect(out).toContain('components: "db" (from --component)');
    expect(out).toMatch(/^OK: \d+ passed, 0 warned, 0 failed, \d+ skipped in /m);
    expect(out).not.toContain('\u001b[');
  });

  it('colours verdicts on a terminal', async () => {
    const { io } = await vet(WARNS, [], true);
    expect(io.out()).toContain('\u001b[33mWARN\u001b[39m  check.in-progress-value');
  });

  it('exits 0 on a warning, 1 with --strict, and prints the fix', async () => {
    const plain = await vet(WARNS, []);
    expect(plain.code).toBe(ExitCode.OK);
    expect(plain.io.out()).toMatch(/WARN {2}check\.in-progress-value .*0x007A0004.*\n {8}fix: return 0x407A0004/);
    const strict = await vet(WARNS, ['--strict']);
    expect(strict.code).toBe(ExitCode.FAILED);
    expect(strict.io.out()).toMatch(/^FAILED: .* 1 warned, 0 failed, .* \(strict\)$/m);
  });

  it('exits 1 when a rule fails', async () => {
    const { code, io } = await vet(FAILS, []);
    expect(code).toBe(ExitCode.FAILED);
    expect(io.out()).toMatch(/FAIL {2}abort\.returns-ok {2}Abort returned 0x80004005 E_FAIL/);
  });

  it('prints one rule line per rule and one result with --json, every line versioned', async () => {
    const { code, io } = await vet(FAILS, ['--json']);
    const events = io.events();
    expect(code).toBe(ExitCode.FAILED);
    expect(events.every((e) => e.v === 1)).toBe(true);
    const rules = events.filter((e) => e.type === 'rule');
    expect(rules.map((e) => e.id).sort()).toEqual(RULES.map((r) => r.id).sort());
    expect(rules.find((e) => e.id === 'abort.returns-ok')).toMatchObject({
      group: 'abort',
      verdict: 'fail',
      fix: expect.any(String),
      observations: [expect.objectContaining({ call: 'Abort', hresult: 0x80004005, hex: '0x80004005', symbol: 'E_FAIL' })],
    });
    expect(events.at(-1)).toMatchObject({
      type: 'result',
      command: 'vet',
      outcome: 'failed',
      backend: 'mock',
      componentSource: 'option',
      counts: { fail: 1 },
      exitCode: 1,
    });
    expect(events.filter((e) => e.type === 'result')).toHaveLength(1);
    expect(io.err()).toBe('');
  });

  it('writes a JUnit report: a failure per failed rule, skipped rules as skipped', async () => {
    const file = join(dir, 'report.xml');
    await vet(FAILS, ['--junit', file]);
    const xml = readFileSync(file, 'utf8');
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="wsbapp vet Vetted" tests="31" failures="1" errors="0" skipped="\d+"/,
    );
    expect(xml).toMatch(
      /<testcase classname="wsbapp.vet.abort" name="abort.returns-ok">\n {6}<failure type="fail" message="Abort returned 0x80004005 E_FAIL">Abort returned 0x80004005 E_FAIL\nAbort \[db\]: 0x80004005 E_FAIL \d+ ms\nfix: /,
    );
    expect(xml).toMatch(/<testcase classname="wsbapp.vet.restore" name="restore.roll-forward">\n {6}<skipped message="[^"]*--restore/);
    expect(xml.match(/<testsuite /g)).toHaveLength(6);
  });

  it('counts a warning as a JUnit failure with --strict', async () => {
    const file = join(dir, 'strict.xml');
    await vet(WARNS, ['--junit', file, '--strict']);
    expect(readFileSync(file, 'utf8')).toMatch(/<failure type="warn" message="the in-progress status was 0x007A0004/);
  });

  it.each([
    [['--app', 'Vetted', '--clsid', '{0D5A7E2C-6B1F-4C8E-9A3D-5E7F1B2C4D6A}'], /--app or --clsid, not both/],
    [['--safe-component', 'db'], /--safe-component needs --restore/],
    [['--timeout', 'soon'], /--timeout/],
  ])('rejects %j with exit 2', async (args, message) => {
    const io = fakeIo();
    const code = await runCli(['vet', '--mock', GOOD, ...(args.includes('--app') ? [] : ['--app', 'Vetted']), ...args], io);
    expect(code).toBe(ExitCode.USAGE);
    expect(io.err()).toMatch(message);
  });

  it('exits 5 for an application that is not registered', async () => {
    const io = fakeIo();
    expect(await runCli(['vet', '--mock', GOOD, '--app', 'Nobody'], io)).toBe(ExitCode.ADDIN_UNAVAILABLE);
  });

  it('shows at least one fail and one warning against the built-in demo add-ins', async () => {
    const io = fakeIo();
    const code = await runCli(['vet', '--mock', '--app', 'Fabrikam Ledger', '--component', 'Ledger', ...BOUNDS, '--json'], io);
    const verdicts = io
      .events()
      .filter((e) => e.type === 'rule')
      .map((e) => e.verdict);
    expect(code).toBe(ExitCode.FAILED);
    expect(verdicts).toContain('fail');
    expect(verdicts).toContain('warn');
  });
});
