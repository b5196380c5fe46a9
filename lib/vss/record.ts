/** A check on a snapshot's running record: what was made, each call and phase timed; frozen into its SnapshotReport. */
import { decode } from '../hresult';
import type { SnapshotCleanup, SnapshotPhase, SnapshotReport, SnapshotVolume, VssCallRecord } from './report';
import type { VssCall, WriterState } from './types';

export class SnapshotRecord {
  readonly calls: VssCallRecord[] = [];
  readonly phases: { phase: SnapshotPhase; elapsedMs: number }[] = [];
  setId: string | null = null;
  writer: SnapshotReport['writer'] = { writerId: '', instanceId: null, name: null, before: null, after: null };
  component: SnapshotReport['component'] = null;
  readonly volumes: SnapshotVolume[] = [];
  cleanup: SnapshotCleanup = 'release';
  verdict: SnapshotReport['verdict'] = null;
  private phaseStarted = 0;

  /** One VSS call's HRESULT, decoded, and its time since `started` (performance.now()). */
  note(call: VssCall, hresult: number, started: number): void {
    const d = decode(hresult);
    this.calls.push({ call, hresult: d.hresult, hex: d.hex, symbol: d.symbol, elapsedMs: Math.round(performance.now() - started) });
  }

  enter(phase: SnapshotPhase): void {
    this.close();
    this.phaseStarted = performance.now();
    this.phases.push({ phase, elapsedMs: 0 });
  }

  writerState(which: 'before' | 'after', state: WriterState): void {
    this.writer = { ...this.writer, [which]: { state: state.state, stateName: state.stateName, lastError: state.lastError } };
  }

  report(): SnapshotReport {
    this.close();
    return {
      setId: this.setId,
      writer: this.writer,
      component: this.component,
      volumes: [...this.volumes],
      phases: [...this.phases],
      cleanup: this.cleanup,
      calls: [...this.calls],
      verdict: this.verdict,
    };
  }

  private close(): void {
    const last = this.phases.at(-1);
    if (last !== undefined && last.elapsedMs === 0) last.elapsedMs = Math.round(performance.now() - this.phaseStarted);
  }
}
