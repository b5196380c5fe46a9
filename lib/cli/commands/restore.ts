/**
 * `wsbapp restore pre|post|order|roll-forward`: the add-in's restore hooks
 * (IWsbApplicationRestoreSupport), one call each on a freshly activated add-in.
 */
import {
  isRollForwardSupported,
  orderComponents,
  postRestore,
  preRestore,
  RestoreFailedError,
  type ComponentRef,
  type RestoreRequest,
} from '../../index';
import { BACKEND_OPTIONS, noMorePositionals, parseCommandLine, required } from '../args';
import { withBackend } from '../backend';
import { BACKEND_FLAGS_HELP, SHARED_FLAGS_HELP, type Command } from '../command';
import { COMMON_EXIT_CODES, ExitCode, exitCodesHelp } from '../exit-codes';
import { parseComponentRefs, readMetadata } from '../inputs';
import { interruptible } from '../interrupt';
import type { CliIo } from '../io';
import { printResult } from '../output';
import { codeLabel, meaningOf, targetLabel } from '../status-text';
import { UsageError } from '../usage-error';

const HELP = `Usage: wsbapp restore <step> --app APP [options]

Call an add-in's restore hooks, as Windows Server Backup does around an application restore.

Steps:
  pre           PreRestore for one component (before the files are put back)
  post          PostRestore for one component (after the files are put back)
  order         OrderComponents: the order the add-in wants components restored in
  roll-forward  IsRollForwardSupported: prints yes or no

Options:
  --app APP                         application identifier or writer id (GUID); required
  --component NAME                  pre, post: the component
  --component NAME[=LOGICALPATH]    order: a component (split at the first =); repeatable
  --logical-path PATH               pre, post: the component's logical path
  --metadata FILE                   pre, post: the writer's metadata document (XML, UTF-8)
  --no-roll-forward                 pre, post: a point-in-time restore (the application
                                    deletes its later logs)
${BACKEND_FLAGS_HELP}
${SHARED_FLAGS_HELP}

A signal (Ctrl+C, SIGTERM, SIGHUP, Ctrl+Break) stops waiting for the add-in: exit 4.

${exitCodesHelp([ExitCode.OK, ExitCode.FAILED, ...COMMON_EXIT_CODES], { [ExitCode.FAILED]: 'the add-in refused (RestoreFailedError)' })}`;

const APP_OPTIONS = { ...BACKEND_OPTIONS, app: { type: 'string' } } as const;

const HOOK_OPTIONS = {
  ...APP_OPTIONS,
  component: { type: 'string' },
  'logical-path': { type: 'string' },
  metadata: { type: 'string' },
  'no-roll-forward': { type: 'boolean' },
} as const;

const ORDER_OPTIONS = { ...APP_OPTIONS, component: { type: 'string', multiple: true } } as const;

const HOOKS = {
  pre: { call: 'PreRestore', invoke: preRestore },
  post: { call: 'PostRestore', invoke: postRestore },
} as const;

function parseHook(argv: readonly string[]) {
  const { values, positionals } = parseCommandLine(argv, HOOK_OPTIONS);
  noMorePositionals(positionals, 0);
  const request: RestoreRequest = {
    component: values.component,
    logicalPath: values['logical-path'],
    writerMetadata: readMetadata(values.metadata),
    noRollForward: values['no-roll-forward'] === true,
  };
  return { values, app: required(values.app, '--app'), request };
}

async function runHook(step: keyof typeof HOOKS, argv: readonly string[], io: CliIo): Promise<number> {
  const { values, app, request } = parseHook(argv);
  const { call, invoke } = HOOKS[step];
  const fields = { command: `restore ${step}`, app, component: request.component ?? null } as const;
  const target = targetLabel(app, request.component);
  io.trail.at(`restore: ${call}`);
  try {
    await withBackend(values, io, (backend) => interruptible(io, call, () => invoke(app, request, { backend })), {
      app,
      component: fields.component,
    });
  } catch (error) {
    if (!(error instanceof RestoreFailedError)) throw error;
    // The add-in answered "no": a verdict, reported like a failed check.
    const failed = { ...fields, outcome: 'failed' as const, hresult: error.hresult, hex: error.hex, symbol: error.symbol ?? null };
    return printResult(
      io,
      values.json === true,
      failed,
      `FAILED: ${call} of ${target}: ${codeLabel(error.hresult)}, ${meaningOf(error.hresult)}`,
      ExitCode.FAILED,
    );
  }
  return printResult(io, values.json === true, { ...fields, outcome: 'ok' as const }, `${call} succeeded: ${target}`, ExitCode.OK);
}

function renderOrder(order: readonly ComponentRef[] | null): string {
  if (order === null) return 'any order: the add-in has no preference';
  return order.map((c, i) => `${i + 1}. ${c.name}${c.logicalPath ? `  (logical path ${c.logicalPath})` : ''}`).join('\n');
}

async function runOrder(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, ORDER_OPTIONS);
  noMorePositionals(positionals, 0);
  const app = required(values.app, '--app');
  const components = parseComponentRefs(values.component);
  const order = await withBackend(
    values,
    io,
    (backend) => interruptible(io, 'OrderComponents', () => orderComponents(app, components, { backend })),
    { app, component: null },
  );
  return printResult(io, values.json === true, { command: 'restore order', app, order }, renderOrder(order), ExitCode.OK);
}

async function runRollForward(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, APP_OPTIONS);
  noMorePositionals(positionals, 0);
  const app = required(values.app, '--app');
  const supported = await withBackend(
    values,
    io,
    (backend) => interruptible(io, 'IsRollForwardSupported', () => isRollForwardSupported(app, { backend })),
    {
      app,
      component: null,
    },
  );
  return printResult(io, values.json === true, { command: 'restore roll-forward', app, supported }, supported ? 'yes' : 'no', ExitCode.OK);
}

const STEPS: Readonly<Record<string, (argv: readonly string[], io: CliIo) => Promise<number>>> = {
  pre: (argv, io) => runHook('pre', argv, io),
  post: (argv, io) => runHook('post', argv, io),
  order: runOrder,
  'roll-forward': runRollForward,
};

function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [step, ...rest] = argv;
  const runStep = step !== undefined && Object.hasOwn(STEPS, step) ? STEPS[step] : undefined;
  if (!runStep)
    throw new UsageError(
      `${step === undefined ? 'missing step' : `unknown step ${JSON.stringify(step)}`} (steps: ${Object.keys(STEPS).join(', ')})`,
    );
  return runStep(rest, io);
}

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'call the restore hooks: pre, post, order, roll-forward',
  help: HELP,
  run,
};
