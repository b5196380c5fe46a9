/**
 * `wsbapp vet`: run the conformance rules against one add-in and report each as pass / warn /
 * fail / skipped, for humans (grouped, coloured), agents (--json) and CI (--junit FILE).
 */
import { writeFileSync } from 'node:fs';
import {
  createNativeBackend,
  DEFAULT_VET_CALL_TIMEOUT_MS,
  DEFAULT_VET_TIMEOUT_MS,
  RULE_GROUPS,
  vetAddin,
  type ApplicationSelector,
  type Backend,
  type RuleResult,
  type VetOptions,
  type VetReport,
} from '../../index';
import { systemOf } from '../../vet/system';
import { BACKEND_OPTIONS, noMorePositionals, parseCommandLine, type BackendFlags } from '../args';
import { withBackend } from '../backend';
import { BACKEND_FLAGS_HELP, SHARED_FLAGS_HELP, type Command } from '../command';
import { DURATION_HELP, formatDuration, parseDuration } from '../duration';
import { ExitCode } from '../exit-codes';
import { parseComponentRefs, readMetadata } from '../inputs';
import type { CliIo } from '../io';
import { writeEvent } from '../ndjson';
import { printResult } from '../output';
import type { VetResultFields } from '../schema';
import { styleFor, type Style } from '../style';
import { UsageError } from '../usage-error';
import { junitXml } from '../vet-junit';

const OPTIONS = {
  ...BACKEND_OPTIONS,
  app: { type: 'string' },
  clsid: { type: 'string' },
  component: { type: 'string', multiple: true },
  metadata: { type: 'string' },
  timeout: { type: 'string' },
  'call-timeout': { type: 'string' },
  restore: { type: 'boolean' },
  'safe-component': { type: 'string' },
  strict: { type: 'boolean' },
  junit: { type: 'string' },
} as const;

const HELP = `Usage: wsbapp vet (--app APP | --clsid {CLSID}) [--component NAME[=PATH]]... [options]

Vet an add-in the way Windows Server Backup uses it: registration, COM identity, the consistency
check and its status, Abort, process lifetime and (with --restore) the restore hooks. Each rule
ends pass, warn, fail or skipped (with the reason), with what was seen and what to fix.
Nothing is written to the registry; every call has a deadline; every object is released.
Rules and fixes: docs/vet.md.

Options:
  --app APP                 application identifier or writer id (GUID)
  --clsid {CLSID}           the add-in's class, before it is registered with WSB
  --component NAME[=PATH]   a component to check (repeatable); default: those --metadata declares
  --metadata FILE           the writer's metadata document (XML, UTF-8)
  --timeout DURATION        how long a check may stay in progress (default ${formatDuration(DEFAULT_VET_TIMEOUT_MS)})
  --call-timeout DURATION   the deadline of any one call (default ${formatDuration(DEFAULT_VET_CALL_TIMEOUT_MS)})
  --restore                 also call IsRollForwardSupported and OrderComponents (may touch the application)
  --safe-component NAME     with --restore: the component PreRestore and PostRestore may be called on
  --strict                  warnings fail the run too
  --junit FILE              also write the report as JUnit XML to FILE
${BACKEND_FLAGS_HELP}
${SHARED_FLAGS_HELP}
  ${DURATION_HELP}

Exit codes: 0 no rule failed, 1 a rule failed (or warned, with --strict), 2 usage, 5 add-in not found, 6 environment.`;

const LABEL: Record<RuleResult['verdict'], (style: Style) => string> = {
  pass: (s) => s.green('pass'),
  warn: (s) => s.yellow('WARN'),
  fail: (s) => s.red('FAIL'),
  skipped: (s) => s.dim('skip'),
};

function ruleLines(rule: RuleResult, style: Style): string[] {
  const head = `  ${LABEL[rule.verdict](style)}  ${rule.id}  ${rule.verdict === 'skipped' ? style.dim(rule.reason ?? '') : rule.summary}`;
  return rule.fix === undefined ? [head] : [head, `        fix: ${rule.fix}`];
}

/** The human report: rules grouped, then the components used and a summary line. */
export function humanReport(report: VetReport, style: Style): string {
  const groups = RULE_GROUPS.flatMap((group) => {
    const rules = report.rules.filter((r) => r.group === group);
    return rules.length === 0 ? [] : [style.bold(group), ...rules.flatMap((r) => ruleLines(r, style))];
  });
  const components =
    report.components.length === 0 ? 'none (NULL component)' : report.components.map((c) => JSON.stringify(c.name)).join(', ');
  const source = { option: '--component', metadata: '--metadata', none: 'none given' }[report.componentSource];
  const { pass, warn, fail, skipped } = report.counts;
  const verdict = report.failed ? style.red('FAILED') : style.green('OK');
  return [
    `vet ${JSON.stringify(report.application)} (${report.clsid ?? 'no CLSID'}, ${report.backend} backend)`,
    ...groups,
    `components: ${components} (from ${source})`,
    `${verdict}: ${pass} passed, ${warn} warned, ${fail} failed, ${skipped} skipped in ${formatDuration(report.elapsedMs)}${report.strict ? ' (strict)' : ''}`,
  ].join('\n');
}

function target(values: { app?: string; clsid?: string }): ApplicationSelector {
  if (values.app !== undefined && values.clsid !== undefined) throw new UsageError('give --app or --clsid, not both');
  if (values.clsid !== undefined) return { clsid: values.clsid };
  if (values.app === undefined || values.app === '') throw new UsageError('missing --app (or --clsid for an add-in not registered yet)');
  return values.app;
}

/** `--clsid` against real COM names a class no WSB application may name yet: allow exactly that. */
function backendFor(flags: BackendFlags & { clsid?: string }, io: CliIo, run: (backend: Backend) => Promise<number>): Promise<number> {
  const plainNative =
    flags.clsid !== undefined && !flags.mock && flags.scenario === undefined && !io.env.WSBAPP_BACKEND && io.platform === 'win32';
  return plainNative ? run(createNativeBackend({ allowUnregisteredClsid: true })) : withBackend(flags, io, run);
}

/** The `result` line: the report without its rules (they were printed as `rule` lines). */
function resultFields(report: VetReport): VetResultFields {
  const { application, clsid, backend, components, componentSource, counts, failed, strict, elapsedMs } = report;
  return {
    command: 'vet',
    outcome: failed ? 'failed' : 'passed',
    application,
    clsid,
    backend,
    components,
    componentSource,
    counts,
    failed,
    strict,
    elapsedMs,
  };
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  noMorePositionals(positionals, 0);
  const selector = target(values);
  const writerMetadata = readMetadata(values.metadata);
  const json = values.json === true;
  const options: VetOptions = {
    components: values.component === undefined ? undefined : parseComponentRefs(values.component),
    writerMetadata: writerMetadata ?? undefined,
    timeout: values.timeout === undefined ? undefined : parseDuration(values.timeout, '--timeout'),
    callTimeout: values['call-timeout'] === undefined ? undefined : parseDuration(values['call-timeout'], '--call-timeout'),
    restore: values.restore === true,
    safeComponent: values['safe-component'],
    strict: values.strict === true,
    onRule: json ? (rule) => writeEvent(io.stdout, 'rule', rule) : undefined,
    onStep: (where) => io.trail.at(`vet ${where}`),
  };
  if (options.safeComponent !== undefined && !options.restore) throw new UsageError('--safe-component needs --restore');
  return backendFor(values, io, async (backend) => {
    if (!json) io.stderr.write(`vetting ${JSON.stringify(values.app ?? values.clsid)}...\n`);
    const report = await vetAddin(selector, { ...options, backend, system: backend.name === 'native' ? systemOf(io) : null });
    if (values.junit !== undefined) writeFileSync(values.junit, junitXml(report));
    const exitCode = report.failed ? ExitCode.FAILED : ExitCode.OK;
    return printResult(io, json, resultFields(report), humanReport(report, styleFor(io.stdout, io.env)), exitCode);
  });
}

export const vetCommand: Command = {
  name: 'vet',
  summary: 'vet an add-in against the WSB contract: every rule pass/warn/fail, with fixes',
  help: HELP,
  run,
};
