#include "runtime_handle.h"

#include <utility>

#include "../com/runtime_win32.h"
#include "../mock/mock_runtime.h"
#include "addin_handle.h"
#include "addon.h"
#include "js_values.h"
#include "scenario_arg.h"
#include "vss_handle.h"

namespace wsb::bridge {
namespace {

Napi::Value optionalText(Napi::Env env, const std::optional<std::string>& text) {
  return text ? Napi::String::New(env, *text) : env.Null();
}

Napi::Object jsCall(Napi::Env env, const mock::MockCall& call) {
  auto object = Napi::Object::New(env);
  object.Set("method", call.method);
  object.Set("writerId", call.writerId);
  object.Set("component", optionalText(env, call.component));
  auto args = Napi::Array::New(env, call.args.size());
  for (std::size_t i = 0; i < call.args.size(); ++i) args.Set(static_cast<std::uint32_t>(i), optionalText(env, call.args[i]));
  object.Set("args", args);
  return object;
}

Napi::Object jsObject(Napi::Env env, const mock::MockObject& live) {
  auto object = Napi::Object::New(env);
  object.Set("kind", live.kind);
  object.Set("writerId", live.writerId);
  object.Set("component", optionalText(env, live.component));
  object.Set("refs", Napi::Number::New(env, static_cast<double>(live.refs)));
  return object;
}

}  // namespace

Napi::Function RuntimeHandle::define(Napi::Env env) {
  return DefineClass(
      env, "Runtime",
      {InstanceMethod<&RuntimeHandle::listApplications>("listApplications"), InstanceMethod<&RuntimeHandle::activate>("activate"),
       InstanceMethod<&RuntimeHandle::createBackupComponents>("createBackupComponents"),
       InstanceMethod<&RuntimeHandle::mockStats>("mockStats")});
}

void RuntimeHandle::exportFactories(Napi::Env env, Napi::Object exports) {
  exports.Set("createMockRuntime", Napi::Function::New<&RuntimeHandle::createMockRuntime>(env, "createMockRuntime"));
#ifdef _WIN32
  exports.Set("createComRuntime", Napi::Function::New<&RuntimeHandle::createComRuntime>(env, "createComRuntime"));
#endif
}

RuntimeHandle::RuntimeHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RuntimeHandle>(info) {
  // Only create() makes these: the External carries the C++ side across the JS constructor.
  if (info.Length() != 1 || !info[0].IsExternal()) throw Napi::TypeError::New(info.Env(), "Runtime cannot be constructed from JS");
  const Init& init = *info[0].As<Napi::External<Init>>().Data();
  runtime_ = init.runtime;
  mockHost_ = init.mockHost;
  fakeVss_ = init.fakeVss;
}

Napi::Value RuntimeHandle::create(Napi::Env env, Init init) {
  env.GetInstanceData<WsbAddon>()->live()->track(init.runtime);
  return env.GetInstanceData<WsbAddon>()->runtimeClass.New({Napi::External<Init>::New(env, &init)});
}

Napi::Value RuntimeHandle::createMockRuntime(const Napi::CallbackInfo& info) {
  auto host = mock::MockHost::create(scenarioArg(info[0]));
  auto runtime = std::make_shared<mock::MockRuntime>(host);
  return create(info.Env(), Init{runtime, host, runtime->fakeVss()});
}

#ifdef _WIN32
Napi::Value RuntimeHandle::createComRuntime(const Napi::CallbackInfo& info) {
  ComRuntimeOptions options;
  if (info[0].IsObject()) {
    const auto object = info[0].As<Napi::Object>();
    const Napi::Value inProcess = object.Get("inProcess");
    const Napi::Value allow = object.Get("allowUnregisteredClsid");
    if (!inProcess.IsUndefined()) options.inProcess = booleanArg(inProcess, "options.inProcess");
    if (!allow.IsUndefined()) options.allowUnregisteredClsid = booleanArg(allow, "options.allowUnregisteredClsid");
  }
  return create(info.Env(), Init{std::shared_ptr<Runtime>(wsb::createComRuntime(options)), nullptr, nullptr});
}
#endif

Napi::Value RuntimeHandle::listApplications(const Napi::CallbackInfo& info) {
  return info.Env().GetInstanceData<WsbAddon>()->run(info, this, KeepAlive::kYes, [runtime = runtime_]() -> Settle {
    auto registrations = std::make_shared<std::vector<Registration>>();
    const Failure failure = runtime->listApplications(registrations.get());
    if (FAILED(failure.hresult)) return rejectWith(failure);
    return resolveWith([registrations](Napi::Env env) -> Napi::Value {
      return jsArray(env, *registrations, [](Napi::Env e, const Registration& r) {
        auto object = Napi::Object::New(e);
        object.Set("writerId", r.writerId);
        object.Set("identifier", r.identifier);
        object.Set("clsid", r.clsid.empty() ? e.Null() : Napi::String::New(e, r.clsid));
        return object;
      });
    });
  });
}

Napi::Value RuntimeHandle::activate(const Napi::CallbackInfo& info) {
  Registration application{utf8Arg(info[0], "application.writerId"), utf8Arg(info[1], "application.identifier"),
                           utf8Arg(info[2], "application.clsid")};
  // Optional 4th argument, default true: whether the pending activation keeps the process alive.
  // Nothing can cancel or release a hung activation, so a caller with a deadline passes false and
  // holds the event loop with its own timer, which it can let go.
  const KeepAlive keepAlive = info[3].IsUndefined() || booleanArg(info[3], "holdsProcess") ? KeepAlive::kYes : KeepAlive::kNo;
  WsbAddon& addon = *info.Env().GetInstanceData<WsbAddon>();
  return addon.run(info, this, keepAlive, [runtime = runtime_, live = addon.live(), application]() -> Settle {
    ComPtr<IUnknown> object;
    const Failure failure = runtime->activate(application, &object);
    if (FAILED(failure.hresult)) return rejectWith(failure);
    return AddinHandle::activated(runtime, live, std::move(object));
  });
}

// Never holds the process itself: lib/backends/native.ts holds it while the promise waits.
Napi::Value RuntimeHandle::createBackupComponents(const Napi::CallbackInfo& info) {
  WsbAddon& addon = *info.Env().GetInstanceData<WsbAddon>();
  return addon.run(info, this, KeepAlive::kNo,
                   [runtime = runtime_, live = addon.live()]() -> Settle { return VssHandle::created(runtime, live); });
}

Napi::Value RuntimeHandle::mockStats(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (!mockHost_) return env.Undefined();
  auto stats = Napi::Object::New(env);
  stats.Set("liveObjects", Napi::Number::New(env, static_cast<double>(mockHost_->liveObjects())));
  stats.Set("objects", jsArray(env, mockHost_->objects(), jsObject));
  stats.Set("calls", jsArray(env, mockHost_->calls(), jsCall));
  if (fakeVss_) {
    const mock::FakeVssState state = fakeVss_->state();
    auto vss = Napi::Object::New(env);
    vss.Set("liveSessions", Napi::Number::New(env, static_cast<double>(state.liveSessions)));
    vss.Set("liveSnapshots", Napi::Number::New(env, static_cast<double>(state.liveSnapshots)));
    vss.Set("liveObjects", Napi::Number::New(env, static_cast<double>(state.liveObjects)));
    vss.Set("calls", jsArray(env, state.calls, [](Napi::Env e, const mock::FakeVssCall& call) {
              auto object = Napi::Object::New(e);
              object.Set("session", Napi::Number::New(e, call.session));
              object.Set("call", call.call);
              return object;
            }));
    stats.Set("vss", vss);
  }
  return stats;
}

}  // namespace wsb::bridge
