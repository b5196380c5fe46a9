/**
 * `wsbapp doctor`: can this machine run WSB add-ins? Each finding comes with a fix.
 * Uses reg.exe and whoami.exe only, so it works where the native addon does not load.
 */
import { noMorePositionals, parseCommandLine } from '../args';
import { SHARED_FLAGS_HELP, type Command } from '../command';
import { ExitCode } from '../exit-codes';
import type { CliIo } from '../io';
import { writeEvent } from '../ndjson';
import type { DiagnosisFields } from '../schema';
import { printResult } from '../output';
import { serverExecutable, WSB_INTERFACES, WSB_KEY, type RegisteredEntry } from '../../machine/registry';
import { RegistryReader } from '../../machine/registry-reader';
import { styleFor, type Style } from '../style';

const HELP = `Usage: wsbapp doctor [options]

Check that this machine can run Windows Server Backup add-ins: Windows, an elevated process,
the WSB application key, proxy/stub marshalling for the three WSB interfaces, and each add-in's
registered server executable. Every problem comes with a hint to fix it.
Exits 0 when everything is fine, 6 (environment) otherwise.

Options:
${SHARED_FLAGS_HELP}`;

/** One finding, as its `diagnosis` line carries it. */
export type Diagnosis = DiagnosisFields;

const ok = (id: string, summary: string): Diagnosis => ({ id, ok: true, summary, hint: null });
const problem = (id: string, summary: string, hint: string): Diagnosis => ({ id, ok: false, summary, hint });

/** `whoami /groups` lists the High (S-1-16-12288) or System (S-1-16-16384) mandatory level when elevated. */
export function isElevated(whoamiGroups: string): boolean {
  return /\bS-1-16-(?:12288|16384)\b/.test(whoamiGroups);
}

async function elevation(io: CliIo): Promise<Diagnosis> {
  const { status, stdout } = await io.runProgram('whoami.exe', ['/groups']);
  if (status === 0 && isElevated(stdout)) return ok('elevated', 'the process is elevated');
  return problem(
    'elevated',
    'the process is not elevated',
    'run from an elevated prompt (Run as administrator), as a member of Administrators or Backup Operators',
  );
}

async function marshalling(reader: RegistryReader): Promise<Diagnosis[]> {
  const missing = new Set(await reader.unmarshalledInterfaces());
  return WSB_INTERFACES.map((i) =>
    missing.has(i)
      ? problem(
          `marshalling:${i.name}`,
          `no proxy/stub registered for ${i.name} ${i.iid}`,
          `register the proxy/stub DLL for ${i.iid} (HKCR\\Interface\\${i.iid}\\ProxyStubClsid32); installing the Windows Server Backup feature normally does; without it calls fail with E_NOINTERFACE`,
        )
      : ok(`marshalling:${i.name}`, `proxy/stub registered for ${i.name}`),
  );
}

async function addin(app: RegisteredEntry, reader: RegistryReader, io: CliIo): Promise<Diagnosis> {
  const id = `addin:${app.writerId}`;
  const name = JSON.stringify(app.identifier);
  if (app.clsid === null) return ok(id, `${name} has no add-in (nothing to activate)`);
  const registration = await reader.classRegistration(app.clsid);
  if (registration === null)
    return problem(
      id,
      `${name}: add-in class ${app.clsid} is not registered`,
      `reinstall the add-in, or register its class (HKCR\\CLSID\\${app.clsid}\\LocalServer32)`,
    );
  if (registration.kind !== 'LocalServer32')
    return problem(
      id,
      `${name}: add-in class ${app.clsid} is registered in-process only`,
      'WSB add-ins are out-of-process servers: register the add-in executable under LocalServer32',
    );
  const executable = serverExecutable(registration.command, io.env);
  if (!io.fileExists(executable))
    return problem(
      id,
      `${name}: add-in executable ${executable} does not exist`,
      `reinstall the add-in, or correct HKCR\\CLSID\\${app.clsid}\\LocalServer32`,
    );
  return ok(id, `${name}: add-in ${executable}`);
}

async function registrations(reader: RegistryReader, io: CliIo): Promise<Diagnosis[]> {
  const apps = await reader.wsbApplications();
  if (apps === null) {
    return [
      problem(
        'wsb-key',
        `${WSB_KEY} does not exist`,
        'install the Windows Server Backup feature (Install-WindowsFeature Windows-Server-Backup) and the application whose add-in you want to run',
      ),
    ];
  }
  const found = ok('wsb-key', `${apps.length} application(s) registered with Windows Server Backup`);
  return [found, ...(await Promise.all(apps.map((app) => addin(app, reader, io))))];
}

/** Every finding for this machine. Off Windows there is only one. */
export async function diagnose(io: CliIo): Promise<Diagnosis[]> {
  if (io.platform !== 'win32') {
    return [
      problem(
        'windows',
        `this is ${io.platform}, not Windows`,
        'WSB add-ins exist only on Windows; to try wsbapp here, run list, check or restore with --mock',
      ),
    ];
  }
  const reader = new RegistryReader(io.machine);
  const [elevated, marshalled, registered] = await Promise.all([elevation(io), marshalling(reader), registrations(reader, io)]);
  return [ok('windows', 'this is Windows'), elevated, ...marshalled, ...registered];
}

function render(findings: readonly Diagnosis[], style: Style): string {
  return findings
    .map((d) => (d.ok ? `${style.green('ok  ')}  ${d.summary}` : `${style.red('FAIL')}  ${d.summary}\n      fix: ${d.hint}`))
    .join('\n');
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {});
  noMorePositionals(positionals, 0);
  const findings = await diagnose(io);
  const problems = findings.filter((d) => !d.ok).length;
  const json = values.json === true;
  if (json) for (const finding of findings) writeEvent(io.stdout, 'diagnosis', finding);
  const fields = { command: 'doctor', outcome: problems === 0 ? 'ok' : 'problems', problems } as const;
  return printResult(io, json, fields, render(findings, styleFor(io.stdout, io.env)), problems === 0 ? ExitCode.OK : ExitCode.ENVIRONMENT);
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check this machine: Windows, elevation, WSB, marshalling, add-ins',
  help: HELP,
  run,
};
