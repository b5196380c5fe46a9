import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AbortedError,
  AddinProtocolError,
  CheckFailedError,
  errorForCall,
  HRESULT,
  ReleasedError,
  RestoreFailedError,
  ScenarioError,
  TimeoutError,
  UnsupportedPlatformError,
  type StatusEvent,
} from '../../lib/index';
import { outOfRange } from '../../lib/input-errors';
import { expandMockFlag, parseCommandLine, splitPair } from '../../lib/cli/args';
import { formatDuration, parseDuration } from '../../lib/cli/duration';
import { ExitCode } from '../../lib/cli/exit-codes';
import { errorEvent, EXIT_CODE_RULES, exitCodeFor, noteTarget, reportFailure } from '../../lib/cli/failure';
import { InterruptedError } from '../../lib/cli/interrupt';
import { ndjsonLine } from '../../lib/cli/ndjson';
import { createProgress, formatPollLine, formatProgressLine } from '../../lib/cli/progress';
import { colourAllowed, styleFor } from '../../lib/cli/style';
import { UsageError } from '../../lib/cli/usage-error';
import { counted } from '../../lib/counted';
import { fakeIo } from './fake-io';

describe('durations', () => {
  it.each([
    ['600', 600_000],
    ['1.5', 1500],
    ['250ms', 250],
    ['30s', 30_000],
    ['1.5s', 1500],
    ['5m', 300_000],
    ['1h', 3_600_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text, '--timeout')).toBe(ms);
  });

  it.each(['0', '', 'soon', '5 minutes', '-1', '30d', '600h', '2592000'])('rejects %j naming the flag', (text) => {
    expect(() => parseDuration(text, '--interval')).toThrow(
      new UsageError(
        `--interval must be a positive duration in seconds (600) or with a unit (250ms, 30s, 5m, 1h), at most 24 days, got ${JSON.stringify(text)}`,
      ),
    );
  });

  it.each([
    [1000, '1s'],
    [1800000, '30m'],
    [7200000, '2h'],
    [250, '250ms'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('argument parsing', () => {
  it.each([
    [['--mock'], ['--mock']],
    [
      ['--mock', 'a.JSON', 'x'],
      ['--mock', '--scenario', 'a.JSON', 'x'],
    ],
    [['--mock=s.txt'], ['--mock', '--scenario', 's.txt']],
    [
      ['--mock', 'Logs'],
      ['--mock', 'Logs'],
    ],
    [
      ['--', '--mock=x'],
      ['--', '--mock=x'],
    ],
  ])('expands %j to %j', (argv, expanded) => {
    expect(expandMockFlag(argv)).toEqual(expanded);
  });

  it('turns parseArgs errors into one-sentence usage errors', () => {
    expect(() => parseCommandLine(['--nope'], {})).toThrow(new UsageError("Unknown option '--nope'."));
  });

  it('refuses a one-value flag given twice (the first would be dropped), and keeps every value of a repeatable one', () => {
    const options = { app: { type: 'string' }, component: { type: 'string', multiple: true } } as const;
    expect(() => parseCommandLine(['--app', 'A', '--app', 'B'], options)).toThrow(
      new UsageError('--app was given more than once; it takes one value'),
    );
    expect(() => parseCommandLine(['--json', '--json'], options)).toThrow(
      new UsageError('--json was given more than once; it takes one value'),
    );
    expect(parseCommandLine(['--component', 'a', '--component', 'b'], options).values.component).toEqual(['a', 'b']);
  });

  it('splits pairs at the first =', () => {
    expect(splitPair('a=b=c', '--x', 'A=B')).toEqual(['a', 'b=c']);
    expect(splitPair('a', '--x', 'A=B')).toEqual(['a', undefined]);
    expect(() => splitPair('a=', '--x', 'A=B')).toThrow('--x must look like A=B, got "a="');
  });
});

describe('exit codes', () => {
  const stop = { elapsedMs: 1, polls: 1, lastStatus: undefined, abortDelivered: true, abortHresult: 0 };
  it.each([
    [new UsageError('x'), ExitCode.USAGE],
    [outOfRange('request.volumes[0].source ...'), ExitCode.USAGE],
    [new ScenarioError('unknown key', { file: 's.json', path: 'scenario.applications[0]' }), ExitCode.USAGE],
    [new InterruptedError('PreRestore', { kind: 'signal', signal: 'SIGTERM' }), ExitCode.ABORTED],
    // A TypeError or RangeError without a code is a bug (e.g. reading a property of undefined), not bad input.
    [new TypeError("Cannot read properties of undefined (reading 'x')"), ExitCode.INTERNAL],
    [new RangeError('Invalid array length'), ExitCode.INTERNAL],
    [Object.assign(new Error('a code nobody mapped'), { code: 'ERR_SOMETHING_NEW' }), ExitCode.INTERNAL],
    [new ReleasedError('ConsistencyCheck'), ExitCode.INTERNAL],
    [
      new CheckFailedError({ hresult: HRESULT.WSBAPP_E_COMPONENT_CONSISTENCY_CHECK_FAILED, call: 'QueryStatus', polls: 1, elapsedMs: 1 }),
      ExitCode.FAILED,
    ],
    [new RestoreFailedError('PreRestore failed', { hresult: HRESULT.E_FAIL, call: 'PreRestore' }), ExitCode.FAILED],
    [new TimeoutError({ ...stop, timeoutMs: 1 }), ExitCode.TIMEOUT],
    [new AbortedError(stop), ExitCode.ABORTED],
    [errorForCall('Activate', HRESULT.REGDB_E_CLASSNOTREG), ExitCode.ADDIN_UNAVAILABLE],
    [errorForCall('QueryStatus', HRESULT.RPC_E_DISCONNECTED), ExitCode.ADDIN_UNAVAILABLE],
    [errorForCall('CheckConsistency', HRESULT.E_NOINTERFACE), ExitCode.ADDIN_UNAVAILABLE],
    [new AddinProtocolError('x', { hresult: 0, call: 'QueryStatus' }), ExitCode.ADDIN_UNAVAILABLE],
    [errorForCall('Activate', HRESULT.E_ACCESSDENIED), ExitCode.ENVIRONMENT],
    [new UnsupportedPlatformError('not Windows'), ExitCode.ENVIRONMENT],
    [new Error('bug'), ExitCode.INTERNAL],
  ])('%s exits %d', (error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });

  it('maps every code lib/errors.ts declares (a new one must be added to the table)', () => {
    const declared = [...readFileSync(join(__dirname, '../../lib/errors.ts'), 'utf8').matchAll(/code(?:: string)? = '(ERR_[A-Z_]+)'/g)].map(
      (m) => m[1],
    );
    expect(declared.length).toBeGreaterThan(10);
    expect(declared.filter((code) => !Object.hasOwn(EXIT_CODE_RULES, code))).toEqual([]);
  });

  it('reports a bug as one line and a plea to report it, the stack only with WSBAPP_DEBUG', () => {
    const io = fakeIo();
    expect(reportFailure(new Error('boom'), 'wsbapp list', false, io)).toBe(ExitCode.INTERNAL);
    expect(io.err()).toBe(
      'wsbapp list: internal error, please report it: boom (set WSBAPP_DEBUG=1 for the stack)\nhint: this is a bug in wsbapp; please report it with the command line\n',
    );
    const debug = fakeIo({ env: { WSBAPP_DEBUG: '1' } });
    reportFailure(new Error('boom'), 'wsbapp list', false, debug);
    expect(debug.err()).toMatch(
      /^wsbapp list: internal error, please report it: boom\nhint: this is a bug in wsbapp; please report it with the command line\nError: boom\n {4}at /,
    );
  });

  const NO_STOP = { polls: null, lastStatus: null, elapsedMs: null, abortDelivered: null, abortHresult: null };

  it('describes non-Error throws too', () => {
    expect(errorEvent('weird')).toEqual({
      code: 'ERR_INTERNAL',
      message: 'weird',
      hresult: null,
      hex: null,
      symbol: null,
      call: null,
      app: null,
      component: null,
      ...NO_STOP,
      phase: null,
      snapshot: null,
      exitCode: ExitCode.INTERNAL,
    });
  });

  it('gives a stopped check its polls, last status, time and how Abort went', () => {
    const timeout = new TimeoutError({
      elapsedMs: 1234,
      polls: 7,
      lastStatus: HRESULT.WSBAPP_ASYNC_IN_PROGRESS,
      abortDelivered: true,
      abortHresult: HRESULT.E_UNEXPECTED,
      timeoutMs: 1000,
    });
    expect(errorEvent(timeout)).toMatchObject({
      code: 'ERR_WSB_TIMEOUT',
      polls: 7,
      elapsedMs: 1234,
      lastStatus: { hresult: 0x407a0004, hex: '0x407A0004', symbol: 'WSBAPP_ASYNC_IN_PROGRESS' },
      abortDelivered: true,
      abortHresult: { hresult: 0x8000ffff, hex: '0x8000FFFF', symbol: 'E_UNEXPECTED' },
      exitCode: ExitCode.TIMEOUT,
    });
    const undelivered = new AbortedError({ elapsedMs: 5, polls: 0, lastStatus: undefined, abortDelivered: false, abortHresult: undefined });
    expect(errorEvent(undelivered)).toMatchObject({ polls: 0, lastStatus: null, abortDelivered: false, abortHresult: null });
  });

  it('shows humans the same facts: the symbol of the last status and of what Abort returned', () => {
    const io = fakeIo();
    const timeout = new TimeoutError({
      elapsedMs: 1234,
      polls: 7,
      lastStatus: HRESULT.WSBAPP_ASYNC_IN_PROGRESS,
      abortDelivered: true,
      abortHresult: HRESULT.E_UNEXPECTED,
      timeoutMs: 1000,
    });
    reportFailure(timeout, 'wsbapp check', false, io);
    expect(io.err()).toContain(
      'after 1234 ms (7 polls, last status 0x407A0004 WSBAPP_ASYNC_IN_PROGRESS, Abort returned 0x8000FFFF E_UNEXPECTED)',
    );
  });

  it('names the application and component of a failed call', () => {
    const io = fakeIo({});
    const error = errorForCall('PreRestore', HRESULT.RPC_E_DISCONNECTED);
    noteTarget(error, { app: 'Quick App', component: 'db' });
    reportFailure(error, 'wsbapp restore', true, io);
    expect(io.err()).toMatch(/^wsbapp restore: "Quick App" \/ "db": the add-in disconnected/);
    expect(io.events().at(-1)).toMatchObject({
      app: 'Quick App',
      component: 'db',
      call: 'PreRestore',
      exitCode: ExitCode.ADDIN_UNAVAILABLE,
    });
  });

  it('hints at doctor when an interface is missing', () => {
    const io = fakeIo();
    reportFailure(errorForCall('CheckConsistency', HRESULT.E_NOINTERFACE), 'wsbapp check', false, io);
    expect(io.err()).toContain("hint: run 'wsbapp doctor'");
  });
});

describe('output conventions', () => {
  it('stamps every NDJSON line with the schema version and type', () => {
    expect(ndjsonLine('result', { command: 'list', count: 0, exitCode: 0, ...{ v: 99, type: 'spoof' } })).toBe(
      '{"v":1,"type":"result","command":"list","count":0,"exitCode":0}\n',
    );
  });

  it.each([
    [true, undefined, true],
    [true, '', true],
    [true, '1', false],
    [false, undefined, false],
    [undefined, undefined, false],
  ])('colour on a TTY %s with NO_COLOR=%j: %s', (isTTY, noColor, allowed) => {
    expect(colourAllowed({ write: () => true, isTTY }, { NO_COLOR: noColor })).toBe(allowed);
  });
});

describe('progress', () => {
  const running: StatusEvent = {
    state: 'running',
    hresult: HRESULT.WSBAPP_ASYNC_IN_PROGRESS,
    hex: '0x407A0004',
    symbol: 'WSBAPP_ASYNC_IN_PROGRESS',
    polls: 3,
    elapsedMs: 1234,
  };
  const plain = styleFor({ write: () => true }, {});

  it('formats the spinner line', () => {
    const state = { target: '"App" / "db"', elapsedMs: 1234, polls: 3, last: HRESULT.WSBAPP_ASYNC_IN_PROGRESS };
    expect(formatProgressLine(state, 1, plain)).toBe(
      '/ checking "App" / "db"  1.2 s  poll 3  in progress (0x407A0004 WSBAPP_ASYNC_IN_PROGRESS)',
    );
    expect(formatProgressLine({ ...state, polls: 0, last: undefined }, 4, plain)).toBe('| checking "App" / "db"  1.2 s  poll 0  starting');
  });

  it('formats a log line per poll', () => {
    expect(formatPollLine(running)).toBe('poll 3 at 1.2 s: in progress (0x407A0004 WSBAPP_ASYNC_IN_PROGRESS)');
    expect(formatPollLine({ ...running, hresult: HRESULT.E_ABORT })).toBe(
      'poll 3 at 1.2 s: failed: the operation was aborted (0x80004004 E_ABORT)',
    );
  });

  it('redraws the spinner on its own and clears it when stopped', () => {
    jest.useFakeTimers();
    try {
      const io = fakeIo({ tty: true });
      const progress = createProgress(io, false, '"App"', Date.now());
      jest.advanceTimersByTime(250);
      progress.note('aborting');
      progress.stop();
      const frames = io.err().split('\r\u001b[2K');
      expect(frames.filter((f) => f.startsWith('| ') || f.startsWith('/ ') || f.startsWith('- ')).length).toBeGreaterThanOrEqual(3);
      expect(io.err()).toContain('\r\u001b[2Kaborting\n');
      expect(io.err().endsWith('\r\u001b[2K')).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('is silent with --json and plain without a terminal', () => {
    const json = fakeIo({ tty: true });
    const silent = createProgress(json, true, '"App"', Date.now());
    silent.update(running);
    silent.note('x');
    silent.stop();
    expect(json.err()).toBe('');
    const log = fakeIo();
    const plainProgress = createProgress(log, false, '"App"', Date.now());
    plainProgress.note('aborting');
    expect(log.err()).toBe('aborting\n');
  });
});

describe('counts in sentences', () => {
  it.each([
    [0, '0 polls'],
    [1, '1 poll'],
    [5, '5 polls'],
  ])('%d is %s', (count, text) => {
    expect(counted(count, 'poll')).toBe(text);
  });
});
