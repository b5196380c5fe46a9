/**
 * scripts/gen-hresults.js on small headers written here, so that the rules are tested on any
 * machine; the real headers are compared with the committed table by `npm run check:hresults`.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'gen-hresults.js');

const WINERROR = `#ifndef _WINERROR_
#define _WINERROR_
#define FACILITY_WIN32 7
#define SEC_E_OK ((HRESULT)0x00000000)
#define ERROR_SUCCESS __MSABI_LONG(0)
#define ERROR_FILE_NOT_FOUND __MSABI_LONG(2) /* a comment */
#define ERROR_ACCESS_DENIED __MSABI_LONG(5)
#define ERROR_OUTOFMEMORY 14L
#define DNS_ERROR_NO_MEMORY ERROR_OUTOFMEMORY
#define ERROR_INSUFFICIENT_BUFFER __MSABI_LONG(122)
#define WSABASEERR 10000
#define WSAEINTR (WSABASEERR + 4)
#define HRESULT_CODE(hr) ((hr) & 0xFFFF)
#define S_OK ((HRESULT)0x00000000)
#define OLE_E_FIRST ((HRESULT)0x80040000)
#define E_OUTOFMEMORY _HRESULT_TYPEDEF_(0x8007000E)
#define E_ACCESSDENIED _HRESULT_TYPEDEF_(0x80070005)
#define E_NOT_SUFFICIENT_BUFFER HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER)
#include <fltwinerror.h>
#endif
`;
const FLTWINERROR = '#define ERROR_FLT_NO_HANDLER_DEFINED ((HRESULT)0x801f0001)\n';
const VSSERROR = '#define VSS_E_UNEXPECTED_PROVIDER_ERROR ((HRESULT)0x8004230F)\n';
const CODES = { S_OK: { meaning: 'ok' }, WSBAPP_E_X: { hresult: '0x807A0001', meaning: 'x' } };

interface Run {
  readonly status: number | null;
  readonly stderr: string;
  readonly dir: string;
}

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** The generator on the headers, project list and outputs of `dir`. */
function generator(dir: string, ...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [SCRIPT, '--include', dir, '--codes', join(dir, 'codes.json'), '--out-dir', dir, ...args], {
    encoding: 'utf8',
  });
}

/** Write the test headers, `files` replacing some, in a new directory and run the generator there. */
function run(files: Record<string, string>): Run {
  const dir = mkdtempSync(join(tmpdir(), 'wsbapp-gen-test-'));
  dirs.push(dir);
  const all: Record<string, string> = {
    'winerror.h': WINERROR,
    'fltwinerror.h': FLTWINERROR,
    'vsserror.h': VSSERROR,
    'codes.json': JSON.stringify(CODES),
    ...files,
  };
  for (const [name, text] of Object.entries(all)) writeFileSync(join(dir, name), text);
  const { status, stderr } = generator(dir);
  return { status, stderr, dir };
}

function tableOf(dir: string): string[] {
  return (JSON.parse(readFileSync(join(dir, 'hresult-table.json'), 'utf8')) as { codes: string[] }).codes;
}

describe('gen-hresults', () => {
  test('reads every kind of definition, follows includes, and orders names by the collision rule', () => {
    const { status, stderr, dir } = run({});
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(tableOf(dir)).toEqual(
      [
        '00000000 S_OK SEC_E_OK ERROR_SUCCESS', // (1) the project's name first
        '80070002 ERROR_FILE_NOT_FOUND', // Win32 errors as HRESULT_FROM_WIN32
        '80070005 E_ACCESSDENIED ERROR_ACCESS_DENIED', // (2) an HRESULT over a Win32 error
        '8007000E E_OUTOFMEMORY ERROR_OUTOFMEMORY DNS_ERROR_NO_MEMORY', // (3) then header order
        '8007007A E_NOT_SUFFICIENT_BUFFER ERROR_INSUFFICIENT_BUFFER',
        '80072714 WSAEINTR',
        '801F0001 ERROR_FLT_NO_HANDLER_DEFINED',
        '8004230F VSS_E_UNEXPECTED_PROVIDER_ERROR',
        '807A0001 WSBAPP_E_X',
      ].sort((a, b) => a.localeCompare(b)),
    );
    expect(JSON.parse(readFileSync(join(dir, 'hresult-known.json'), 'utf8'))).toMatchObject({
      values: { S_OK: '0x00000000', WSBAPP_E_X: '0x807A0001' },
    });
  });

  test('the direct definition leads an alias of the same kind', () => {
    const { dir } = run({ 'vsserror.h': `${VSSERROR}#define VSS_E_ALIAS VSS_E_ZZZ\n#define VSS_E_ZZZ ((HRESULT)0x80042399)\n` });
    expect(tableOf(dir)).toContain('80042399 VSS_E_ZZZ VSS_E_ALIAS');
  });

  test('--check passes on what it wrote and fails, naming the difference, once the file changes', () => {
    const first = run({});
    const again = generator(first.dir, '--check');
    expect(again.status).toBe(0);
    const file = join(first.dir, 'hresult-table.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"80070002 ERROR_FILE_NOT_FOUND"', '"80070002 ERROR_FILE_NOT_FOUND_EDITED"'));
    const changed = generator(first.dir, '--check');
    expect(changed.status).toBe(1);
    expect(changed.stderr).toMatch(
      /hresult-table\.json differs from .*1 only in the committed file, e\.g\. "80070002 ERROR_FILE_NOT_FOUND_EDITED".*run npm run gen:hresults/,
    );
    const kept = /differs from (\S+)/.exec(changed.stderr)?.[1];
    expect(kept).toBeDefined();
    dirs.push(dirname(kept ?? ''));
  });

  test.each([
    [
      'a definition it cannot read',
      { 'vsserror.h': '#define VSS_E_ODD (1 << 3)\n' },
      /vsserror\.h: cannot read #define VSS_E_ODD \(1 << 3\)/,
    ],
    [
      'an alias of nothing',
      { 'vsserror.h': '#define VSS_E_ODD VSS_E_NOWHERE\n' },
      /VSS_E_ODD names VSS_E_NOWHERE, which the headers do not define/,
    ],
    ['a redefinition', { 'vsserror.h': '#define E_ACCESSDENIED ((HRESULT)0x80070006)\n' }, /E_ACCESSDENIED is defined twice/],
    [
      'a Win32 error beyond 16 bits',
      { 'vsserror.h': '#define ERROR_BIG __MSABI_LONG(70000)\n' },
      /ERROR_BIG: Win32 error 70000 does not fit/,
    ],
    [
      'a project code the headers lack',
      { 'codes.json': JSON.stringify({ E_NOWHERE: { meaning: '?' } }) },
      /E_NOWHERE is not in the headers; give its "hresult"/,
    ],
    [
      'a project value the headers already give',
      { 'codes.json': JSON.stringify({ S_OK: { hresult: '0x0', meaning: '?' } }) },
      /S_OK is in the headers \(00000000\); drop its "hresult"/,
    ],
    [
      'two project codes of one value',
      { 'codes.json': JSON.stringify({ S_OK: { meaning: '' }, SEC_E_OK: { meaning: '' } }) },
      /names 00000000 twice: SEC_E_OK, S_OK/,
    ],
  ])('fails on %s', (_what, files, message) => {
    const { status, stderr } = run(files);
    expect(status).toBe(1);
    expect(stderr).toMatch(message);
  });

  test('fails on a missing header, saying which package gives it', () => {
    const { dir } = run({});
    rmSync(join(dir, 'vsserror.h'));
    const result = generator(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${join(dir, 'vsserror.h')} is missing: install Debian's mingw-w64-common`);
  });
});
