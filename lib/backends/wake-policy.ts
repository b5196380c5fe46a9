/**
 * The addon's wake-up policy for lone calls, from the environment: WSBAPP_COM_SPIN_US (how long a
 * COM thread that just finished a call may spin for the next one before it sleeps) and
 * WSBAPP_CALLER_SPIN_US (how long the JS thread may spin for a lone call's result). Each spins
 * only while calls come back to back; docs/internals.md has the figures behind the defaults.
 * Unset variables keep the addon's defaults.
 */
import { outOfRange } from '../input-errors';

/** The policy as the addon reports it (binding.wakePolicy). */
export interface WakePolicy {
  readonly comSpinUs: number;
  readonly callerSpinUs: number;
  /** The longest spin the addon takes. */
  readonly maxSpinUs: number;
}

/** The addon's entry point: sets the fields given, returns the policy now. */
export type WakePolicyEntry = (policy?: Partial<Pick<WakePolicy, 'comSpinUs' | 'callerSpinUs'>>) => WakePolicy;

const VARIABLES = { comSpinUs: 'WSBAPP_COM_SPIN_US', callerSpinUs: 'WSBAPP_CALLER_SPIN_US' } as const;

/**
 * Applies the variables of `env` that are set to the addon's policy.
 * @throws RangeError (`code` ERR_OUT_OF_RANGE) naming the variable when it is not a whole number
 *   of microseconds from 0 to the addon's maximum
 */
export function applyWakePolicy(wakePolicy: WakePolicyEntry, env: NodeJS.ProcessEnv): WakePolicy {
  const { maxSpinUs } = wakePolicy();
  const policy: { comSpinUs?: number; callerSpinUs?: number } = {};
  for (const [field, variable] of Object.entries(VARIABLES) as [keyof typeof VARIABLES, string][]) {
    const text = env[variable];
    if (text === undefined || text === '') continue;
    const us = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
    if (!(us <= maxSpinUs))
      throw outOfRange(`${variable} must be a whole number of microseconds from 0 to ${maxSpinUs}, got ${JSON.stringify(text)}`);
    policy[field] = us;
  }
  return wakePolicy(policy);
}
