/**
 * Releases in flight, process-wide. A Release is handed to a COM thread and returns later; a
 * process that exits first leaves the add-in holding a reference (its server process stays
 * alive until COM's rundown). Everything that releases registers here, so a CLI or an agent can
 * wait for every Release it started before it exits.
 */

const inFlight = new Set<Promise<void>>();

/** Track `release` until it settles; returns it (never rejecting) for the caller to await. */
export function trackRelease(release: Promise<void>): Promise<void> {
  const settled = release.then(
    () => {},
    () => {},
  );
  inFlight.add(settled);
  void settled.finally(() => inFlight.delete(settled));
  return settled;
}

/** How {@link waitForReleases} ended. */
export interface ReleaseWait {
  /** True when every release in flight returned before the timeout. */
  readonly settled: boolean;
  /** Releases still in flight when it returned. */
  readonly pending: number;
}

/**
 * Wait until every release in flight (those started before and during the wait) has returned,
 * or `timeout` ms have passed. Never rejects. Call it before `process.exit()`.
 */
export async function waitForReleases(options: { readonly timeout?: number } = {}): Promise<ReleaseWait> {
  const timeoutMs = options.timeout ?? 5_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), timeoutMs);
  });
  try {
    while (inFlight.size > 0) {
      if ((await Promise.race([Promise.all(inFlight), expired])) === 'expired') break;
    }
  } finally {
    clearTimeout(timer);
  }
  return { settled: inFlight.size === 0, pending: inFlight.size };
}
