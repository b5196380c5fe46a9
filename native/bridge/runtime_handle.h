// JS class `Runtime`: where add-ins come from. Made by createMockRuntime(normalizedScenario) anywhere,
// and by createComRuntime(options) on Windows. Activation runs on a COM thread.
#pragma once

#include <memory>

#include <napi.h>

#include "../com/runtime.h"
#include "../mock/fake_vss.h"
#include "../mock/mock_host.h"

namespace wsb::bridge {

class RuntimeHandle final : public Napi::ObjectWrap<RuntimeHandle> {
 public:
  static Napi::Function define(Napi::Env env);
  static void exportFactories(Napi::Env env, Napi::Object exports);

  explicit RuntimeHandle(const Napi::CallbackInfo& info);

 private:
  struct Init {
    std::shared_ptr<Runtime> runtime;
    std::shared_ptr<mock::MockHost> mockHost;  // null for real COM
    std::shared_ptr<mock::FakeVss> fakeVss;    // null for real COM, and for a scenario without VSS
  };
  static Napi::Value create(Napi::Env env, Init init);
  static Napi::Value createMockRuntime(const Napi::CallbackInfo& info);
#ifdef _WIN32
  static Napi::Value createComRuntime(const Napi::CallbackInfo& info);
#endif

  Napi::Value listApplications(const Napi::CallbackInfo& info);
  Napi::Value activate(const Napi::CallbackInfo& info);
  Napi::Value createBackupComponents(const Napi::CallbackInfo& info);
  Napi::Value mockStats(const Napi::CallbackInfo& info);

  std::shared_ptr<Runtime> runtime_;
  std::shared_ptr<mock::MockHost> mockHost_;
  std::shared_ptr<mock::FakeVss> fakeVss_;
};

}  // namespace wsb::bridge
