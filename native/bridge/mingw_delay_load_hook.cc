// The mingw-w64 build's counterpart of node-gyp's win_delay_load_hook.cc (MSVC builds, from
// node-gyp or cmake-js, get that one and must not compile this file: both define the hook).
// scripts/wine/build-addon.sh links the addon's Node-API imports from a delay-import library
// whose DLL name is NODE.EXE. On the first Node-API call, mingw-w64's __delayLoadHelper2 asks
// this hook for that DLL, and the hook answers with the executable of the process itself: Node-API
// is exported by whatever loaded the addon (node.exe under any file name, Electron, a single
// executable application), never by a DLL that LoadLibrary could find by name.
#include <windows.h>
#include <delayimp.h>
#include <string.h>

namespace {

FARPROC WINAPI resolveNodeApiInHost(unsigned notification, PDelayLoadInfo info) {
  if (notification != dliNotePreLoadLibrary || _stricmp(info->szDll, "NODE.EXE") != 0) return nullptr;
  // GetModuleHandle does not add a reference: nothing to free, and the host outlives the addon.
  return reinterpret_cast<FARPROC>(GetModuleHandleW(nullptr));
}

}  // namespace

// The helper reads this variable (declared extern "C" by delayimp.h); defined in an object file,
// it takes precedence over the null default in libdelayimp.a.
PfnDliHook __pfnDliNotifyHook2 = resolveNodeApiInHost;
