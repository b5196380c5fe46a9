#include "wake_policy.h"

#include <cmath>
#include <string>

namespace wsb::bridge {
namespace {

template <class Error>
Error coded(Napi::Env env, const std::string& message, const char* code) {
  Error error = Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

std::chrono::microseconds spinField(const Napi::Object& policy, const char* field, std::chrono::microseconds current) {
  const Napi::Value value = policy.Get(field);
  if (value.IsUndefined()) return current;
  const Napi::Env env = policy.Env();
  if (!value.IsNumber())
    throw coded<Napi::TypeError>(env, std::string(field) + " must be a number of microseconds", "ERR_INVALID_ARG_TYPE");
  const double us = value.As<Napi::Number>().DoubleValue();
  if (!(us >= 0 && us <= kMaxSpinUs) || std::trunc(us) != us) {
    throw coded<Napi::RangeError>(
        env, std::string(field) + " must be an integer from 0 to " + std::to_string(kMaxSpinUs) + " (microseconds)", "ERR_OUT_OF_RANGE");
  }
  return std::chrono::microseconds(static_cast<std::int64_t>(us));
}

}  // namespace

WakePolicy wakePolicyArg(const Napi::Value& value, const WakePolicy& current) {
  if (value.IsUndefined()) return current;
  if (!value.IsObject()) throw coded<Napi::TypeError>(value.Env(), "the wake policy must be an object", "ERR_INVALID_ARG_TYPE");
  const auto policy = value.As<Napi::Object>();
  return WakePolicy{spinField(policy, "comSpinUs", current.comSpin), spinField(policy, "callerSpinUs", current.callerSpin)};
}

Napi::Object jsWakePolicy(Napi::Env env, const WakePolicy& policy) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("comSpinUs", Napi::Number::New(env, static_cast<double>(policy.comSpin.count())));
  result.Set("callerSpinUs", Napi::Number::New(env, static_cast<double>(policy.callerSpin.count())));
  result.Set("maxSpinUs", Napi::Number::New(env, static_cast<double>(kMaxSpinUs)));
  return result;
}

}  // namespace wsb::bridge
