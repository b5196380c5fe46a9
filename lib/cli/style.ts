/**
 * Colour for humans, never for machines: only on a terminal, and never when NO_COLOR is set
 * (https://no-color.org: any non-empty value).
 */
import type { OutputStream } from './io';

export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string): string => text;

const COLOURED: Style = { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39) };
const PLAIN: Style = { bold: plain, dim: plain, red: plain, green: plain, yellow: plain };

/** True when `stream` is a terminal and NO_COLOR is unset or empty. */
export function colourAllowed(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/** The style for text written to `stream`. */
export function styleFor(stream: OutputStream, env: NodeJS.ProcessEnv): Style {
  return colourAllowed(stream, env) ? COLOURED : PLAIN;
}
