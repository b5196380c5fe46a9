// Conversions between JS values and what the call layer takes. JS validates first; these check
// again (types, NUL, length; the same rules as lib/validate.ts) because the binding is public and
// a bad string must never reach an add-in. Failures throw a TypeError with ERR_INVALID_ARG_TYPE
// (type) or a RangeError with ERR_OUT_OF_RANGE (NUL, length, count), naming the field. Strings go over as UTF-16 unchanged, unpaired
// surrogates included.
#pragma once

#include <string>
#include <vector>

#include <napi.h>

#include "../com/runtime.h"
#include "../com/wsb_calls.h"

namespace wsb::bridge {

// At most `maxUnits` UTF-16 units (kMaxWideChars for names and paths, kMaxWriterMetadataChars
// for writer metadata).
WString wideArg(const Napi::Value& value, const std::string& field, std::size_t maxUnits = kMaxWideChars);
OptionalText optionalWideArg(const Napi::Value& value, const std::string& field, std::size_t maxUnits = kMaxWideChars);
std::vector<WString> wideArrayArg(const Napi::Value& value, const std::string& field);
bool booleanArg(const Napi::Value& value, const std::string& field);
std::string utf8Arg(const Napi::Value& value, const std::string& field);
// A 32-bit HRESULT given signed or unsigned (-2147467259 or 0x80004005); TypeError/RangeError otherwise.
HRESULT hresultArg(const Napi::Value& value, const std::string& field);

Napi::String jsString(Napi::Env env, WStringView text);
Napi::Array jsStrings(Napi::Env env, const std::vector<WString>& texts);
Napi::Number jsHresult(Napi::Env env, HRESULT hresult);

// A JS array of `convert(env, item)` for every item.
template <class T, class Convert>
Napi::Array jsArray(Napi::Env env, const std::vector<T>& items, Convert convert) {
  auto array = Napi::Array::New(env, items.size());
  for (std::size_t i = 0; i < items.size(); ++i) array.Set(static_cast<std::uint32_t>(i), Napi::Value(convert(env, items[i])));
  return array;
}

// Bad input with Node's codes, as lib/input-errors.ts makes them: a TypeError with
// ERR_INVALID_ARG_TYPE (wrong type) or ERR_INVALID_ARG_VALUE (a value not allowed), a RangeError
// with ERR_OUT_OF_RANGE (past a limit).
Napi::Error invalidArgType(Napi::Env env, const std::string& message);
Napi::Error invalidArgValue(Napi::Env env, const std::string& message);
Napi::Error outOfRange(Napi::Env env, const std::string& message);

// The rejection of a failed call: an Error with `hresult` (unsigned), `systemMessage` (where the
// platform has one) and `detail`; lib/backends/native.ts turns it into the typed WsbError.
Napi::Error callError(Napi::Env env, const Failure& failure);
// The rejection for an add-in that broke the protocol while its call "succeeded".
Napi::Error protocolError(Napi::Env env, HRESULT call, const std::string& detail);

}  // namespace wsb::bridge
