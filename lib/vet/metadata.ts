/**
 * Writer metadata: the components it declares (for `--metadata`), and a document of real size
 * for the large-metadata rule.
 */
import type { ComponentRef } from '../backends/types';
import type { CheckTarget } from './context';

/** At least this many UTF-16 units of writer metadata are tried (1 MiB of text). */
export const LARGE_METADATA_UNITS = 1024 * 1024;

const COMPONENT = /<COMPONENT\b([^>]*)>/gi;

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(attributes);
  const raw = match?.[1] ?? match?.[2];
  return raw
    ?.replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The components (`<COMPONENT componentName=... logicalPath=...>`) a writer metadata document declares. */
export function componentsOf(metadata: string): ComponentRef[] {
  return [...metadata.matchAll(COMPONENT)].flatMap((match) => {
    const name = attribute(match[1], 'componentName');
    return name === undefined || name === '' ? [] : [{ name, logicalPath: attribute(match[1], 'logicalPath') ?? '' }];
  });
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * Writer metadata of at least LARGE_METADATA_UNITS: the given document when it is that large,
 * else the document followed by file entries in a comment (well-formed either way), or a
 * generated document listing the components and many files.
 */
export function largeMetadata(metadata: string | null, targets: readonly CheckTarget[]): string {
  if (metadata !== null && metadata.length >= LARGE_METADATA_UNITS) return metadata;
  const files: string[] = [];
  for (let size = 0, i = 0; size < LARGE_METADATA_UNITS; i += 1) {
    const line = `<FILE_GROUP path="D:\\Data\\Volume${i % 7}\\" filespec="file${String(i).padStart(7, '0')}.edb" recursive="no"/>\n`;
    files.push(line);
    size += line.length;
  }
  if (metadata !== null) return `${metadata}\n<!-- files of a large writer, for size:\n${files.join('').replace(/--/g, '- -')}-->\n`;
  const components = targets
    .filter((t): t is ComponentRef => t !== null)
    .map((t) => `<COMPONENT componentName="${escape(t.name)}" logicalPath="${escape(t.logicalPath)}"/>`)
    .join('\n');
  return `<?xml version="1.0"?>\n<WRITER_METADATA writerId="{00000000-0000-0000-0000-000000000000}">\n${components}\n${files.join('')}</WRITER_METADATA>\n`;
}
