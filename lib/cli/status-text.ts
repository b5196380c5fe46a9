/**
 * A QueryStatus status in words, for the progress line and the verdict.
 */
import { classifyStatus, decode } from '../index';
import { hresultLabel } from '../errors';

/** `0x407A0004 WSBAPP_ASYNC_IN_PROGRESS`. */
export const codeLabel = hresultLabel;

/** The known meaning of a code, or a plain admission that it is not known. */
export function meaningOf(hresult: number): string {
  const d = decode(hresult);
  return d.meaning ?? (d.failed ? 'a failure code wsbapp does not know' : 'a success code wsbapp does not know');
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
