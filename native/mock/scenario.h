// The mock scenario in its normalised JSON form (NormalizedScenario in lib/backends/scenario.ts):
// every HRESULT an unsigned number, every default filled in. TypeScript does the loose parsing;
// this side only reads the normalised document and rejects anything else, naming the field.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "../com/abi.h"

namespace wsb::mock {

enum class StepKind { kStatus, kCallFails, kUnwritten, kHang, kCrash };

struct StatusStep {
  StepKind kind = StepKind::kStatus;
  HRESULT hresult = kS_OK;
  std::uint32_t delayMs = 0;
};

struct AbortScript {
  HRESULT returns = kS_OK;
  std::uint32_t delayMs = 0;
  bool hang = false;
  HRESULT statusAfter = kE_ABORT;
};

// kHang: CheckConsistency never answers until it is cancelled (or the host torn down).
enum class CheckKind { kAsync, kNoAsync, kHang, kFail };

struct ComponentScript {
  CheckKind check = CheckKind::kAsync;
  HRESULT checkHresult = kS_OK;
  std::vector<StatusStep> statuses{StatusStep{}};
  AbortScript abort;
  HRESULT preRestore = kS_OK;
  HRESULT postRestore = kS_OK;
  // "hang" in the scenario: the call never answers until it is cancelled (or the host torn down).
  bool preRestoreHangs = false;
  bool postRestoreHangs = false;
};

struct ApplicationScript {
  std::string writerId;
  std::string identifier;
  std::optional<std::string> clsid;
  HRESULT activation = kS_OK;
  bool activationHangs = false;  // never answers until the host is torn down (nothing can cancel it)
  bool restoreSupport = true;
  bool rollForwardFails = false;
  HRESULT rollForwardHresult = kS_OK;
  bool rollForwardSupported = false;
  bool orderFails = false;
  HRESULT orderHresult = kS_OK;
  bool orderHangs = false;
  std::optional<std::vector<std::string>> order;  // nullopt: "any order"
  std::map<std::string, ComponentScript> components;

  // The script of a component: its own entry, else "*", else the default (S_OK at once).
  // An absent (NULL) component name is looked up as "", as the TypeScript mock does.
  const ComponentScript& component(const std::string& name) const;
};

struct Scenario {
  std::vector<ApplicationScript> applications;
};

// Parses the normalised scenario JSON. On failure returns false with a message naming the field.
bool parseScenario(const std::string& json, Scenario* out, std::string* error);

}  // namespace wsb::mock
