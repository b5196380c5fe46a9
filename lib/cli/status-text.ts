/**
 * A QueryStatus status in words, for the progress line and the verdict.
 */
import { classifyStatus, decode } from '../index';
import { hresultLabel } from '../errors';

/** `0x407A0004 WSBAPP_ASYNC_IN_PROGRESS`. */
export const codeLabel = hresultLabel;

/** wsbapp's meaning of a code, or what little the table says about it. */
export function meaningOf(hresult: number): string {
  const d = decode(hresult);
  if (d.meaning) return d.meaning;
  const kind = d.failed ? 'a failure code' : 'a success code';
  return d.symbol ? `${kind} Windows defines (${d.symbol}), with no WSB-specific meaning` : `${kind} neither Windows nor wsbapp defines`;
}

/** `in progress (0x407A0004 WSBAPP_ASYNC_IN_PROGRESS)`, `failed: <meaning> (0x807A0001 ...)`. */
export function statusWords(hresult: number): string {
  const label = codeLabel(hresult);
  switch (classifyStatus(hresult)) {
    case 'running':
      return `in progress (${label})`;
    case 'succeeded':
      return `done, consistent (${label})`;
    case 'succeeded-undocumented':
      return `done with an undocumented success code (${label})`;
    case 'failed':
      return `failed: ${meaningOf(hresult)} (${label})`;
  }
}

/** `"Contoso Mail" / "Mailbox Database 01"`, or just the application. */
export function targetLabel(app: string, component: string | null | undefined): string {
  return component == null ? JSON.stringify(app) : `${JSON.stringify(app)} / ${JSON.stringify(component)}`;
}
