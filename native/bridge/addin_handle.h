// JS class `Addin`: one activated add-in (IWsbApplicationBackupSupport, and RestoreSupport when
// the add-in has it). Every method returns a promise and runs its COM call on a COM thread.
#pragma once

#include <memory>

#include <napi.h>

#include "../com/held.h"
#include "../com/wsb_calls.h"
#include "addon.h"

namespace wsb::bridge {

class AddinHandle final : public Napi::ObjectWrap<AddinHandle> {
 public:
  static Napi::Function define(Napi::Env env);
  // On a COM thread, after activation: queries the interfaces and settles with a new Addin.
  static Settle activated(std::shared_ptr<Runtime> runtime, std::shared_ptr<LiveSet> live, ComPtr<IUnknown> object);

  explicit AddinHandle(const Napi::CallbackInfo& info);
  ~AddinHandle() override;

 private:
  struct Init {
    std::shared_ptr<Held<IWsbApplicationBackupSupport>> backup;
    std::shared_ptr<Held<IWsbApplicationRestoreSupport>> restore;
    HRESULT restoreQuery = kS_OK;  // why `restore` holds nothing, if it does not
  };

  Napi::Value checkConsistency(const Napi::CallbackInfo& info);
  // vet's probes: CheckConsistency as it returned (the call's code, a stray object), and identity.
  Napi::Value checkConsistencyRaw(const Napi::CallbackInfo& info);
  Napi::Value probeIdentity(const Napi::CallbackInfo& info);
  Napi::Value startCheck(const Napi::CallbackInfo& info, bool raw);
  Napi::Value preRestore(const Napi::CallbackInfo& info);
  Napi::Value postRestore(const Napi::CallbackInfo& info);
  Napi::Value orderComponents(const Napi::CallbackInfo& info);
  Napi::Value isRollForwardSupported(const Napi::CallbackInfo& info);
  Napi::Value release(const Napi::CallbackInfo& info);

  Napi::Value restoreCall(const Napi::CallbackInfo& info, HRESULT (*call)(IWsbApplicationRestoreSupport*, RestoreRequest&));
  // A restore-interface call: fails with the QueryInterface result when the add-in lacks it.
  Napi::Promise withRestore(const Napi::CallbackInfo& info, std::function<Settle(IWsbApplicationRestoreSupport*)> call);
  void assertLive(Napi::Env env) const;
  void scheduleRelease();

  Init held_;
  std::shared_ptr<Apartment> apartment_;
  bool released_ = false;
};

}  // namespace wsb::bridge
