// JS class `Operation`: one IWsbApplicationAsync returned by CheckConsistency.
#pragma once

#include <memory>

#include <napi.h>

#include "../com/held.h"
#include "addon.h"

namespace wsb::bridge {

class OperationHandle final : public Napi::ObjectWrap<OperationHandle> {
 public:
  static Napi::Function define(Napi::Env env);
  // The JS object for an operation a COM thread obtained (JS thread).
  static Napi::Value wrap(Napi::Env env, std::shared_ptr<Held<IWsbApplicationAsync>> held);

  // binding.queryStatusBatch(operations, onResults): QueryStatus on every operation, posted at
  // once, results in typed arrays (see lib/backends/load.ts for the contract).
  static Napi::Value queryStatusBatch(const Napi::CallbackInfo& info);

  explicit OperationHandle(const Napi::CallbackInfo& info);
  ~OperationHandle() override;

 private:
  Napi::Value queryStatus(const Napi::CallbackInfo& info);
  Napi::Value abort(const Napi::CallbackInfo& info);
  Napi::Value release(const Napi::CallbackInfo& info);
  void assertLive(Napi::Env env) const;
  // The handle `value` wraps, or nullptr when it is no Operation (checked by type tag).
  static OperationHandle* of(const Napi::Value& value);
  void scheduleRelease();

  std::shared_ptr<Held<IWsbApplicationAsync>> held_;
  std::shared_ptr<Apartment> apartment_;
  bool released_ = false;
  Napi::ObjectReference releasing_;  // the promise release() returned
};

}  // namespace wsb::bridge
