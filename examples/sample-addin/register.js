#!/usr/bin/env node
// Registers (or unregisters) the sample add-in the way an application's installer would.
// Windows only: run it with node.exe as an administrator (under Wine: `wine node.exe register.js`).
//
//   node register.js --exe PATH --proxy PATH [--scenario FILE] [--log FILE] [--watchdog SECONDS] [--idle SECONDS] [--replace]
//   node register.js --unregister [--scenario FILE] [--proxy PATH]
//
// --replace first deletes every application registered with WSB, so the key holds exactly the
// scenario's applications (what a test that lists them needs). Only for test machines and prefixes.
//
// It writes, in one `reg import` (so the registration is applied at once or not at all):
//   HKLM\SOFTWARE\Classes\CLSID\{clsid}\LocalServer32   "<exe>" --clsid {clsid}
//   HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\WindowsServerBackup\Application Support\{writer}
//       Application Identifier (REG_SZ), CLSID (REG_SZ; only for applications with an add-in)
//   HKLM\SOFTWARE\wsbapp-sample   ScenarioFile, LogFile, WatchdogSeconds, IdleSeconds (the add-in's own config)
// and registers the proxy/stub DLL with regsvr32 (HKCR\Interface\{iid}\ProxyStubClsid32).
//
// With --scenario (normalised scenario JSON, see README.md) every application in it is
// registered and every add-in CLSID is served by the one sample EXE; without it, the sample's
// own application. Also usable as a module: require('./register.js').register({...}).
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const SAMPLE = {
  writerId: '{557FEC5A-0CDA-4C3B-AA23-B29CD2DB94A9}',
  identifier: 'wsbapp sample add-in',
  clsid: '{448C0589-83B9-4779-BAC7-0F08EA28B387}',
};
const WSB_KEY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\WindowsServerBackup\\Application Support';
const CLASSES_KEY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Classes\\CLSID';
const CONFIG_KEY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\wsbapp-sample';
const DEFAULT_WATCHDOG_SECONDS = 300;

// Children get no pipes: under Wine, regsvr32 can start a COM/RPC service process that inherits
// its standard handles, and a pipe would then stay open (and execFileSync wait) until that
// service exits. The exit status says whether the step worked.
const QUIET = { stdio: 'ignore', windowsHide: true };

function system32(exe) {
  return path.join(process.env.SystemRoot || 'C:\\Windows', 'System32', exe);
}

/** The applications to register: the scenario's, or the sample's own. */
function applicationsOf(scenarioFile) {
  if (!scenarioFile) return [SAMPLE];
  const scenario = JSON.parse(fs.readFileSync(scenarioFile, 'utf8'));
  if (!Array.isArray(scenario.applications)) throw new TypeError(`${scenarioFile}: not a normalised scenario (no "applications" array)`);
  return scenario.applications.map(({ writerId, identifier, clsid }) => ({ writerId, identifier, clsid }));
}

/** A .reg string value: backslashes and quotes escaped. */
function regString(value) {
  return `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function regDword(value) {
  return `dword:${(value >>> 0).toString(16).padStart(8, '0')}`;
}

/** Runs `reg import` on the given .reg body (UTF-16LE with BOM, the format regedit writes). */
function importReg(lines) {
  const file = path.join(os.tmpdir(), `wsbapp-sample-${process.pid}.reg`);
  const text = ['Windows Registry Editor Version 5.00', '', ...lines, ''].join('\r\n');
  fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  try {
    execFileSync(system32('reg.exe'), ['import', file], QUIET);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function regsvr32(args) {
  execFileSync(system32('regsvr32.exe'), ['/s', ...args], QUIET);
}

/**
 * Registers the add-in. `exe` and `proxy` are absolute Windows paths; `scenario`, `log` optional;
 * `replace` removes every other WSB application first. `idleSeconds` > 0: a process whose
 * activation is over serves the next one, and exits after that long without one (what Wine
 * needs for concurrent activations; see src/main.cpp). Returns the applications registered.
 */
function register({ exe, proxy, scenario, log, watchdogSeconds = DEFAULT_WATCHDOG_SECONDS, idleSeconds = 0, replace = false }) {
  if (!exe || !proxy) throw new TypeError('register: exe and proxy paths are required');
  const apps = applicationsOf(scenario);
  const lines = replace ? [`[-${WSB_KEY}]`] : [];
  // A fresh config key: a value left by an earlier run (say, a scenario) must not leak into this one.
  lines.push(
    `[-${CONFIG_KEY}]`,
    `[${CONFIG_KEY}]`,
    `"WatchdogSeconds"=${regDword(watchdogSeconds)}`,
    `"IdleSeconds"=${regDword(idleSeconds)}`,
  );
  if (scenario) lines.push(`"ScenarioFile"=${regString(path.resolve(scenario))}`);
  if (log) lines.push(`"LogFile"=${regString(path.resolve(log))}`);
  lines.push('');
  for (const clsid of new Set(apps.map((a) => a.clsid).filter(Boolean))) {
    lines.push(`[${CLASSES_KEY}\\${clsid}]`, `@=${regString('wsbapp sample add-in')}`, '');
    lines.push(`[${CLASSES_KEY}\\${clsid}\\LocalServer32]`, `@=${regString(`"${exe}" --clsid ${clsid}`)}`, '');
  }
  for (const app of apps) {
    lines.push(`[${WSB_KEY}\\${app.writerId}]`, `"Application Identifier"=${regString(app.identifier)}`);
    if (app.clsid) lines.push(`"CLSID"=${regString(app.clsid)}`);
    lines.push('');
  }
  importReg(lines);
  regsvr32([proxy]);
  return apps;
}

/** Removes what register() wrote for the same scenario (or the sample's own application). */
function unregister({ proxy, scenario } = {}) {
  const apps = applicationsOf(scenario);
  const lines = [`[-${CONFIG_KEY}]`];
  for (const clsid of new Set(apps.map((a) => a.clsid).filter(Boolean))) lines.push(`[-${CLASSES_KEY}\\${clsid}]`);
  for (const app of apps) lines.push(`[-${WSB_KEY}\\${app.writerId}]`);
  importReg(lines);
  if (proxy) regsvr32(['/u', proxy]);
  return apps;
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--unregister') options.unregister = true;
    else if (arg === '--replace') options.replace = true;
    else if (['--exe', '--proxy', '--scenario', '--log', '--watchdog', '--idle'].includes(arg) && i + 1 < argv.length)
      options[arg.slice(2)] = argv[++i];
    else throw new TypeError(`unknown or incomplete argument: ${arg}`);
  }
  return options;
}

if (require.main === module) {
  try {
    if (process.platform !== 'win32')
      throw new Error('register.js writes the Windows registry: run it with node.exe (on Windows or under Wine)');
    const o = parseArgs(process.argv.slice(2));
    const apps = o.unregister
      ? unregister({ proxy: o.proxy, scenario: o.scenario })
      : register({
          exe: o.exe,
          proxy: o.proxy,
          scenario: o.scenario,
          log: o.log,
          watchdogSeconds: o.watchdog === undefined ? undefined : Number(o.watchdog),
          idleSeconds: o.idle === undefined ? undefined : Number(o.idle),
          replace: o.replace,
        });
    for (const app of apps)
      console.log(`${o.unregister ? 'unregistered' : 'registered'} ${app.writerId} ${JSON.stringify(app.identifier)} clsid ${app.clsid}`);
  } catch (error) {
    console.error(`register.js: ${error.message}`);
    process.exitCode = 1;
  }
}

module.exports = { register, unregister, SAMPLE };
