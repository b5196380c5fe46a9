// wsbapp-fake-vssapi.dll: vssapi.dll's two exports over the fake VSS (fake_vss.h), for the
// real-COM tests under Wine, where the real vssapi answers E_NOTIMPL. The addon loads it through
// its test seam (WSBAPP_VSSAPI_PATH, a full path: another base name needs no DLL override), and
// through that seam only also takes volume names from it (WsbappFakeVolumeOf): the scripted
// writers' files live on the scenario's volumes, not on Wine's drives.
// mingw only (scripts/wine/build-sample-addin.sh builds it; binding.gyp does not list it).
//
//   WSBAPP_FAKE_VSS_SCENARIO  a normalised scenario JSON file; its `vss` section is the machine
//                             (a new machine once the file changed and nothing of the last is alive)
//   WSBAPP_FAKE_VSS_STATE     what the machine holds, written when it is made, each time its last
//                             object goes and as the process exits: one JSON object with every VSS call made, what is
//                             still alive, and the times (Unix ms) the snapshots were made and deleted
#include <windows.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "../scenario/json.h"
#include "fake_vss.h"

namespace {

using wsb::mock::FakeVss;

std::string environment(const char* name) {
  char value[MAX_PATH];
  const DWORD length = GetEnvironmentVariableA(name, value, MAX_PATH);
  return length == 0 || length >= MAX_PATH ? std::string() : std::string(value, length);
}

void writeState(const FakeVss& fake) {
  const std::string path = environment("WSBAPP_FAKE_VSS_STATE");
  if (path.empty()) return;
  const wsb::mock::FakeVssState state = fake.state();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  // Call names and numbers: plain ASCII, nothing to escape.
  out << "{\"liveSessions\":" << state.liveSessions << ",\"liveSnapshots\":" << state.liveSnapshots
      << ",\"liveObjects\":" << state.liveObjects << ",\"snapshotsMadeAt\":" << state.snapshotsMadeAtMs
      << ",\"snapshotsGoneAt\":" << state.snapshotsGoneAtMs << ",\"calls\":[";
  for (std::size_t i = 0; i < state.calls.size(); ++i) out << (i == 0 ? "" : ",") << '"' << state.calls[i].call << '"';
  out << "]}\n";
}

// The scenario file's text and its last write time: the same text written again is a new machine too.
std::string scenarioText() {
  const std::string path = environment("WSBAPP_FAKE_VSS_SCENARIO");
  WIN32_FILE_ATTRIBUTE_DATA attributes{};
  GetFileAttributesExA(path.c_str(), GetFileExInfoStandard, &attributes);
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << attributes.ftLastWriteTime.dwHighDateTime << ':' << attributes.ftLastWriteTime.dwLowDateTime << '\n' << file.rdbuf();
  return text.str();
}

std::mutex machineMutex;
std::string machineText;
std::shared_ptr<FakeVss> machineNow;

// The machine the scenario file describes. A new one when the file changed and nothing of the
// last one is alive: a test plays one machine per scenario in one process. Null without a file
// with a vss section (every call then fails with E_UNEXPECTED, which the test sees).
std::shared_ptr<FakeVss> machine() {
  const std::lock_guard<std::mutex> lock(machineMutex);
  std::string text = scenarioText();
  if (machineNow && (text == machineText || machineNow->state().liveObjects > 0)) return machineNow;
  try {
    wsb::scenario::Scenario scenario = wsb::scenario::parseScenarioJson(text.substr(text.find('\n') + 1));
    std::shared_ptr<FakeVss> fake = scenario.vss ? std::make_shared<FakeVss>(*scenario.vss) : nullptr;
    // The state file says what this machine holds each time its last object goes, and at exit.
    if (fake)
      fake->whenIdle([weak = std::weak_ptr<FakeVss>(fake)] {
        if (const std::shared_ptr<FakeVss> live = weak.lock()) writeState(*live);
      });
    if (fake) writeState(*fake);  // a new machine holds nothing yet, also if nothing is ever made on it
    machineNow = std::move(fake);
    machineText = std::move(text);
  } catch (...) {  // not a scenario: no machine
    machineNow = nullptr;
  }
  return machineNow;
}

}  // namespace

extern "C" __declspec(dllexport) HRESULT STDMETHODCALLTYPE CreateVssBackupComponentsInternal(wsb::vss::IVssBackupComponents** out) {
  const std::shared_ptr<FakeVss> fake = machine();
  if (out == nullptr) return wsb::kE_POINTER;
  *out = nullptr;
  return fake ? fake->create(out) : wsb::kE_UNEXPECTED;
}

extern "C" __declspec(dllexport) void STDMETHODCALLTYPE VssFreeSnapshotPropertiesInternal(wsb::vss::SnapshotProp* properties) {
  FakeVss::freeSnapshotProperties(properties);
}

// The addon's test seam looks this up (WSBAPP_VSSAPI_PATH only): the fake's volumes are its scenario's.
extern "C" __declspec(dllexport) HRESULT STDMETHODCALLTYPE WsbappFakeVolumeOf(const WCHAR* path, WCHAR* volume, DWORD units) {
  const std::shared_ptr<FakeVss> fake = machine();
  if (path == nullptr || volume == nullptr) return wsb::kE_POINTER;
  if (!fake) return wsb::kE_UNEXPECTED;
  std::wstring found;
  const HRESULT result = fake->volumeOf(path, &found);
  if (FAILED(result)) return result;
  if (found.size() + 1 > units) return wsb::kE_INVALIDARG;
  std::copy(found.c_str(), found.c_str() + found.size() + 1, volume);
  return wsb::kS_OK;
}

BOOL WINAPI DllMain(HINSTANCE, DWORD reason, LPVOID) {
  if (reason == DLL_PROCESS_DETACH && machineNow) writeState(*machineNow);
  return TRUE;
}
