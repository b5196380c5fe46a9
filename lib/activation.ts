/**
 * Finding an application and activating its add-in under a deadline. Activation cannot be
 * cancelled (there is no object to release yet), so an add-in that arrives after the caller gave
 * up is released when it arrives, and that release is tracked like any other.
 */
import { findApplication, type parseSelector } from './applications';
import { releaseAll, trackRelease } from './releases';
import type { Backend, BackendAddin, RegisteredApplication } from './backends/types';

/** How a caller waits for a step: its deadline's race (rejects when the caller gives up). */
export type Race = <T>(call: 'ListApplications' | 'Activate', work: () => Promise<T>) => Promise<T>;

/** An activation under way, which its caller may give up on. */
export class PendingActivation {
  private readonly givenUp = new AbortController();
  readonly addin: Promise<BackendAddin>;

  constructor(backend: Backend, application: RegisteredApplication) {
    this.addin = backend.activate(application, this.givenUp.signal);
  }

  /** The caller stopped waiting: the activation no longer holds the process, and a late add-in is released on arrival (tracked). */
  giveUp(): void {
    this.givenUp.abort();
    void trackRelease(this.addin.then((addin) => releaseAll([addin])));
  }
}

/** Activate `application`'s add-in, waiting through `race`; a late add-in is released on arrival. */
export async function activateWithin(backend: Backend, application: RegisteredApplication, race: Race): Promise<BackendAddin> {
  const activation = new PendingActivation(backend, application);
  try {
    return await race('Activate', () => activation.addin);
  } catch (error) {
    activation.giveUp();
    throw error;
  }
}

/** Find the application `selector` names and activate its add-in, both steps through `race`. */
export async function findAndActivate(
  backend: Backend,
  selector: ReturnType<typeof parseSelector>,
  race: Race,
): Promise<{ application: RegisteredApplication; addin: BackendAddin }> {
  const application = await race('ListApplications', () => findApplication(backend, selector));
  return { application, addin: await activateWithin(backend, application, race) };
}
