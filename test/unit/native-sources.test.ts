/**
 * binding.gyp is the one list of the addon's C++ sources: it names every source file of native/,
 * and the other builds read it (CMakeLists.txt and bench/native/build.sh through
 * scripts/native-sources.js, scripts/wine/build-addon.sh directly) instead of listing their own.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const gyp = JSON.parse(readFileSync(join(ROOT, 'binding.gyp'), 'utf8')) as { targets: { target_name: string; sources: string[] }[] };
const gypSources = gyp.targets.find((t) => t.target_name === 'wsbapp')?.sources ?? [];

function sourcesScript(...args: string[]): string[] {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'native-sources.js'), ...args], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return result.stdout.trim().split('\n');
}

function ccFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ccFilesUnder(path);
    return entry.name.endsWith('.cc') ? [relative(ROOT, path).split('\\').join('/')] : [];
  });
}

/** The sources `text` names itself: `mock/json.cc`, or `json` in a shell brace list `{json,scenario}.cc`. */
function sourcesNamedIn(text: string): string[] {
  return gypSources.filter((source) => {
    const stem = source.replace(/^.*\/|\.cc$/g, '');
    return new RegExp(String.raw`\b${stem}\.cc\b|[{,]${stem}[,}]`).test(text);
  });
}

/** The .cc files of native/ that are not the addon's on every toolchain, and why. */
const NOT_IN_BINDING_GYP = [
  // mingw only (scripts/wine/build-addon.sh adds it): MSVC builds get node-gyp's own hook, and both define it.
  'native/bridge/mingw_delay_load_hook.cc',
  // mingw only (build-addon.sh adds it): the VSS slots checked against mingw-w64's vsbackup.h, at compile time.
  'native/com/vss_abi_check_mingw.cc',
  // The fake vssapi.dll of the real-COM tests under Wine (build-sample-addin.sh builds it).
  'native/mock/fake_vssapi.cc',
  // The scenario file reader of the programs without Node (sample add-in, C++ tests, benchmark);
  // the addon reads scenarios as JS objects.
  'native/scenario/json.cc',
];

test('binding.gyp names every .cc file of native/ but the named exceptions, each once', () => {
  const all = ccFilesUnder(join(ROOT, 'native'));
  expect(all).toEqual(expect.arrayContaining(NOT_IN_BINDING_GYP));
  expect([...gypSources].sort()).toEqual(all.filter((file) => !NOT_IN_BINDING_GYP.includes(file)).sort());
  expect(new Set(gypSources).size).toBe(gypSources.length);
});

test("scripts/native-sources.js prints binding.gyp's list, and --core all but the Node-API bridge", () => {
  expect(sourcesScript()).toEqual(gypSources);
  const core = sourcesScript('--core');
  expect(core).toEqual(gypSources.filter((s) => !s.startsWith('native/bridge/')));
  expect(core).toEqual(expect.arrayContaining(['native/com/wsb_calls.cc', 'native/mock/mock_addin.cc']));
});

test('the check of a build file finds a list kept in it', () => {
  expect(sourcesNamedIn('"$root"/native/com/{wsb_calls,wide_string}.cc\n  native/mock/mock_host.cc')).toEqual([
    'native/com/wide_string.cc',
    'native/com/wsb_calls.cc',
    'native/mock/mock_host.cc',
  ]);
});

test.each(['CMakeLists.txt', 'bench/native/build.sh', 'scripts/wine/build-addon.sh'])(
  '%s reads the list instead of keeping its own',
  (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(text).toMatch(/scripts\/native-sources\.js|binding\.gyp/);
    expect(sourcesNamedIn(text)).toEqual([]);
  },
);
