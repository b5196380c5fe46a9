/**
 * Command-line values that become request fields: the writer metadata file, volume pairs and
 * components. The library validates the values themselves (paths, lengths) and names the field.
 */
import { readFileSync } from 'node:fs';
import type { ComponentRef, VolumePair } from '../index';
import { splitPair } from './args';
import { UsageError } from './usage-error';

/** The writer metadata XML from `path` (UTF-8, BOM dropped), or null when no --metadata was given. */
export function readMetadata(path: string | undefined): string | null {
  if (path === undefined) return null;
  try {
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new UsageError(`--metadata: cannot read ${path}: ${(error as Error).message}`);
  }
}

/** `--volume SOURCE=SNAPSHOT`, repeatable. */
export function parseVolumes(values: readonly string[] | undefined): VolumePair[] {
  return (values ?? []).map((text) => {
    const [source, snapshot] = splitPair(text, '--volume', 'SOURCE=SNAPSHOT');
    if (snapshot === undefined) throw new UsageError(`--volume must look like SOURCE=SNAPSHOT, got ${JSON.stringify(text)}`);
    return { source, snapshot };
  });
}

/** `--component NAME[=LOGICALPATH]`, repeatable; the logical path defaults to empty. */
export function parseComponentRefs(values: readonly string[] | undefined): ComponentRef[] {
  if (!values || values.length === 0) throw new UsageError('missing --component (give one per component: NAME or NAME=LOGICALPATH)');
  return values.map((text) => {
    const [name, logicalPath] = splitPair(text, '--component', 'NAME or NAME=LOGICALPATH');
    return { name, logicalPath: logicalPath ?? '' };
  });
}
