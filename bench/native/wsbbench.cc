// Bench-only shared object (never shipped): bench/build/wsbbench.node.
//
// B1 compares binding layers on one workload, so both sides must reach the *same* native mock
// operation. This file makes that operation as the addon does (the scenario reader, the
// mock runtime's activation, the call layer's CheckConsistency) and hands it out two ways:
//   - a C factory, wsbbench_open/wsbbench_release, that koffi loads from this file;
//   - a Node addon whose queryStatus(handle) is our cheapest internal path: a synchronous call
//     straight into the call layer (wsb::queryStatus, sentinel check included), no thread hop.
// nativeLoop() times the callee alone, so binding overhead can be told apart from mock cost.
#include <napi.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "../../native/com/wsb_calls.h"
#include "../../native/mock/mock_runtime.h"
#include "../../native/scenario/json.h"

namespace {

using Operation = IWsbApplicationAsync;

// An owned reference (the caller releases it), or nullptr with nothing leaked.
Operation* openOperation(const char* scenarioJson, const char* writerId, const char* component) {
  wsb::scenario::Scenario scenario;
  try {
    scenario = wsb::scenario::parseScenarioJson(scenarioJson);
  } catch (const wsb::scenario::InvalidScenario&) {
    return nullptr;
  }
  wsb::mock::MockRuntime runtime(wsb::mock::MockHost::create(std::move(scenario)));
  wsb::ComPtr<IUnknown> object;
  if (FAILED(runtime.activate(wsb::Registration{writerId, "", ""}, &object).hresult)) return nullptr;
  HRESULT queried = wsb::kS_OK;
  const auto addin = object.query<IWsbApplicationBackupSupport>(&queried);
  if (!addin) return nullptr;
  wsb::CheckRequest request;
  request.component.emplace();
  if (wsb::toWide(component, &*request.component) != wsb::TextError::kNone) return nullptr;
  wsb::ComPtr<Operation> operation;
  if (FAILED(wsb::checkConsistency(addin.get(), request, &operation)) || !operation) return nullptr;
  operation->AddRef();  // the caller's reference; `operation` drops its own on return
  return operation.get();
}

Operation* handleArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "expected an operation handle");
  return info[0].As<Napi::External<Operation>>().Data();
}

Napi::Value open(const Napi::CallbackInfo& info) {
  const std::string json = info[0].As<Napi::String>();
  const std::string writer = info[1].As<Napi::String>();
  const std::string component = info[2].As<Napi::String>();
  Operation* operation = openOperation(json.c_str(), writer.c_str(), component.c_str());
  if (operation == nullptr) throw Napi::Error::New(info.Env(), "wsbbench: could not open a mock operation");
  return Napi::External<Operation>::New(info.Env(), operation);
}

// The same work as the addon's QueryStatus minus the thread hop and the promise. Plain Node-API,
// not node-addon-api: three engine calls per round trip (arguments, the External, the result);
// napi_get_value_external also rejects a non-External, so no separate type check is needed.
napi_value queryStatus(napi_env env, napi_callback_info info) {
  std::size_t argc = 1;
  napi_value arg = nullptr;
  void* operation = nullptr;
  if (napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr) != napi_ok || argc < 1 ||
      napi_get_value_external(env, arg, &operation) != napi_ok) {
    napi_throw_type_error(env, nullptr, "expected an operation handle");
    return nullptr;
  }
  const wsb::StatusResult result = wsb::queryStatus(static_cast<Operation*>(operation));
  if (FAILED(result.call) || !result.status) {
    napi_throw_error(env, nullptr, "QueryStatus failed");
    return nullptr;
  }
  napi_value status = nullptr;
  napi_create_uint32(env, static_cast<std::uint32_t>(*result.status), &status);
  return status;
}

Napi::Value nativeLoop(const Napi::CallbackInfo& info) {
  Operation* operation = handleArg(info);
  const std::uint32_t calls = info[1].As<Napi::Number>().Uint32Value();
  const auto start = std::chrono::steady_clock::now();
  for (std::uint32_t i = 0; i < calls; ++i) wsb::queryStatus(operation);
  const std::chrono::duration<double, std::nano> elapsed = std::chrono::steady_clock::now() - start;
  return Napi::Number::New(info.Env(), elapsed.count());
}

Napi::Value release(const Napi::CallbackInfo& info) {
  handleArg(info)->Release();
  return info.Env().Undefined();
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("open", Napi::Function::New<open>(env, "open"));
  napi_value rawQueryStatus = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_create_function(env, "queryStatus", NAPI_AUTO_LENGTH, queryStatus, nullptr, &rawQueryStatus), exports);
  exports.Set("queryStatus", rawQueryStatus);
  exports.Set("nativeLoop", Napi::Function::New<nativeLoop>(env, "nativeLoop"));
  exports.Set("release", Napi::Function::New<release>(env, "release"));
  return exports;
}

}  // namespace

extern "C" {
// For koffi: `void *wsbbench_open(const char *, const char *, const char *)`.
__attribute__((visibility("default"))) void* wsbbench_open(const char* scenarioJson, const char* writerId, const char* component) {
  return openOperation(scenarioJson, writerId, component);
}
__attribute__((visibility("default"))) void wsbbench_release(void* operation) {
  if (operation != nullptr) static_cast<Operation*>(operation)->Release();
}
}

NODE_API_MODULE(wsbbench, init)
