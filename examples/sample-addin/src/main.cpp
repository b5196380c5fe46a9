// wsbapp-sample-addin.exe: an out-of-process (LocalServer32) Windows Server Backup add-in whose
// behaviour is scripted by a scenario file, for testing WSB clients against real COM.
//
// Command line (as registered in LocalServer32; COM appends -Embedding, which is ignored):
//   wsbapp-sample-addin.exe [--clsid {CLSID}]
// --clsid names the class this process serves and picks the scenario application with that clsid;
// one EXE can so stand in for several add-ins. Without it, the sample's own CLSID is served.
//
// Configuration: HKLM\SOFTWARE\wsbapp-sample (see README.md)
//   ScenarioFile      REG_SZ     normalised scenario JSON; absent: every call succeeds at once
//   LogFile           REG_SZ     JSON-lines call log; absent: no log
//   WatchdogSeconds   REG_DWORD  an activation that lasts longer ends the process, and so does a
//                                registration nobody takes (default 300)
//   IdleSeconds       REG_DWORD  0 (default): one activation per process. N: once its client has
//                                released everything, the process registers again and serves the
//                                next activation, exiting after N seconds without one (for Wine,
//                                see "Process lifetime" below and README, "Testing real COM without Windows")
//
// Process lifetime: the scenario application's `lifetime`.
//   "single-use": how ATL-style local servers live. The class object is registered with
//     REGCLS_SINGLEUSE | REGCLS_SUSPENDED and resumed (CoResumeClassObjects), serves one
//     activation, and the process exits when its last object is released; IdleSeconds is ignored.
//   "pooled" (default): as below, the process serves again for IdleSeconds.
// With REGCLS_SINGLEUSE the SCM hands each registration to one activation.
// Windows pairs a client with the server it launched; Wine 8 does not: its rpcss gives the first
// registered class object to whichever client asks first, and a client whose first look finds
// one launches nothing. Under concurrent activations a client can so take the server another
// client launched, and that launcher is left with one registration too few: when the server it
// launched exits within its first second of waiting, Wine's rpc_get_local_class_object gives up
// with "Server ... failed to start" and CoCreateInstance returns E_NOINTERFACE. IdleSeconds
// makes every server go back into the pool once its activation is over, so there are always as
// many registrations as launches, and no launched server exits while its launcher waits.
#include <windows.h>

#include <shellapi.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "addin.h"
#include "scenario/json.h"

namespace {

constexpr wchar_t kSampleClsid[] = L"{448C0589-83B9-4779-BAC7-0F08EA28B387}";
constexpr wchar_t kConfigKey[] = L"SOFTWARE\\wsbapp-sample";
constexpr DWORD kDefaultWatchdogSeconds = 300;
constexpr UINT kWatchdogExitCode = 0xD06;

struct Config {
  std::wstring scenarioFile;
  std::wstring logFile;
  DWORD watchdogSeconds = kDefaultWatchdogSeconds;
  DWORD idleSeconds = 0;  // 0: one activation per process
};

std::wstring readString(HKEY key, const wchar_t* name) {
  DWORD bytes = 0;
  if (RegGetValueW(key, nullptr, name, RRF_RT_REG_SZ, nullptr, nullptr, &bytes) != ERROR_SUCCESS || bytes == 0) return {};
  std::wstring value(bytes / sizeof(wchar_t), L'\0');
  if (RegGetValueW(key, nullptr, name, RRF_RT_REG_SZ, nullptr, &value[0], &bytes) != ERROR_SUCCESS) return {};
  value.resize(wcsnlen(value.c_str(), value.size()));
  return value;
}

Config readConfig() {
  Config config;
  HKEY key = nullptr;
  if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, kConfigKey, 0, KEY_READ, &key) != ERROR_SUCCESS) return config;
  config.scenarioFile = readString(key, L"ScenarioFile");
  config.logFile = readString(key, L"LogFile");
  DWORD seconds = 0;
  DWORD bytes = sizeof seconds;
  if (RegGetValueW(key, nullptr, L"WatchdogSeconds", RRF_RT_REG_DWORD, nullptr, &seconds, &bytes) == ERROR_SUCCESS && seconds > 0) {
    config.watchdogSeconds = seconds;
  }
  bytes = sizeof seconds;
  if (RegGetValueW(key, nullptr, L"IdleSeconds", RRF_RT_REG_DWORD, nullptr, &seconds, &bytes) == ERROR_SUCCESS) {
    config.idleSeconds = seconds;
  }
  RegCloseKey(key);
  return config;
}

// COM starts a local server with the client's standard handles. A client whose output is read
// through a pipe would then wait for this process to exit too, and a hung add-in would hang it
// forever. This process writes only to its log, so it lets go of them at once.
void closeInheritedStdHandles() {
  for (DWORD id : {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE}) {
    const HANDLE handle = GetStdHandle(id);
    SetStdHandle(id, nullptr);
    if (handle != nullptr && handle != INVALID_HANDLE_VALUE) CloseHandle(handle);
  }
}

std::wstring clsidArgument() {
  int argc = 0;
  std::unique_ptr<LPWSTR, decltype(&LocalFree)> argv(CommandLineToArgvW(GetCommandLineW(), &argc), &LocalFree);
  if (argv) {
    for (int i = 1; i + 1 < argc; ++i) {
      if (lstrcmpiW(argv.get()[i], L"--clsid") == 0) return argv.get()[i + 1];
    }
  }
  return kSampleClsid;
}

// The scenario in the file at `path`; throws InvalidScenario (or bad_alloc) saying why not.
wsb::scenario::Scenario loadScenario(const std::wstring& path) {
  std::ifstream file(path.c_str(), std::ios::binary);  // wide-path open: MSVC and libstdc++ on mingw
  if (!file) throw wsb::scenario::InvalidScenario("cannot open the scenario file");
  std::ostringstream text;
  text << file.rdbuf();
  return wsb::scenario::parseScenarioJson(text.str());
}

// `clsid` as the scenario writes CLSIDs: "{UPPER-CASE}".
std::string canonicalClsid(const CLSID& clsid) {
  wchar_t text[39] = {};
  StringFromGUID2(clsid, text, 39);
  return sample::toUtf8(text);
}

// Which application this process plays, from the scenario; on any problem the defaults (every
// call succeeds at once) and a log line saying why.
wsb::scenario::ApplicationScript chooseApplication(const Config& config, const CLSID& clsid, sample::CallLog& log) {
  wsb::scenario::ApplicationScript fallback;
  if (config.scenarioFile.empty()) return fallback;
  wsb::scenario::Scenario scenario;
  try {
    scenario = loadScenario(config.scenarioFile);
  } catch (const std::exception& e) {  // InvalidScenario, or bad_alloc on a huge file
    log.write(sample::LogLine("scenarioError").text("file", config.scenarioFile.c_str()).text("error", e.what()));
    return fallback;
  }
  const wsb::scenario::ApplicationScript* app = scenario.find("", canonicalClsid(clsid));
  if (app == nullptr) {
    log.write(sample::LogLine("scenarioError").text("file", config.scenarioFile.c_str()).text("error", "no application with this clsid"));
    return fallback;
  }
  return *app;
}

struct ComApartment {
  HRESULT hr = CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  ~ComApartment() {
    if (SUCCEEDED(hr)) CoUninitialize();
  }
};

int serve() {
  closeInheritedStdHandles();
  const Config config = readConfig();
  sample::CallLog log(config.logFile);
  const std::wstring clsidText = clsidArgument();
  log.write(sample::LogLine("start").text("clsid", clsidText.c_str()).text("commandLine", GetCommandLineW()));

  CLSID clsid;
  if (FAILED(CLSIDFromString(clsidText.c_str(), &clsid))) {
    log.write(sample::LogLine("exit").text("reason", "bad --clsid"));
    return 2;
  }
  sample::ServerActivity activity;
  sample::ServerContext context;
  context.app = chooseApplication(config, clsid, log);
  context.log = &log;
  context.activity = &activity;

  // The MTA: calls arrive on RPC threads concurrently, so Abort can reach a check whose
  // QueryStatus is still running, as Windows Server Backup may do.
  const ComApartment apartment;
  if (FAILED(apartment.hr)) return 4;
  sample::ClassFactory factory(context);
  const DWORD watchdogMs = config.watchdogSeconds * 1000;
  const bool singleUse = context.app.lifetime == wsb::scenario::ApplicationScript::Lifetime::kSingleUse;
  log.write(sample::LogLine("serving").text("lifetime", singleUse ? "single-use" : "pooled"));
  for (unsigned served = 0;; ++served) {
    // SINGLEUSE: this registration serves one activation, so a scripted crash or hang never
    // reaches another client's check. (Under Wine a crashed MULTIPLEUSE server also leaves a dead
    // registration behind, and later activations fail with 0x800706BA.)
    DWORD cookie = 0;
    const DWORD flags = REGCLS_SINGLEUSE | (singleUse ? REGCLS_SUSPENDED : 0);
    const HRESULT hr = CoRegisterClassObject(clsid, &factory, CLSCTX_LOCAL_SERVER, flags, &cookie);
    if (FAILED(hr)) {
      log.write(sample::LogLine("exit").text("reason", "CoRegisterClassObject failed").hresult("hresult", hr));
      return 5;
    }
    // Windows suspends the class objects when the server count reaches zero (and single-use
    // registers them suspended): they take activations once resumed.
    if (singleUse || served > 0) CoResumeClassObjects();
    if (served > 0) log.write(sample::LogLine("offered").number("served", served));
    // Waiting for an activation. Revoke before leaving, so the SCM never hands out the
    // registration of a process that is gone (Wine's rpcss would).
    if (!activity.waitForActivation(served == 0 ? watchdogMs : config.idleSeconds * 1000)) {
      CoRevokeClassObject(cookie);
      log.write(sample::LogLine("exit").text("reason", served == 0 ? "not activated" : "idle").number("served", served));
      return 0;
    }
    // Nobody tells a server that its client died, and a scripted hang never ends: the watchdog
    // bounds every activation.
    if (!activity.waitForRoundEnd(watchdogMs)) {
      log.write(sample::LogLine("exit").text("reason", "watchdog").number("seconds", config.watchdogSeconds));
      // Hung calls still run on RPC threads; an orderly CoUninitialize would wait for them.
      TerminateProcess(GetCurrentProcess(), kWatchdogExitCode);
    }
    CoRevokeClassObject(cookie);  // used up; this only drops the local entry
    if (singleUse || config.idleSeconds == 0) break;
  }
  log.write(sample::LogLine("exit").text("reason", "last object released"));
  return 0;
}

}  // namespace

int WINAPI wWinMain(HINSTANCE, HINSTANCE, LPWSTR, int) {
  try {
    return serve();
  } catch (...) {  // bad_alloc during start-up: nothing useful is left to do
    return 1;
  }
}
