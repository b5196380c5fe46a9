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

/** Activate `application`'s add-in, waiting through `race`; a late add-in is released on arrival. */
export async function activateWithin(backend: Backend, application: RegisteredApplication, race: Race): Promise<BackendAddin> {
  const givenUp = new AbortController();
  const activation = backend.activate(application, givenUp.signal);
  try {
    return await race('Activate', () => activation);
  } catch (error) {
    givenUp.abort();
    void trackRelease(activation.then((addin) => releaseAll([addin])));
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
