// The scenario argument of createMockRuntime: a normalised scenario as a JS object, read through
// Node-API into the model and checked again (types, ranges, unknown keys), since the binding can
// be called without lib/backends/scenario.ts in front. A bad scenario is a TypeError naming the
// JSON path; an exception thrown by a getter of the object passes through.
#pragma once

#include <napi.h>

#include "../scenario/model.h"

namespace wsb::bridge {

scenario::Scenario scenarioArg(const Napi::Value& value);

}  // namespace wsb::bridge
