#include "scenario_arg.h"

#include "../scenario/read.h"
#include "js_values.h"

namespace wsb::bridge {
namespace {

// read.h's Value over a JS value. An absent property reads as kAbsent, `undefined` included.
class JsValue {
 public:
  explicit JsValue(Napi::Value value) : value_(value) {}

  scenario::Type type() const {
    using scenario::Type;
    if (value_.IsUndefined()) return Type::kAbsent;
    if (value_.IsNull()) return Type::kNull;
    if (value_.IsBoolean()) return Type::kBool;
    if (value_.IsNumber()) return Type::kNumber;
    if (value_.IsString()) return Type::kString;
    if (value_.IsArray()) return Type::kArray;
    if (value_.IsObject() && !value_.IsFunction()) return Type::kObject;
    return Type::kOther;
  }
  bool boolean() const { return value_.As<Napi::Boolean>().Value(); }
  double number() const { return value_.As<Napi::Number>().DoubleValue(); }
  std::string string() const { return value_.As<Napi::String>().Utf8Value(); }
  std::size_t size() const { return value_.As<Napi::Array>().Length(); }
  JsValue at(std::size_t i) const { return JsValue(value_.As<Napi::Array>().Get(static_cast<std::uint32_t>(i))); }
  std::vector<std::string> keys() const {
    const Napi::Array names = value_.As<Napi::Object>().GetPropertyNames();
    std::vector<std::string> out;
    for (std::uint32_t i = 0; i < names.Length(); ++i) out.push_back(names.Get(i).ToString().Utf8Value());
    return out;
  }
  JsValue member(const std::string& key) const { return JsValue(value_.As<Napi::Object>().Get(key)); }

 private:
  Napi::Value value_;
};

}  // namespace

scenario::Scenario scenarioArg(const Napi::Value& value) {
  try {
    return scenario::readScenario(JsValue(value));
  } catch (const scenario::InvalidScenario& e) {
    throw invalidArgValue(value.Env(), e.what());
  }
}

}  // namespace wsb::bridge
