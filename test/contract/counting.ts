/**
 * A Backend decorator for the contract suite: it counts what the library does through the
 * contract (objects handed out and released, Abort calls, QueryStatus concurrency), so the
 * same assertions hold for every backend underneath.
 */
import type { Backend, BackendAddin, BackendOperation, CheckArguments } from '../../lib/backends/types';

export interface Tally {
  activations: number;
  operations: number;
  addinReleases: number;
  operationReleases: number;
  aborts: number;
  queryStatusCalls: number;
  /** The most QueryStatus calls ever in flight on one operation. */
  maxInFlight: number;
  /** Arguments of every CheckConsistency call. */
  checks: CheckArguments[];
}

export function newTally(): Tally {
  return {
    activations: 0,
    operations: 0,
    addinReleases: 0,
    operationReleases: 0,
    aborts: 0,
    queryStatusCalls: 0,
    maxInFlight: 0,
    checks: [],
  };
}

/** Objects handed out and not released. */
export function unreleased(t: Tally): number {
  return t.activations - t.addinReleases + (t.operations - t.operationReleases);
}

function countOperation(inner: BackendOperation, tally: Tally): BackendOperation {
  let inFlight = 0;
  return {
    queryStatus() {
      tally.queryStatusCalls += 1;
      inFlight += 1;
      tally.maxInFlight = Math.max(tally.maxInFlight, inFlight);
      const done = () => {
        inFlight -= 1;
      };
      const call = inner.queryStatus();
      call.then(done, done);
      return call;
    },
    abort() {
      tally.aborts += 1;
      return inner.abort();
    },
    release() {
      tally.operationReleases += 1;
      return inner.release();
    },
  };
}

function countAddin(inner: BackendAddin, tally: Tally): BackendAddin {
  return {
    async checkConsistency(args) {
      tally.checks.push(args);
      const op = await inner.checkConsistency(args);
      if (op === null) return null;
      tally.operations += 1;
      return countOperation(op, tally);
    },
    preRestore: (args) => inner.preRestore(args),
    postRestore: (args) => inner.postRestore(args),
    orderComponents: (components) => inner.orderComponents(components),
    isRollForwardSupported: () => inner.isRollForwardSupported(),
    release() {
      tally.addinReleases += 1;
      return inner.release();
    },
  };
}

/** Wrap `inner` so that `tally` sees every object and call. */
export function countingBackend(inner: Backend, tally: Tally): Backend {
  return {
    name: inner.name,
    listApplications: () => inner.listApplications(),
    async activate(application) {
      const addin = await inner.activate(application);
      tally.activations += 1;
      return countAddin(addin, tally);
    },
  };
}
