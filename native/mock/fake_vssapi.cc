// wsbapp-fake-vssapi.dll: vssapi.dll's two exports over the fake VSS (fake_vss.h), for the
// real-COM tests under Wine, where the real vssapi answers E_NOTIMPL. The addon loads it through
// its test seam (WSBAPP_VSSAPI_PATH, a full path: another base name needs no DLL override), and
// through that seam only also takes volume names from it (WsbappFakeVolumeOf): the scripted
// writers' files live on the scenario's volumes, not on Wine's drives.
// mingw only (scripts/wine/build-sample-addin.sh builds it; binding.gyp does not list it).
//
//   WSBAPP_FAKE_VSS_SCENARIO  a normalised scenario JSON file; its `vss` section is the machine
//   WSBAPP_FAKE_VSS_STATE     where the process's last word goes as it exits: one JSON object with
//                             every VSS call made, what is still alive, and the times (Unix ms) the
//                             snapshots were made and deleted
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

// The machine, from the scenario file on first use; null when there is none (every call then
// fails with E_UNEXPECTED, which the test sees as a VssError).
std::shared_ptr<FakeVss>& machine() {
  static std::shared_ptr<FakeVss> fake;
  static std::once_flag once;
  std::call_once(once, [] {
    try {
      std::ifstream file(environment("WSBAPP_FAKE_VSS_SCENARIO"), std::ios::binary);
      std::stringstream text;
      text << file.rdbuf();
      wsb::scenario::Scenario scenario = wsb::scenario::parseScenarioJson(text.str());
      if (scenario.vss) fake = std::make_shared<FakeVss>(*scenario.vss);
    } catch (...) {  // no scenario: fake stays null
    }
  });
  return fake;
}

// A JSON string of plain ASCII (call names, numbers): nothing to escape.
void writeState() {
  const std::string path = environment("WSBAPP_FAKE_VSS_STATE");
  const std::shared_ptr<FakeVss>& fake = machine();
  if (path.empty() || !fake) return;
  const wsb::mock::FakeVssState state = fake->state();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << "{\"liveSessions\":" << state.liveSessions << ",\"liveSnapshots\":" << state.liveSnapshots
      << ",\"liveObjects\":" << state.liveObjects << ",\"snapshotsMadeAt\":" << state.snapshotsMadeAtMs
      << ",\"snapshotsGoneAt\":" << state.snapshotsGoneAtMs << ",\"calls\":[";
  for (std::size_t i = 0; i < state.calls.size(); ++i) out << (i == 0 ? "" : ",") << '"' << state.calls[i].call << '"';
  out << "]}\n";
}

}  // namespace

extern "C" __declspec(dllexport) HRESULT STDMETHODCALLTYPE CreateVssBackupComponentsInternal(wsb::vss::IVssBackupComponents** out) {
  const std::shared_ptr<FakeVss>& fake = machine();
  if (out == nullptr) return wsb::kE_POINTER;
  *out = nullptr;
  return fake ? fake->create(out) : wsb::kE_UNEXPECTED;
}

extern "C" __declspec(dllexport) void STDMETHODCALLTYPE VssFreeSnapshotPropertiesInternal(wsb::vss::SnapshotProp* properties) {
  FakeVss::freeSnapshotProperties(properties);
}

// The addon's test seam looks this up (WSBAPP_VSSAPI_PATH only): the fake's volumes are its scenario's.
extern "C" __declspec(dllexport) HRESULT STDMETHODCALLTYPE WsbappFakeVolumeOf(const WCHAR* path, WCHAR* volume, DWORD units) {
  const std::shared_ptr<FakeVss>& fake = machine();
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
  if (reason == DLL_PROCESS_DETACH) writeState();
  return TRUE;
}
