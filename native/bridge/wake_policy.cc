#include "wake_policy.h"

#include "js_values.h"

#include <cmath>
#include <string>

namespace wsb::bridge {
namespace {

std::chrono::microseconds spinField(const Napi::Object& policy, const char* field, std::chrono::microseconds current) {
  const Napi::Value value = policy.Get(field);
  if (value.IsUndefined()) return current;
  const Napi::Env env = policy.Env();
  if (!value.IsNumber()) throw invalidArgType(env, std::string(field) + " must be a number of microseconds");
  const double us = value.As<Napi::Number>().DoubleValue();
  if (!(us >= 0 && us <= kMaxSpinUs) || std::trunc(us) != us) {
    throw outOfRange(env, std::string(field) + " must be an integer from 0 to " + std::to_string(kMaxSpinUs) + " (microseconds)");
  }
  return std::chrono::microseconds(static_cast<std::int64_t>(us));
}

}  // namespace

WakePolicy wakePolicyArg(const Napi::Value& value, const WakePolicy& current) {
  if (value.IsUndefined()) return current;
  if (!value.IsObject()) throw invalidArgType(value.Env(), "the wake policy must be an object");
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
