/**
 * Events on `node:diagnostics_channel`, so a tool or an agent can watch checks and calls without
 * wrapping them. Every publisher looks at `hasSubscribers` first: with nobody listening, no
 * message is built. Plain channels, not TracingChannel: that arrived after Node 18.18, the oldest
 * Node this package supports.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ApplicationSelector } from './applications';
import type { CheckResult } from './check';
import type { WsbCall } from './errors';
import type { AbortOutcome, StatusEvent } from './poll';

/** The channel names, one per event. */
export const DIAGNOSTICS_CHANNELS = {
  checkStart: 'wsbapp:check:start',
  checkStatus: 'wsbapp:check:status',
  checkAbort: 'wsbapp:check:abort',
  checkRelease: 'wsbapp:check:release',
  checkEnd: 'wsbapp:check:end',
  callStart: 'wsbapp:call:start',
  callEnd: 'wsbapp:call:end',
} as const;

/** `wsbapp:check:start`: a check began (its request and options are valid; nothing is activated yet). */
export interface CheckStartMessage {
  /** Identifies the check in every message about it (and is `ConsistencyCheck.id`). */
  readonly id: number;
  /** The application as the request named it. */
  readonly application: ApplicationSelector;
  readonly component: string | null;
  /** `Date.now()` at the start. */
  readonly startedAt: number;
}

/** `wsbapp:check:status`: one QueryStatus answered (one message per QueryStatus, whoever asked). */
export interface CheckStatusMessage {
  readonly id: number;
  readonly event: StatusEvent;
}

/** `wsbapp:check:abort`: an Abort call came back, or its wait (`abortTimeout`) ran out. */
export interface CheckAbortMessage extends AbortOutcome {
  readonly id: number;
}

/** `wsbapp:check:release`: the check's objects (async object and add-in) were handed back. */
export interface CheckReleaseMessage {
  readonly id: number;
}

/**
 * `wsbapp:check:end`, the last message of a check: after its release, or at once when it failed
 * before it had a handle. `result` or `error` is what its verdict (`checkConsistency()`, the last
 * `wait()`) gave; a handle released without a verdict has neither.
 */
export interface CheckEndMessage {
  readonly id: number;
  readonly elapsedMs: number;
  readonly result?: CheckResult;
  readonly error?: unknown;
}

/** `wsbapp:call:start`: a listing or restore call began (activation included for the one-shot calls). */
export interface CallStartMessage {
  /** Identifies the call in its end message. */
  readonly id: number;
  /** The COM call: `ListApplications`, `Activate` (openRestoreSession), `PreRestore`, ... */
  readonly call: WsbCall;
  /** The application as the caller named it (not yet validated), for calls on one; a session's calls name its identifier. */
  readonly application?: ApplicationSelector;
  /** The component, for PreRestore and PostRestore. */
  readonly component?: string | null;
}

/** `wsbapp:call:end`: the call settled, with its `result` or its `error`. */
export interface CallEndMessage {
  readonly id: number;
  readonly call: WsbCall;
  readonly elapsedMs: number;
  readonly result?: unknown;
  readonly error?: unknown;
}

const channel = {
  checkStart: diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.checkStart),
  checkStatus: diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.checkStatus),
  checkAbort: diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.checkAbort),
  checkRelease: diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.checkRelease),
  checkEnd: diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.checkEnd),
  callStart: diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.callStart),
  callEnd: diagnosticsChannel.channel(DIAGNOSTICS_CHANNELS.callEnd),
};

let lastId = 0;

/** A new id for a check or a call, unique in the process. */
export function nextId(): number {
  lastId += 1;
  return lastId;
}

export function publishCheckStart(id: number, application: ApplicationSelector, component: string | null, startedAt: number): void {
  if (channel.checkStart.hasSubscribers) channel.checkStart.publish({ id, application, component, startedAt } satisfies CheckStartMessage);
}

export function publishCheckStatus(id: number, event: StatusEvent): void {
  if (channel.checkStatus.hasSubscribers) channel.checkStatus.publish({ id, event } satisfies CheckStatusMessage);
}

export function publishCheckAbort(id: number, outcome: AbortOutcome): void {
  if (channel.checkAbort.hasSubscribers) channel.checkAbort.publish({ id, ...outcome } satisfies CheckAbortMessage);
}

export function publishCheckRelease(id: number): void {
  if (channel.checkRelease.hasSubscribers) channel.checkRelease.publish({ id } satisfies CheckReleaseMessage);
}

/** How a check's verdict went, for its end message. */
export type CheckEnding = { readonly result: CheckResult } | { readonly error: unknown } | undefined;

export function publishCheckEnd(id: number, startedAt: number, ending: CheckEnding): void {
  if (channel.checkEnd.hasSubscribers)
    channel.checkEnd.publish({ id, elapsedMs: Date.now() - startedAt, ...ending } satisfies CheckEndMessage);
}

/** Run `work` as one traced call: `wsbapp:call:start`, then `wsbapp:call:end` with its result or error. */
export async function traceCall<T>(
  call: WsbCall,
  target: Pick<CallStartMessage, 'application' | 'component'>,
  work: () => Promise<T>,
): Promise<T> {
  if (!channel.callStart.hasSubscribers && !channel.callEnd.hasSubscribers) return work();
  const id = nextId();
  const startedAt = Date.now();
  if (channel.callStart.hasSubscribers) channel.callStart.publish({ id, call, ...target } satisfies CallStartMessage);
  const end = (settled: { result: T } | { error: unknown }) => {
    if (channel.callEnd.hasSubscribers)
      channel.callEnd.publish({ id, call, elapsedMs: Date.now() - startedAt, ...settled } satisfies CallEndMessage);
  };
  try {
    const result = await work();
    end({ result });
    return result;
  } catch (error) {
    end({ error });
    throw error;
  }
}
