#!/usr/bin/env node
// Writes lib/hresult-table.json, every HRESULT symbol and value, from an independent source:
// mingw-w64's winerror.h (with the fltwinerror.h it includes) and vsserror.h, as Debian's
// mingw-w64-common installs them (scripts/wine/setup.sh), plus the WSB SDK's own codes, which
// mingw-w64 does not ship, from the project's list (lib/wsb-codes.json).
//
// It also writes lib/hresult-known.json, the values of the project's codes taken from the table.
//
//   node scripts/gen-hresults.js            regenerate both files
//   node scripts/gen-hresults.js --check    regenerate into a temporary directory; exit 1 when
//                                           either differs from the committed one
//   --include DIR   the headers' directory (default /usr/share/mingw-w64/include)
//   --codes FILE    the project's list (default lib/wsb-codes.json)
//   --out-dir DIR   where to write or, with --check, what to compare (default lib/)
//
// What counts as a code: every object-like #define whose value is an HRESULT (_HRESULT_TYPEDEF_,
// an (HRESULT) cast, HRESULT_FROM_WIN32(...)) or a Win32 error number (__MSABI_LONG(n), a plain
// number, WSABASEERR + n), stored as its HRESULT_FROM_WIN32 value; an alias (#define A B) takes
// B's value. Range markers, bases, masks, facility and severity numbers are not codes. Anything
// else fails the run, so a new kind of definition is never dropped silently.
//
// One value often has several names (ERROR_ACCESS_DENIED and E_ACCESSDENIED are both
// 0x80070005). Each line of the table is a value and all its names; the first is the one a value
// is shown with, chosen by, in order: (1) a name in the project's list; (2) a name the header
// defines as an HRESULT over one defined as a Win32 error; (3) a direct definition over an
// alias; (4) the first in header order (winerror.h, fltwinerror.h, vsserror.h). The other names
// follow in header order. Every name parses to its value.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, relative } = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = join(__dirname, '..');
const TABLE_FILE = 'hresult-table.json';
const KNOWN_FILE = 'hresult-known.json';
const DEFAULTS = {
  include: '/usr/share/mingw-w64/include',
  codes: join(ROOT, 'lib', 'wsb-codes.json'),
  'out-dir': join(ROOT, 'lib'),
};
const HEADERS = ['winerror.h', 'vsserror.h'];
const DEBIAN_PACKAGE = 'mingw-w64-common';

/** Names that carry a number but are not codes: range markers, bases, masks, facilities, severities. */
const NOT_A_CODE = /^(FACILITY_\w+|SEVERITY_\w+|\w+_(FIRST|LAST|BASE|MASK)|WSABASEERR|__IN__WINERROR_)$/;
const NUMBER = String.raw`(0x[0-9A-Fa-f]+|\d+)[UL]*`;
const FORMS = [
  { kind: 'hresult', pattern: new RegExp(String.raw`^_HRESULT_TYPEDEF_\(${NUMBER}\)$`) },
  { kind: 'hresult', pattern: new RegExp(String.raw`^\(\(HRESULT\)\s*${NUMBER}\)$`) },
  { kind: 'win32', pattern: new RegExp(String.raw`^__MSABI_LONG\(${NUMBER}\)$`) },
  { kind: 'win32', pattern: new RegExp(String.raw`^${NUMBER}$`) },
];
const WSA_OFFSET = new RegExp(String.raw`^\(WSABASEERR\s*\+\s*${NUMBER}\)$`);
const FROM_WIN32 = /^HRESULT_FROM_WIN32\((\w+)\)$/;
const ALIAS = /^([A-Za-z_]\w*)$/;

function fail(message) {
  process.stderr.write(`gen-hresults: ${message}\n`);
  process.exit(1);
}

/** `HRESULT_FROM_WIN32(error)` for a Win32 error number, unsigned. */
function fromWin32(error, name) {
  if (error > 0xffff) fail(`${name}: Win32 error ${error} does not fit HRESULT_FROM_WIN32's 16 bits`);
  return error === 0 ? 0 : (0x80070000 | error) >>> 0;
}

/** Every object-like #define of `file` and the headers it includes from the same directory, in order. */
function readDefines(dir, file, out = []) {
  const text = readFileSync(join(dir, file), 'latin1')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/.*$/gm, '');
  for (const line of text.split('\n')) {
    const include = /^\s*#\s*include\s*<(\w+\.h)>/.exec(line);
    if (include) readDefines(dir, include[1], out);
    const define = /^\s*#\s*define\s+([A-Za-z_]\w*)(\(?)\s*(.*?)\s*$/.exec(line);
    // Function-like macros and include guards (no body) define no code.
    if (define && define[2] === '' && define[3] !== '') out.push({ name: define[1], body: define[3], file });
  }
  return out;
}

/** Resolve each definition to `{ name, value, kind, alias, order }`; aliases after what they name. */
function resolve(defines) {
  const byName = new Map();
  defines.forEach((d, order) => {
    const first = byName.get(d.name);
    if (!first) byName.set(d.name, { ...d, order });
    else if (first.body !== d.body) fail(`${d.name} is defined twice: ${first.body} (${first.file}) and ${d.body} (${d.file})`);
  });
  const resolved = new Map();
  const valueOf = (name, from) => {
    if (resolved.has(name)) return resolved.get(name);
    const d = byName.get(name);
    if (!d) fail(`${from} names ${name}, which the headers do not define`);
    const code = evaluate(d, valueOf);
    resolved.set(name, code);
    return code;
  };
  for (const d of byName.values()) if (!NOT_A_CODE.test(d.name)) valueOf(d.name, d.name);
  return [...resolved.values()].filter((code) => !NOT_A_CODE.test(code.name));
}

function evaluate(d, valueOf) {
  const code = (value, kind, alias = false) => ({ name: d.name, value, kind, alias, order: d.order });
  for (const { kind, pattern } of FORMS) {
    const m = pattern.exec(d.body);
    if (!m) continue;
    const number = Number(m[1]);
    return kind === 'win32' ? code(fromWin32(number, d.name), kind) : code(number >>> 0, kind);
  }
  const wsa = WSA_OFFSET.exec(d.body);
  if (wsa) return code(fromWin32(10000 + Number(wsa[1]), d.name), 'win32');
  const fromWin32Of = FROM_WIN32.exec(d.body);
  if (fromWin32Of) {
    const target = valueOf(fromWin32Of[1], d.name);
    if (target.kind !== 'win32') fail(`${d.name}: HRESULT_FROM_WIN32 of ${target.name}, which is not a Win32 error`);
    return code(target.value, 'hresult');
  }
  const alias = ALIAS.exec(d.body);
  if (alias) {
    const target = valueOf(alias[1], d.name);
    return code(target.value, target.kind, true);
  }
  return fail(`${d.file}: cannot read #define ${d.name} ${d.body}`);
}

/** The project's WSB codes: names for the precedence rule, values for those the headers lack. */
function readProjectCodes(file, headerCodes) {
  const project = JSON.parse(readFileSync(file, 'utf8'));
  const where = relative(ROOT, file);
  const byName = new Map(headerCodes.map((c) => [c.name, c]));
  const added = [];
  for (const [name, entry] of Object.entries(project)) {
    const fromHeader = byName.get(name);
    if (entry.hresult === undefined) {
      if (!fromHeader) fail(`${where}: ${name} is not in the headers; give its "hresult"`);
      continue;
    }
    const value = Number(entry.hresult) >>> 0;
    if (fromHeader) fail(`${where}: ${name} is in the headers (${hex(fromHeader.value)}); drop its "hresult"`);
    added.push({ name, value, kind: 'hresult', alias: false, order: headerCodes.length + added.length });
  }
  return { names: new Set(Object.keys(project)), added };
}

function hex(value) {
  return value.toString(16).toUpperCase().padStart(8, '0');
}

/** The collision rule (see the top of this file), as a sort key: lower sorts first. */
function precedence(projectNames) {
  return (a, b) =>
    Number(!projectNames.has(a.name)) - Number(!projectNames.has(b.name)) ||
    Number(a.kind !== 'hresult') - Number(b.kind !== 'hresult') ||
    Number(a.alias) - Number(b.alias) ||
    a.order - b.order;
}

function tableLines(codes, projectNames) {
  const byValue = new Map();
  for (const c of codes) byValue.set(c.value, [...(byValue.get(c.value) ?? []), c]);
  return [...byValue.entries()]
    .sort(([a], [b]) => a - b)
    .map(([value, names]) => {
      const project = names.filter((c) => projectNames.has(c.name));
      if (project.length > 1) fail(`the project's list names ${hex(value)} twice: ${project.map((c) => c.name).join(', ')}`);
      const [first, ...rest] = [...names].sort(precedence(projectNames));
      return [hex(value), first.name, ...rest.sort((a, b) => a.order - b.order).map((c) => c.name)].join(' ');
    });
}

function packageVersion() {
  try {
    // stderr ignored: without the package, dpkg-query's complaint is what 'unknown' already says.
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', DEBIAN_PACKAGE], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

const GENERATED_BY = 'scripts/gen-hresults.js (npm run gen:hresults); do not edit';

/** The files to write, by name: the whole table, and the project's codes with their values. */
function generate(includeDir, codesFile) {
  const defines = HEADERS.flatMap((file) => readDefines(includeDir, file));
  const headerCodes = resolve(defines);
  const { names, added } = readProjectCodes(codesFile, headerCodes);
  const lines = tableLines([...headerCodes, ...added], names);
  const table = {
    generatedBy: GENERATED_BY,
    source: `${DEBIAN_PACKAGE} ${packageVersion()}: ${[...new Set(defines.map((d) => d.file))].join(', ')}; WSB SDK codes: ${relative(ROOT, codesFile)}`,
    format: 'one value per line: 8 hex digits, the name it is shown with, then its other names',
    codes: lines,
  };
  // The codes a WSB client meets, apart, so that loading lib/hresult.ts need not read the whole table.
  const valueOf = new Map(lines.map((line) => [line.split(' ')[1], line.slice(0, 8)]));
  const known = { generatedBy: GENERATED_BY, values: Object.fromEntries([...names].map((name) => [name, `0x${valueOf.get(name)}`])) };
  const json = (data) => `${JSON.stringify(data, null, 2)}\n`;
  return { [TABLE_FILE]: json(table), [KNOWN_FILE]: json(known) };
}

function main(argv) {
  const options = { check: { type: 'boolean' }, include: { type: 'string' }, codes: { type: 'string' }, 'out-dir': { type: 'string' } };
  const { values } = parseArgs({ args: argv, options });
  const { include, codes, 'out-dir': outDir } = { ...DEFAULTS, ...values };
  for (const file of HEADERS) {
    if (!existsSync(join(include, file)))
      fail(`${join(include, file)} is missing: install Debian's ${DEBIAN_PACKAGE} (npm run setup:wine does)`);
  }
  const files = Object.entries(generate(include, codes));
  if (!values.check) {
    for (const [name, text] of files) writeFileSync(join(outDir, name), text);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wsbapp-hresults-'));
  for (const [name, text] of files) {
    const fresh = join(dir, name);
    writeFileSync(fresh, text);
    const committedFile = join(outDir, name);
    const committed = existsSync(committedFile) ? readFileSync(committedFile, 'utf8') : '';
    if (committed !== text)
      fail(
        `${relative(ROOT, committedFile)} differs from ${fresh} (${describeDifference(committed, text)}): run npm run gen:hresults and commit`,
      );
  }
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${files.map(([name]) => name).join(' and ')} match ${include}\n`);
}

/** `2 lines only in the committed file, e.g. "..."; 1 only in the regenerated one, e.g. "..."`. */
function describeDifference(committed, fresh) {
  const onlyIn = (a, b) => {
    const other = new Set(b.split('\n'));
    return a.split('\n').filter((line) => !other.has(line));
  };
  const side = (lines, where) => `${lines.length} only in the ${where}${lines.length ? `, e.g. ${lines[0].trim()}` : ''}`;
  return `${side(onlyIn(committed, fresh), 'committed file')}; ${side(onlyIn(fresh, committed), 'regenerated one')}`;
}

main(process.argv.slice(2));
