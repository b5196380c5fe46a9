// A normalised scenario from JSON text (a scenario file), through nlohmann/json (header-only,
// Debian's nlohmann-json3-dev). For the C++ programs without Node: the sample out-of-process
// add-in, the standalone call-layer test and the native benchmark. The addon reads scenarios as JS
// objects instead (native/bridge/scenario_arg.cc) and does not need this.
#pragma once

#include <string>

#include "model.h"

namespace wsb::scenario {

// Parses and checks `text`; throws InvalidScenario ("not valid JSON: ..." or the JSON path and
// the problem).
Scenario parseScenarioJson(const std::string& text);

}  // namespace wsb::scenario
