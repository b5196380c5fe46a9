/** GUIDs as the library writes them: `{UPPER-CASE}`, braces optional on input. */
import { invalidValue } from './input-errors';

/** The digits of a GUID, without braces or anchors: the one pattern other shapes are built from. */
export const GUID_DIGITS = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** A GUID, in braces or bare, never with one brace only (case-insensitive). */
export const GUID = new RegExp(`^(?:\\{${GUID_DIGITS}\\}|${GUID_DIGITS})$`, 'i');

/** `{UPPER-CASE}` form of a GUID, or a TypeError naming `field`. */
export function canonicalGuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !GUID.test(value)) {
    throw invalidValue(`${field} must be a GUID such as {1EFF3510-4A27-46AD-B9E0-08332F0F4F6D}, got ${JSON.stringify(value)}`);
  }
  return `{${value.replace(/[{}]/g, '').toUpperCase()}}`;
}
