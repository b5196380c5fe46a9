#include "machine.h"

#ifdef _WIN32

#include "../com/machine_win32.h"
#include "js_values.h"

namespace wsb::bridge {
namespace {

// The path as a message shows it (UTF-8; an unpaired surrogate replaced).
std::string shown(const WString& path) {
  std::string text;
  toUtf8(path, &text, Unpaired::kReplace);
  return text;
}

// Synchronous: a key is read in microseconds, and a JS-thread read needs no hold on the loop.
Napi::Value readRegistryKeyOf(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  const WString path = wideArg(info[0], "path");
  std::wstring rest;
  const HKEY root = registryRoot(path, &rest);
  if (root == nullptr) {
    throw invalidArgValue(env, "path must start with HKLM, HKCR, HKCU or HKU (or their long names), got '" + shown(path) + "'");
  }
  const RegistryListing listing = readRegistryKey(root, rest);
  if (listing.status == ERROR_FILE_NOT_FOUND) return env.Null();
  if (listing.status != ERROR_SUCCESS) {
    throw callError(env, Failure{HRESULT_FROM_WIN32(listing.status), "cannot read the registry key " + shown(path)});
  }
  Napi::Array values = Napi::Array::New(env, listing.values.size());
  for (std::size_t i = 0; i < listing.values.size(); ++i) {
    Napi::Object value = Napi::Object::New(env);
    value.Set("name", jsString(env, listing.values[i].name));
    value.Set("type", jsString(env, listing.values[i].type));
    value.Set("data", jsString(env, listing.values[i].data));
    values.Set(static_cast<std::uint32_t>(i), value);
  }
  Napi::Object key = Napi::Object::New(env);
  key.Set("values", values);
  key.Set("subkeys", jsStrings(env, listing.subkeys));
  return key;
}

Napi::Value processImagesOf(const Napi::CallbackInfo& info) {
  std::vector<std::wstring> images;
  DWORD error = ERROR_SUCCESS;
  if (!processImages(&images, &error)) throw callError(info.Env(), Failure{HRESULT_FROM_WIN32(error), "cannot list the running processes"});
  return jsStrings(info.Env(), images);
}

}  // namespace

void exportMachine(Napi::Env env, Napi::Object exports) {
  exports.Set("readRegistryKey", Napi::Function::New<&readRegistryKeyOf>(env, "readRegistryKey"));
  exports.Set("processImages", Napi::Function::New<&processImagesOf>(env, "processImages"));
}

}  // namespace wsb::bridge

#else

namespace wsb::bridge {

void exportMachine(Napi::Env, Napi::Object) {}

}  // namespace wsb::bridge

#endif
