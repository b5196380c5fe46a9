#include "js_values.h"

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "../com/system_message.h"

namespace wsb::bridge {

namespace {

// The UTF-16 units of a JS string, read once: straight into the result where WChar is char16_t
// (Linux: no second copy of megabytes of writer metadata), through a u16string where it is
// wchar_t (Windows, also 16-bit UTF-16).
template <class Char>
std::basic_string<Char> readUtf16(const Napi::Value& value, std::size_t length) {
  static_assert(sizeof(Char) == sizeof(char16_t), "LPWSTR is UTF-16");
  const auto read = [&](char16_t* buffer) {
    std::size_t copied = 0;
    // length + 1: room for the terminator Node-API writes (a basic_string always has it).
    const napi_status status = napi_get_value_string_utf16(value.Env(), value, buffer, length + 1, &copied);
    NAPI_THROW_IF_FAILED(value.Env(), status, std::size_t(0));
    return copied;
  };
  // A template, so that only the branch for this platform's WChar is compiled.
  if constexpr (std::is_same_v<Char, char16_t>) {
    std::u16string text(length, u'\0');
    text.resize(read(text.data()));
    return text;
  } else {
    std::u16string units(length, u'\0');
    units.resize(read(units.data()));
    return std::basic_string<Char>(units.begin(), units.end());
  }
}

template <class Error>
Napi::Error coded(Napi::Env env, const std::string& message, const char* code) {
  Napi::Error error = Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

}  // namespace

Napi::Error invalidArgType(Napi::Env env, const std::string& message) {
  return coded<Napi::TypeError>(env, message, "ERR_INVALID_ARG_TYPE");
}
Napi::Error invalidArgValue(Napi::Env env, const std::string& message) {
  return coded<Napi::TypeError>(env, message, "ERR_INVALID_ARG_VALUE");
}
Napi::Error outOfRange(Napi::Env env, const std::string& message) { return coded<Napi::RangeError>(env, message, "ERR_OUT_OF_RANGE"); }

WString wideArg(const Napi::Value& value, const std::string& field, std::size_t maxUnits) {
  const Napi::Env env = value.Env();
  if (!value.IsString()) throw invalidArgType(env, field + " must be a string");
  std::size_t length = 0;
  NAPI_THROW_IF_FAILED(env, napi_get_value_string_utf16(env, value, nullptr, 0, &length), WString());
  // Checked before anything is copied, with lib/validate.ts's wording.
  if (length > maxUnits) {
    throw outOfRange(env, field + " is " + std::to_string(length) + " UTF-16 units long; the limit is " + std::to_string(maxUnits));
  }
  WString text = readUtf16<WChar>(value, length);
  std::size_t nulAt = 0;
  if (validate(text, maxUnits, &nulAt) == TextError::kEmbeddedNul) {
    throw outOfRange(env, field + " contains a NUL character at index " + std::to_string(nulAt));
  }
  return text;
}

OptionalText optionalWideArg(const Napi::Value& value, const std::string& field, std::size_t maxUnits) {
  if (value.IsNull() || value.IsUndefined()) return std::nullopt;
  return wideArg(value, field, maxUnits);
}

std::vector<WString> wideArrayArg(const Napi::Value& value, const std::string& field) {
  if (!value.IsArray()) throw invalidArgType(value.Env(), field + " must be an array of strings");
  const auto array = value.As<Napi::Array>();
  // DWORD counts in the API; nothing real comes near this, it only keeps the cast honest.
  if (array.Length() > 0xFFFF) throw outOfRange(value.Env(), field + " has too many entries");
  std::vector<WString> texts;
  texts.reserve(array.Length());
  for (std::uint32_t i = 0; i < array.Length(); ++i) {
    texts.push_back(wideArg(array.Get(i), field + "[" + std::to_string(i) + "]"));
  }
  return texts;
}

bool booleanArg(const Napi::Value& value, const std::string& field) {
  if (!value.IsBoolean()) throw invalidArgType(value.Env(), field + " must be a boolean");
  return value.As<Napi::Boolean>().Value();
}

HRESULT hresultArg(const Napi::Value& value, const std::string& field) {
  if (!value.IsNumber()) throw invalidArgType(value.Env(), field + " must be a number");
  const double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= -2147483648.0 && number <= 4294967295.0) || number != std::floor(number)) {
    throw outOfRange(value.Env(), field + " must be a 32-bit integer (signed or unsigned)");
  }
  return static_cast<HRESULT>(static_cast<std::uint32_t>(static_cast<std::int64_t>(number)));
}

std::string utf8Arg(const Napi::Value& value, const std::string& field) {
  if (!value.IsString()) throw invalidArgType(value.Env(), field + " must be a string");
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
  // As a Napi::Value: Set's template overload would take a Napi::String through std::string
  // (UTF-8), turning unpaired surrogates into U+FFFD.
  for (std::size_t i = 0; i < texts.size(); ++i) array.Set(static_cast<std::uint32_t>(i), Napi::Value(jsString(env, texts[i])));
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
  if (!failure.interfaceName.empty()) error.Set("interfaceName", Napi::String::New(env, failure.interfaceName));
  if (!failure.interfaceId.empty()) error.Set("interfaceId", Napi::String::New(env, failure.interfaceId));
  return error;
}

Napi::Error protocolError(Napi::Env env, HRESULT call, const std::string& detail) {
  auto error = callError(env, Failure{call, detail});
  error.Set("protocol", Napi::Boolean::New(env, true));
  return error;
}

}  // namespace wsb::bridge
