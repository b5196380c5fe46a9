/**
 * Windows' own words for an HRESULT (FormatMessage), which `wsbapp explain` adds to wsbapp's.
 * The text comes from the addon; only Windows has message tables, so elsewhere nothing is loaded.
 */
import { loadBinding, type NativeBinding } from './load';

/**
 * The system's message for `hresult`, or undefined: off Windows, when the addon does not load or
 * cannot say (explaining a code must not need a build), or when Windows has no text for the code.
 */
export function systemMessageOf(
  hresult: number,
  platform: NodeJS.Platform = process.platform,
  load: () => NativeBinding = loadBinding,
): string | undefined {
  if (platform !== 'win32') return undefined;
  try {
    return load().systemMessage(hresult) || undefined;
  } catch {
    return undefined; // no addon, or one built before it had systemMessage
  }
}
