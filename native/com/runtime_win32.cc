#include "runtime_win32.h"

#ifdef _WIN32

#include <algorithm>
#include <cctype>
#include <cwchar>
#include <iterator>
#include <utility>

#include "machine_win32.h"
#include "vss_win32.h"
#include "wide_string.h"

namespace wsb {
namespace {

constexpr const wchar_t* kApplicationSupportKey =
    L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\WindowsServerBackup\\Application Support";

// Registry text as UTF-8; false when it holds an unpaired surrogate (UTF-8 cannot say it).
bool utf8(const std::wstring& text, std::string* out) { return toUtf8(text, out) == TextError::kNone; }

// For messages about our own constant key names, which are plain ASCII.
std::string utf8(const std::wstring& text) {
  std::string out;
  toUtf8(text, &out, Unpaired::kReplace);
  return out;
}

// GUIDs compare case-insensitively, and with or without braces.
std::string canonicalGuid(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), '{'), text.end());
  text.erase(std::remove(text.begin(), text.end(), '}'), text.end());
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

class ComRuntime final : public Runtime {
 public:
  explicit ComRuntime(const ComRuntimeOptions& options) : options_(options) {
    // CoCancelCall is looked up in ole32 at run time: Wine's ole32 does not export it, and its
    // combase placeholder kills the process when called (seen under Wine 8, docs/real-com.md). Where it is
    // missing, a hung call is abandoned instead.
    const HMODULE ole32 = GetModuleHandleW(L"ole32.dll");
    if (ole32 != nullptr) {
      cancelCall_ = reinterpret_cast<CancelCall>(reinterpret_cast<void*>(GetProcAddress(ole32, "CoCancelCall")));
    }
  }

  Failure listApplications(std::vector<Registration>* out) override {
    RegistryKey root;
    const LSTATUS opened = root.open(HKEY_LOCAL_MACHINE, kApplicationSupportKey);
    if (opened == ERROR_FILE_NOT_FOUND) return {};  // WSB not installed: nothing registered
    if (opened != ERROR_SUCCESS) return Failure{HRESULT_FROM_WIN32(opened), "cannot open HKLM\\" + utf8(kApplicationSupportKey)};
    wchar_t name[256];
    for (DWORD index = 0;; ++index) {
      DWORD length = static_cast<DWORD>(std::size(name));
      const LSTATUS next = RegEnumKeyExW(root.get(), index, name, &length, nullptr, nullptr, nullptr, nullptr);
      if (next == ERROR_NO_MORE_ITEMS) return {};
      if (next != ERROR_SUCCESS) return Failure{HRESULT_FROM_WIN32(next), "cannot enumerate the Application Support key"};
      RegistryKey writer;
      if (writer.open(root.get(), name) != ERROR_SUCCESS) continue;  // one unreadable entry does not hide the rest
      // An entry whose text UTF-8 cannot carry (an unpaired surrogate) is skipped the same way:
      // no GUID or CLSID contains one, and an identifier that does is not one WSB would show.
      Registration registration;
      if (!utf8(name, &registration.writerId) || !utf8(stringValue(writer.get(), L"Application Identifier"), &registration.identifier) ||
          !utf8(stringValue(writer.get(), L"CLSID"), &registration.clsid)) {
        continue;
      }
      out->push_back(std::move(registration));
    }
  }

  Failure activate(const Registration& application, ComPtr<IUnknown>* out) override {
    if (!options_.allowUnregisteredClsid) {
      const Failure allowed = checkRegistered(application.clsid);
      if (FAILED(allowed.hresult)) return allowed;
    }
    // IIDFromString, not CLSIDFromString: the latter also accepts a ProgID (and looks it up in
    // the registry), and a CLSID here must be exactly a GUID. It wants the braces.
    WString clsidText;
    CLSID clsid{};
    const std::string braced =
        !application.clsid.empty() && application.clsid.front() == '{' ? application.clsid : "{" + application.clsid + "}";
    if (toWide(braced, &clsidText) != TextError::kNone || FAILED(IIDFromString(clsidText.c_str(), &clsid))) {
      return Failure{kE_INVALIDARG, "not a CLSID: " + application.clsid};
    }
    const DWORD context = CLSCTX_LOCAL_SERVER | (options_.inProcess ? CLSCTX_INPROC_SERVER : 0);
    void* raw = nullptr;
    const HRESULT created = CoCreateInstance(clsid, nullptr, context, kIID_IUnknown, &raw);
    if (FAILED(created)) return Failure{created, "CoCreateInstance of " + application.clsid};
    *out = ComPtr<IUnknown>::adopt(static_cast<IUnknown*>(raw));
    return {};
  }

  Failure vssCreate(vss::Ref<vss::IVssBackupComponents>* out, vss::FreeSnapshotPropertiesFn* freeProperties) override {
    vss::CreateBackupComponentsFn create = nullptr;
    const Failure loaded = vss::loadVssApi(&create, freeProperties);
    if (FAILED(loaded.hresult)) return loaded;
    vss::ensureRequesterSecurity();
    const HRESULT created = create(out->put());
    if (FAILED(created)) return Failure{created, "CreateVssBackupComponentsInternal"};
    return {};
  }

  Failure vssVolumeOf(const WString& path, WString* volume) override { return vss::volumeNameOf(path, volume); }

  bool cancel(const CallThread& thread) noexcept override {
    if (cancelCall_ == nullptr) return false;
    cancelCall_(thread.win32Id, 0);
    return true;
  }

  // CoCancelCall is not sticky: a cancellation that finds no call in progress is simply lost.
  void callFinished(const CallThread&) noexcept override {}

  void shutdown() noexcept override {}

 private:
  using CancelCall = HRESULT(WINAPI*)(DWORD, ULONG);

  Failure checkRegistered(const std::string& clsid) {
    std::vector<Registration> registered;
    const Failure listed = listApplications(&registered);
    if (FAILED(listed.hresult)) return listed;
    const std::string wanted = canonicalGuid(clsid);
    const bool found = std::any_of(registered.begin(), registered.end(),
                                   [&](const Registration& r) { return !r.clsid.empty() && canonicalGuid(r.clsid) == wanted; });
    if (found) return {};
    return Failure{kREGDB_E_CLASSNOTREG, clsid +
                                             " is not the CLSID of any application registered with Windows Server Backup "
                                             "(pass allowUnregisteredClsid: true to activate it anyway)"};
  }

  const ComRuntimeOptions options_;
  CancelCall cancelCall_ = nullptr;
};

}  // namespace

std::unique_ptr<Runtime> createComRuntime(const ComRuntimeOptions& options) { return std::make_unique<ComRuntime>(options); }

}  // namespace wsb

#endif
