/**
 * What `wsbapp check` prints: status events, warnings and the verdict, for humans (stdout for
 * the verdict, stderr for warnings) or as NDJSON.
 */
import { counted } from '../counted';
import {
  HRESULT,
  type CheckFailedError,
  type CheckResult,
  type SnapshotCheckResult,
  type SnapshotReport,
  type StatusEvent,
} from '../index';
import { ExitCode, type ExitCodeValue } from './exit-codes';
import type { CliIo } from './io';
import { writeEvent } from './ndjson';
import { formatSeconds, type Progress } from './progress';
import { printResult } from './output';
import type { CheckResultFields } from './schema';
import { codeLabel, meaningOf, targetLabel } from './status-text';
import { styleFor } from './style';

const HUMAN_OUTCOME: Readonly<Record<CheckResult['outcome'], string>> = {
  consistent: 'consistent',
  'no-check-required': 'no check required',
  'undocumented-success': 'finished with an undocumented success code',
};

/** The verdict fields of the `result` event. */
type VerdictFields = Pick<CheckResultFields, 'outcome' | 'hresult' | 'hex' | 'symbol' | 'undocumented'>;

/** The snapshot a check on a snapshot ran on, for humans: the set, each volume and its device, the end. */
export function snapshotLines(snapshot: SnapshotReport): string[] {
  const phases = snapshot.phases.map((p) => `${p.phase} ${formatSeconds(p.elapsedMs)}`).join(', ');
  return [
    `  snapshot set ${snapshot.setId ?? '(none)'}, ended by ${snapshot.cleanup}; ${phases}`,
    ...snapshot.volumes.map((v) => `  ${v.volume} -> ${v.device ?? '(not made)'}`),
  ];
}

export class CheckReport {
  /** QueryStatus calls seen so far. */
  polls = 0;
  /** The last status seen. */
  last: number | undefined;
  private warnedMetadataValue = false;

  constructor(
    private readonly io: CliIo,
    readonly json: boolean,
    /** The application as given on the command line. */
    private readonly app: string,
    private readonly component: string | null,
    /** Where human-readable warnings go, so they do not collide with the spinner. */
    private readonly progress: Pick<Progress, 'note'>,
  ) {}

  /** `"Contoso Mail" / "Mailbox Database 01"`. */
  get target(): string {
    return targetLabel(this.app, this.component);
  }

  status(event: StatusEvent): void {
    this.polls = event.polls;
    this.last = event.hresult;
    if (this.json) writeEvent(this.io.stdout, 'status', event);
    if (event.hresult === HRESULT.WSBAPP_ASYNC_IN_PROGRESS_METADATA && !this.warnedMetadataValue) {
      this.warnedMetadataValue = true;
      // Windows Server Backup is built against the SDK header and compares with 0x407A0004.
      this.warn(
        'IN_PROGRESS_METADATA_VALUE',
        'the add-in reports "in progress" as 0x007A0004, not the SDK value 0x407A0004; Windows Server Backup may take its running check for finished',
      );
    }
  }

  /** The check ended without failing. */
  verdict(result: CheckResult | SnapshotCheckResult): number {
    if (result.undocumented)
      this.warn('UNDOCUMENTED_SUCCESS', `the final status ${codeLabel(result.hresult)} is a success code the WSB API does not define`);
    const fields: VerdictFields = {
      outcome: result.outcome,
      hresult: result.hresult,
      hex: result.hex,
      symbol: result.symbol ?? null,
      undocumented: result.undocumented,
    };
    const snapshot = 'snapshot' in result ? result.snapshot : undefined;
    this.finish(fields, result.polls, result.elapsedMs, ExitCode.OK, HUMAN_OUTCOME[result.outcome], snapshot);
    return ExitCode.OK;
  }

  /** The add-in reported that the check failed. */
  failed(error: CheckFailedError): number {
    const fields: VerdictFields = {
      outcome: 'failed',
      hresult: error.hresult,
      hex: error.hex,
      symbol: error.symbol ?? null,
      undocumented: false,
    };
    this.finish(fields, error.polls, error.elapsedMs, ExitCode.FAILED, 'FAILED', error.snapshot);
    return ExitCode.FAILED;
  }

  private finish(
    fields: VerdictFields,
    polls: number,
    elapsedMs: number,
    exitCode: ExitCodeValue,
    label: string,
    snapshot: SnapshotReport | undefined,
  ): void {
    const style = styleFor(this.io.stdout, this.io.env);
    const paint = exitCode === ExitCode.OK ? style.green : style.red;
    const meaning = fields.outcome === 'failed' ? `, ${meaningOf(fields.hresult)}` : '';
    const verdict = `${paint(label)}: ${this.target}: ${codeLabel(fields.hresult)}${meaning} (${counted(polls, 'poll')}, ${formatSeconds(elapsedMs)})`;
    const human = snapshot === undefined ? verdict : [verdict, ...snapshotLines(snapshot)].join('\n');
    printResult(
      this.io,
      this.json,
      {
        command: 'check',
        app: this.app,
        component: this.component,
        ...fields,
        polls,
        elapsedMs,
        ...(snapshot === undefined ? {} : { snapshot }),
      },
      human,
      exitCode,
    );
  }

  private warn(code: string, message: string): void {
    if (this.json) writeEvent(this.io.stdout, 'warning', { code, message });
    else this.progress.note(`${styleFor(this.io.stderr, this.io.env).yellow('warning')}: ${message}`);
  }
}
