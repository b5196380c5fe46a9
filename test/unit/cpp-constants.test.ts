/**
 * Constants the C++ keeps beside the TypeScript, checked against it.
 *
 * HRESULTs: the C++ keeps its few (native/com/abi.h; a standalone one here and there in
 * the sample add-in and the benchmark client): each names its code, as `k<SYMBOL> = hr(0x...)` or
 * with a trailing `// SYMBOL`, and its value must be the one the generated table gives.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REGISTRY_ROOTS } from '../../lib/machine/programs';
import { WSB_INTERFACES } from '../../lib/machine/registry';
import { hresultOf, toHex } from '../../lib/hresult';
import { VSS_CANCEL_WAIT_MS } from '../../lib/vss/run';
import { VSS_CALLS } from '../../lib/vss/types';

const ROOT = join(__dirname, '..', '..');
const SOURCES = /\.(h|cc|cpp)$/;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'build' ? [] : sourcesUnder(path);
    return SOURCES.test(entry.name) ? [path] : [];
  });
}

interface CppConstant {
  readonly where: string;
  readonly symbol: string;
  readonly value: number;
}

const NAMED = /\bk([A-Z][A-Z0-9_]+)\s*=\s*hr\((0x[0-9A-Fa-f]+)\)/;
const COMMENTED = /\((0x[0-9A-Fa-f]{8})\);\s*\/\/\s*([A-Z][A-Z0-9_]+)\b/;

function constantsOf(file: string): CppConstant[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, i) => {
      const where = `${relative(ROOT, file)}:${i + 1}`;
      const named = NAMED.exec(line);
      if (named) return [{ where, symbol: named[1], value: Number(named[2]) >>> 0 }];
      const commented = COMMENTED.exec(line);
      return commented ? [{ where, symbol: commented[2], value: Number(commented[1]) >>> 0 }] : [];
    });
}

const constants = ['native', 'examples', 'bench'].flatMap((dir) => sourcesUnder(join(ROOT, dir))).flatMap(constantsOf);

test('finds the constants of native/com/abi.h and the standalone ones', () => {
  const symbols = constants.map((c) => c.symbol);
  expect(symbols).toEqual(
    expect.arrayContaining([
      'S_OK',
      'E_FAIL',
      'E_POINTER',
      'RPC_E_SERVERCALL_RETRYLATER',
      'REGDB_E_CLASSNOTREG',
      'WSBAPP_ASYNC_IN_PROGRESS',
    ]),
  );
  expect(constants.filter((c) => c.where.startsWith('native/com/abi.h')).length).toBeGreaterThanOrEqual(12);
});

test.each(constants.map((c) => [c.where, c.symbol, c]))('%s: %s has the value of the table', (_where, _symbol, c) => {
  expect(toHex(hresultOf(c.symbol) ?? Number.NaN)).toBe(toHex(c.value));
});

// native/scenario/model.h keeps its own few: the sample add-in includes it beside its
// widl-generated header, which declares the interfaces abi.h declares too.
const CONSTANT_HOMES = ['native/com/abi.h', 'native/scenario/model.h'];

test('HRESULT constants are written only in native/com/abi.h and native/scenario/model.h within native/', () => {
  const elsewhere = constants.filter((c) => c.where.startsWith('native/') && !CONSTANT_HOMES.some((home) => c.where.startsWith(home)));
  expect(elsewhere).toEqual([]);
});

describe('interface IIDs', () => {
  const abi = readFileSync(join(ROOT, 'native', 'com', 'abi.h'), 'utf8');

  /** `{0x1EFF3510, 0x4A27, 0x46AD, {0xB9, 0xE0, ...}}` of `kIID_<name>` as `{1EFF3510-4A27-46AD-B9E0-...}`. */
  function abiIid(name: string): string | undefined {
    const m = new RegExp(String.raw`kIID_${name} = \{\s*0x(\w{8}), 0x(\w{4}), 0x(\w{4}), \{((?:0x\w{2},? ?){8})\}\}`).exec(abi);
    if (!m) return undefined;
    const bytes = m[4].split(',').map((b) => b.trim().slice(2));
    return `{${m[1]}-${m[2]}-${m[3]}-${bytes.slice(0, 2).join('')}-${bytes.slice(2).join('')}}`.toUpperCase();
  }

  /** The IID the sample add-in's IDL declares for `name`. */
  function idlIid(name: string): string | undefined {
    const idl = readFileSync(join(ROOT, 'examples', 'sample-addin', 'wsbapp.idl'), 'utf8');
    const m = new RegExp(String.raw`uuid\(([0-9A-Fa-f-]{36})\)[^\]]*\]\s*interface ${name}\b`).exec(idl);
    return m ? `{${m[1].toUpperCase()}}` : undefined;
  }

  test.each(WSB_INTERFACES.map((i) => [i.name, i.iid]))(
    '%s: lib/machine/registry.ts, native/com/abi.h and the sample IDL agree on %s',
    (name, iid) => {
      expect(abiIid(name)).toBe(iid);
      expect(idlIid(name)).toBe(iid);
    },
  );
});

test('the registry roots the addon reads (native/com/machine_win32.cc) are those the reg.exe fallback names', () => {
  const source = readFileSync(join(ROOT, 'native', 'com', 'machine_win32.cc'), 'utf8');
  const roots = [...source.matchAll(/\{L"(HK[A-Z]+)", L"(HKEY_[A-Z_]+)", HKEY_[A-Z_]+\}/g)].map((m) => [m[1], m[2]]);
  expect(Object.fromEntries(roots)).toEqual(REGISTRY_ROOTS);
});

test('the VSS steps the C++ scenario reader knows (native/scenario/model.h kVssCalls) are lib/vss/types.ts VSS_CALLS', () => {
  const source = readFileSync(join(ROOT, 'native', 'scenario', 'model.h'), 'utf8');
  const list = /kVssCalls\[\] = \{([^}]*)\}/.exec(source)?.[1] ?? '';
  expect([...list.matchAll(/"([A-Za-z]+)"/g)].map((m) => m[1])).toEqual(VSS_CALLS);
});

test('a native wait gives up on an async that ignores IVssAsync::Cancel when the TypeScript side does (kCancelledWaitMs, VSS_CANCEL_WAIT_MS)', () => {
  const source = readFileSync(join(ROOT, 'native', 'com', 'vss_abi.h'), 'utf8');
  expect(Number(/kCancelledWaitMs = (\d+);/.exec(source)?.[1])).toBe(VSS_CANCEL_WAIT_MS);
});
