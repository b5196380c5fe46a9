// The sample add-in's script: the NORMALISED scenario JSON that the project's mock backends also
// consume (NormalizedScenario in lib/backends/scenario.ts). Every HRESULT in it is an unsigned
// number and every default is filled in, so this reader only checks shapes; it never guesses.
//
// Self-contained on purpose (standard C++ only): the add-in is a template that authors copy out
// of this repository and build with MSVC or mingw, without the Node addon's sources.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sample {

using Hresult = std::int32_t;  // the same bits as HRESULT, without <windows.h>

struct StatusStep {
  enum class Kind { kStatus, kCallFails, kUnwritten, kHang, kCrash };
  Kind kind = Kind::kStatus;
  Hresult hresult = 0;
  std::uint32_t delayMs = 0;
};

struct AbortScript {
  Hresult returns = 0;
  std::uint32_t delayMs = 0;
  bool hang = false;
  Hresult statusAfter = static_cast<Hresult>(0x80004004);  // E_ABORT
};

struct ComponentScript {
  // kHang: CheckConsistency never returns until the client cancels the call (CoCancelCall,
  // seen through CoTestCancel) or the watchdog ends the process.
  enum class Check { kAsync, kNoAsync, kHang, kFail };
  Check check = Check::kAsync;
  Hresult checkHresult = 0;
  std::vector<StatusStep> statuses{StatusStep{}};  // default: S_OK on the first poll
  AbortScript abort;
  Hresult preRestore = 0;
  Hresult postRestore = 0;
  // "hang" in the scenario: the call never returns until cancelled (or the watchdog fires).
  bool preRestoreHangs = false;
  bool postRestoreHangs = false;
};

struct ApplicationScript {
  std::string writerId;
  std::string identifier;
  std::string clsid;  // "{UPPER-CASE}", empty for an application without an add-in
  Hresult activation = 0;
  bool activationHangs = false;  // CreateInstance never returns (the watchdog ends the process)
  bool restoreSupport = true;
  bool rollForwardFails = false;
  Hresult rollForwardHresult = 0;
  bool rollForwardSupported = false;
  bool orderFails = false;
  Hresult orderHresult = 0;
  bool orderHangs = false;
  bool hasOrder = false;  // false: OrderComponents answers "any order" (NULL arrays)
  std::vector<std::string> order;
  std::map<std::string, ComponentScript> components;

  // The component's own entry, else "*", else the default (S_OK at once), like componentScript().
  const ComponentScript& scriptFor(const std::string& component) const;
};

struct Scenario {
  std::vector<ApplicationScript> applications;

  // The application this add-in serves: the one whose clsid is `clsid` (case-insensitive braces
  // form), or nullptr.
  const ApplicationScript* findByClsid(const std::string& clsid) const;
};

// Parses normalised scenario JSON (UTF-8). On failure returns false and says what and where.
bool parseScenario(const std::string& json, Scenario* out, std::string* error);

}  // namespace sample
