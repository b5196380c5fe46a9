#include "js_values.h"

#include <cstdint>
#include <type_traits>

#include "../com/system_message.h"

namespace wsb::bridge {

WString wideArg(const Napi::Value& value, const std::string& field) {
  if (!value.IsString()) throw Napi::TypeError::New(value.Env(), field + " must be a string");
  const std::u16string units = value.As<Napi::String>().Utf16Value();
  WString text(units.begin(), units.end());
  const TextError error = validate(text);
  if (error == TextError::kTooLong) throw Napi::RangeError::New(value.Env(), field + " " + describe(error));
  if (error != TextError::kNone) throw Napi::TypeError::New(value.Env(), field + " " + describe(error));
  return text;
}

OptionalText optionalWideArg(const Napi::Value& value, const std::string& field) {
  if (value.IsNull() || value.IsUndefined()) return std::nullopt;
  return wideArg(value, field);
}

std::vector<WString> wideArrayArg(const Napi::Value& value, const std::string& field) {
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), field + " must be an array of strings");
  const auto array = value.As<Napi::Array>();
  // DWORD counts in the API; nothing real comes near this, it only keeps the cast honest.
  if (array.Length() > 0xFFFF) throw Napi::RangeError::New(value.Env(), field + " has too many entries");
  std::vector<WString> texts;
  texts.reserve(array.Length());
  for (std::uint32_t i = 0; i < array.Length(); ++i) {
    texts.push_back(wideArg(array.Get(i), field + "[" + std::to_string(i) + "]"));
  }
  return texts;
}

bool booleanArg(const Napi::Value& value, const std::string& field) {
  if (!value.IsBoolean()) throw Napi::TypeError::New(value.Env(), field + " must be a boolean");
  return value.As<Napi::Boolean>().Value();
}

std::string utf8Arg(const Napi::Value& value, const std::string& field) {
  if (!value.IsString()) throw Napi::TypeError::New(value.Env(), field + " must be a string");
  return value.As<Napi::String>().Utf8Value();
}

namespace {

// A template, so that only the branch for this platform's WChar is compiled.
template <class Char>
Napi::String newString(Napi::Env env, std::basic_string_view<Char> text) {
  if constexpr (std::is_same_v<Char, char16_t>) {
    return Napi::String::New(env, text.data(), text.size());
  } else {
    const std::u16string units(text.begin(), text.end());  // wchar_t is UTF-16 on Windows
    return Napi::String::New(env, units.data(), units.size());
  }
}

}  // namespace

Napi::String jsString(Napi::Env env, WStringView text) { return newString(env, text); }

Napi::Array jsStrings(Napi::Env env, const std::vector<WString>& texts) {
  auto array = Napi::Array::New(env, texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) array.Set(static_cast<std::uint32_t>(i), jsString(env, texts[i]));
  return array;
}

Napi::Number jsHresult(Napi::Env env, HRESULT hresult) {
  return Napi::Number::New(env, static_cast<double>(static_cast<std::uint32_t>(hresult)));
}

Napi::Error callError(Napi::Env env, const Failure& failure) {
  auto error = Napi::Error::New(env, failure.message.empty() ? "COM call failed" : failure.message);
  error.Set("hresult", jsHresult(env, failure.hresult));
  error.Set("detail", Napi::String::New(env, failure.message));
  const std::string system = systemMessage(failure.hresult);
  if (!system.empty()) error.Set("systemMessage", Napi::String::New(env, system));
  return error;
}

Napi::Error protocolError(Napi::Env env, HRESULT call, const std::string& detail) {
  auto error = callError(env, Failure{call, detail});
  error.Set("protocol", Napi::Boolean::New(env, true));
  return error;
}

}  // namespace wsb::bridge
