#include "addin.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <condition_variable>
#include <mutex>
#include <new>
#include <optional>
#include <thread>
#include <vector>

#include "scenario/behaviour.h"

namespace sample {
namespace {

using scenario::AbortScript;
using scenario::ApplicationScript;
using scenario::ComponentScript;
using scenario::StatusStep;

// Exit code of a scripted crash, so a test can tell it from the watchdog's.
constexpr UINT kCrashExitCode = 0xC0DE;

// No C++ exception may cross a COM method: every method body runs through this.
template <class Body>
HRESULT noThrow(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return E_OUTOFMEMORY;
  } catch (...) {
    return E_UNEXPECTED;
  }
}

// Keeps the activation (and so the process) alive while an object exists. CoReleaseServerProcess
// reaching zero also suspends the class objects (on Windows), so no activation can sneak in
// before the main thread revokes or re-registers; ServerActivity tells the main thread.
class ServerReference {
 public:
  enum class Kind { kObject, kActivation };
  ServerReference(ServerActivity& activity, Kind kind) : activity_(activity) {
    if (kind == Kind::kActivation) activity_.activationBegins();
    else activity_.hold();
    CoAddRefServerProcess();
  }
  ~ServerReference() {
    CoReleaseServerProcess();
    activity_.release();
  }
  ServerReference(const ServerReference&) = delete;
  ServerReference& operator=(const ServerReference&) = delete;

 private:
  ServerActivity& activity_;
};

// COM objects own themselves: created with new, destroyed by the last Release (`delete this`).
class RefCount {
 public:
  ULONG add() noexcept { return ++count_; }
  ULONG release() noexcept { return --count_; }

 private:
  std::atomic<ULONG> count_{1};
};

// The final Release of an object, logged before it returns, so a client's test can see that it
// arrived. Never throws: Release has no HRESULT to report a failure with.
void logFinalRelease(CallLog& log, const char* object, const std::string* component) noexcept {
  try {
    LogLine line("Release");
    line.text("object", std::string(object));
    if (component != nullptr) line.text("component", *component);
    log.write(line);
  } catch (...) {  // std::bad_alloc: the log is a diagnostic
  }
}

void sleepFor(std::uint32_t ms) {
  if (ms > 0) Sleep(ms);
}

// TerminateProcess, not ExitProcess: a crash runs no DLL detach and no atexit, and ExitProcess
// could block on the loader lock held by another RPC thread.
[[noreturn]] void crash() {
  TerminateProcess(GetCurrentProcess(), kCrashExitCode);
  std::abort();  // not reached
}

// The process dies `ms` after the current call has returned, between the client's calls.
void crashLater(std::uint32_t ms) {
  std::thread([ms] {
    Sleep(ms);
    crash();
  }).detach();
}

// A reference for the length of a scope.
class ComHold {
 public:
  explicit ComHold(IUnknown* object) : object_(object) { object_->AddRef(); }
  ~ComHold() { object_->Release(); }
  ComHold(const ComHold&) = delete;
  ComHold& operator=(const ComHold&) = delete;

 private:
  IUnknown* object_;
};

// CoTestCancel, looked up at run time: Wine 8's ole32 does not export it and its combase entry
// is a placeholder that raises an exception when called. nullptr where there is none.
using TestCancel = HRESULT(WINAPI*)();
TestCancel coTestCancel() {
  const HMODULE ole32 = GetModuleHandleW(L"ole32.dll");
  return ole32 == nullptr ? nullptr : reinterpret_cast<TestCancel>(reinterpret_cast<void*>(GetProcAddress(ole32, "CoTestCancel")));
}

// A scripted hang of a call that has no operation to abort (CheckConsistency, the restore calls,
// activation): only the client's CoCancelCall (which a server sees through CoTestCancel) ends
// it, or the watchdog ends the process. Wine 8 has neither CoCancelCall nor CoTestCancel (its
// placeholders kill the caller), so there the call lasts until the watchdog. The caller keeps
// its object alive meanwhile (ComHold): the client may release its proxy while the call hangs.
HRESULT hangUntilCancelled() {
  const TestCancel testCancel = coTestCancel();
  for (;;) {
    if (testCancel != nullptr && testCancel() == RPC_E_CALL_CANCELED) return RPC_E_CALL_CANCELED;
    Sleep(testCancel != nullptr ? 20 : INFINITE);
  }
}

const char* stepName(StatusStep::Kind kind) {
  switch (kind) {
    case StatusStep::Kind::kStatus: return "status";
    case StatusStep::Kind::kCallFails: return "callFails";
    case StatusStep::Kind::kUnwritten: return "unwritten";
    case StatusStep::Kind::kHang: return "hang";
    case StatusStep::Kind::kCrash: return "crash";
  }
  return "?";
}

class AsyncCheck final : public IWsbApplicationAsync {
 public:
  AsyncCheck(const ServerContext& context, const ComponentScript& script, std::string component)
      : context_(context),
        script_(script),
        statuses_(script),
        component_(std::move(component)),
        server_(*context.activity, ServerReference::Kind::kObject) {}

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** object) override {
    if (object == nullptr) return E_POINTER;
    *object = nullptr;
    if (iid != IID_IUnknown && iid != IID_IWsbApplicationAsync) return E_NOINTERFACE;
    *object = static_cast<IWsbApplicationAsync*>(this);
    AddRef();
    return S_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return refs_.add(); }
  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG left = refs_.release();
    if (left == 0) {
      logFinalRelease(*context_.log, "check", &component_);
      delete this;
    }
    return left;
  }

  HRESULT STDMETHODCALLTYPE QueryStatus(HRESULT* phrResult) override {
    return noThrow([&]() -> HRESULT {
      const StatusStep step = statuses_.next();
      LogLine line("QueryStatus");
      line.text("component", component_).text("step", stepName(step.kind));
      switch (step.kind) {
        case StatusStep::Kind::kHang:
          context_.log->write(line);
          waitForAbort();  // then answer as an aborted check would
          return answer(phrResult, script_.abort.statusAfter);
        case StatusStep::Kind::kCrash:
          context_.log->write(line.number("afterMs", step.afterMs));
          if (step.afterMs > 0) {
            crashLater(step.afterMs);
            return answer(phrResult, scenario::kInProgress);  // the SDK's value, which WSB compares with
          }
          crash();
          return E_UNEXPECTED;  // not reached
        case StatusStep::Kind::kCallFails:
          sleepFor(step.delayMs);
          context_.log->write(line.hresult("returns", step.hresult));
          return step.hresult;
        case StatusStep::Kind::kUnwritten:
          sleepFor(step.delayMs);
          context_.log->write(line);
          return S_OK;  // deliberately leaves *phrResult alone (a broken add-in)
        case StatusStep::Kind::kStatus: break;
      }
      sleepFor(step.delayMs);
      context_.log->write(line.hresult("status", step.hresult));
      return answer(phrResult, step.hresult);
    });
  }

  HRESULT STDMETHODCALLTYPE Abort() override {
    return noThrow([&]() -> HRESULT {
      const AbortScript& abort = script_.abort;
      context_.log->write(LogLine("Abort").text("component", component_).boolean("hang", abort.hang));
      if (abort.hang) Sleep(INFINITE);  // the watchdog ends the process
      sleepFor(abort.delayMs);
      statuses_.abort();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        aborted_ = true;
      }
      abortedChanged_.notify_all();
      return abort.returns;
    });
  }

 private:
  ~AsyncCheck() = default;

  static HRESULT answer(HRESULT* phrResult, HRESULT status) {
    if (phrResult == nullptr) return E_POINTER;
    *phrResult = status;
    return S_OK;
  }

  // A hung check: only Abort (another RPC thread of this MTA server) or the watchdog ends it.
  void waitForAbort() {
    std::unique_lock<std::mutex> lock(mutex_);
    abortedChanged_.wait(lock, [&] { return aborted_; });
  }

  const ServerContext& context_;
  const ComponentScript& script_;  // lives in context_.app for the life of the process
  scenario::StatusSequence statuses_;
  const std::string component_;
  ServerReference server_;
  RefCount refs_;
  std::mutex mutex_;  // aborted_: what wakes a hung QueryStatus
  std::condition_variable abortedChanged_;
  bool aborted_ = false;
};

// A CoTaskMemAlloc'ed array of CoTaskMemAlloc'ed strings, as OrderComponents hands out. Frees
// everything unless released to the caller, so a failure half-way leaks nothing.
class TaskMemStrings {
 public:
  explicit TaskMemStrings(DWORD count) : count_(count) {
    entries_ = static_cast<LPWSTR*>(CoTaskMemAlloc(sizeof(LPWSTR) * std::max<DWORD>(count, 1)));
    if (entries_ != nullptr) std::fill_n(entries_, count, nullptr);
  }
  ~TaskMemStrings() {
    if (entries_ == nullptr) return;
    for (DWORD i = 0; i < count_; ++i) CoTaskMemFree(entries_[i]);
    CoTaskMemFree(entries_);
  }
  TaskMemStrings(const TaskMemStrings&) = delete;
  TaskMemStrings& operator=(const TaskMemStrings&) = delete;

  bool valid() const { return entries_ != nullptr; }
  // Copies `text` (NULL stays NULL) into entry i; false when out of memory.
  bool set(DWORD i, const wchar_t* text) {
    if (text == nullptr) return true;
    const size_t bytes = (wcslen(text) + 1) * sizeof(wchar_t);
    entries_[i] = static_cast<LPWSTR>(CoTaskMemAlloc(bytes));
    if (entries_[i] == nullptr) return false;
    memcpy(entries_[i], text, bytes);
    return true;
  }
  LPWSTR* release() {
    LPWSTR* out = entries_;
    entries_ = nullptr;
    return out;
  }

 private:
  LPWSTR* entries_ = nullptr;
  DWORD count_;
};

class AddIn final : public IWsbApplicationBackupSupport, public IWsbApplicationRestoreSupport {
 public:
  explicit AddIn(const ServerContext& context) : context_(context), server_(*context.activity, ServerReference::Kind::kObject) {}

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** object) override {
    if (object == nullptr) return E_POINTER;
    *object = nullptr;
    if (iid == IID_IUnknown || iid == IID_IWsbApplicationBackupSupport) {
      *object = static_cast<IWsbApplicationBackupSupport*>(this);
    } else if (iid == IID_IWsbApplicationRestoreSupport && context_.app.restoreSupport) {
      *object = static_cast<IWsbApplicationRestoreSupport*>(this);
    } else {
      return E_NOINTERFACE;
    }
    AddRef();
    return S_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return refs_.add(); }
  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG left = refs_.release();
    if (left == 0) {
      logFinalRelease(*context_.log, "addin", nullptr);
      delete this;
    }
    return left;
  }

  HRESULT STDMETHODCALLTYPE CheckConsistency(LPWSTR wszWriterMetadata, LPWSTR wszComponentName, LPWSTR wszComponentLogicalPath,
                                             DWORD cVolumes, LPWSTR* rgwszSourceVolumePath, LPWSTR* rgwszSnapshotVolumePath,
                                             IWsbApplicationAsync** ppAsync) override {
    return noThrow([&]() -> HRESULT {
      if (ppAsync != nullptr) *ppAsync = nullptr;
      const std::string component = toUtf8(wszComponentName);
      const ComponentScript& script = context_.app.component(component);
      const scenario::CheckAnswer answer = scenario::checkAnswer(script);
      LogLine line("CheckConsistency");
      line.text("component", wszComponentName)
          .text("logicalPath", wszComponentLogicalPath)
          .number("writerMetadataLength", wszWriterMetadata == nullptr ? 0 : wcslen(wszWriterMetadata))
          .boolean("writerMetadataPassed", wszWriterMetadata != nullptr)
          .text("writerMetadata", wszWriterMetadata)
          .number("volumes", cVolumes)
          .texts("sourceVolumes", cVolumes, rgwszSourceVolumePath)
          .texts("snapshotVolumes", cVolumes, rgwszSnapshotVolumePath);
      if (answer.kind == scenario::CheckAnswer::Kind::kHang) return hang(line);
      const HRESULT result = startCheck(answer, script, component, ppAsync);
      context_.log->write(line.hresult("returns", result).boolean("async", ppAsync != nullptr && *ppAsync != nullptr));
      return result;
    });
  }

  HRESULT STDMETHODCALLTYPE PreRestore(LPWSTR wszWriterMetadata, LPWSTR wszComponentName, LPWSTR wszComponentLogicalPath,
                                       BOOLEAN bNoRollForward) override {
    return restoreStep("PreRestore", &ComponentScript::preRestore, wszWriterMetadata, wszComponentName, wszComponentLogicalPath,
                       bNoRollForward);
  }

  HRESULT STDMETHODCALLTYPE PostRestore(LPWSTR wszWriterMetadata, LPWSTR wszComponentName, LPWSTR wszComponentLogicalPath,
                                        BOOLEAN bNoRollForward) override {
    return restoreStep("PostRestore", &ComponentScript::postRestore, wszWriterMetadata, wszComponentName, wszComponentLogicalPath,
                       bNoRollForward);
  }

  HRESULT STDMETHODCALLTYPE OrderComponents(DWORD cComponents, LPWSTR* rgComponentName, LPWSTR* rgComponentLogicalPaths,
                                            LPWSTR** prgComponentName, LPWSTR** prgComponentLogicalPath) override {
    return noThrow([&]() -> HRESULT {
      LogLine line("OrderComponents");
      line.number("count", cComponents)
          .texts("names", cComponents, rgComponentName)
          .texts("logicalPaths", cComponents, rgComponentLogicalPaths);
      const HRESULT result = order(cComponents, rgComponentName, rgComponentLogicalPaths, prgComponentName, prgComponentLogicalPath);
      context_.log->write(line.hresult("returns", result));
      return result;
    });
  }

  HRESULT STDMETHODCALLTYPE IsRollForwardSupported(BYTE* pbRollForwardSupported) override {
    return noThrow([&]() -> HRESULT {
      const scenario::RollForwardScript& script = context_.app.rollForward;
      if (script.kind == scenario::RollForwardScript::Kind::kHang) return hang(LogLine("IsRollForwardSupported"));
      const HRESULT result = script.kind == scenario::RollForwardScript::Kind::kFail ? script.hresult
                             : pbRollForwardSupported == nullptr                     ? E_POINTER
                                                                                     : S_OK;
      if (result == S_OK) *pbRollForwardSupported = script.supported ? 1 : 0;
      context_.log->write(LogLine("IsRollForwardSupported").hresult("returns", result));
      return result;
    });
  }

 private:
  ~AddIn() = default;

  // A scripted hang: `line` is logged on arrival (`cancellable`: CoTestCancel exists), and again
  // with how the call ended.
  HRESULT hang(LogLine line) {
    context_.log->write(line.boolean("hang", true).boolean("cancellable", coTestCancel() != nullptr));
    const ComHold hold(static_cast<IWsbApplicationBackupSupport*>(this));
    const HRESULT result = hangUntilCancelled();
    context_.log->write(line.text("ended", "cancelled").hresult("returns", result));
    return result;
  }

  HRESULT startCheck(const scenario::CheckAnswer& answer, const ComponentScript& script, const std::string& component,
                     IWsbApplicationAsync** ppAsync) {
    if (answer.kind == scenario::CheckAnswer::Kind::kNoOperation) return answer.hresult;  // a failure, or "no check needed"
    if (ppAsync == nullptr) return E_POINTER;
    // The caller owns the one reference, even with a failure code (a broken add-in, as scripted).
    *ppAsync = new AsyncCheck(context_, script, component);
    return answer.hresult;
  }

  HRESULT restoreStep(const char* method, scenario::Answer ComponentScript::*answer, LPWSTR metadata, LPWSTR component, LPWSTR logicalPath,
                      BOOLEAN noRollForward) {
    return noThrow([&]() -> HRESULT {
      const scenario::Answer scripted = context_.app.component(toUtf8(component)).*answer;
      LogLine line(method);
      line.text("component", component)
          .text("logicalPath", logicalPath)
          .number("writerMetadataLength", metadata == nullptr ? 0 : wcslen(metadata))
          .boolean("noRollForward", noRollForward != 0);
      if (scripted.hang) return hang(line);
      context_.log->write(line.hresult("returns", scripted.hresult));
      return scripted.hresult;
    });
  }

  HRESULT order(DWORD count, LPWSTR* names, LPWSTR* paths, LPWSTR** outNames, LPWSTR** outPaths) {
    if (outNames == nullptr || outPaths == nullptr) return E_POINTER;
    *outNames = nullptr;
    *outPaths = nullptr;
    const bool passed = count == 0 || (names != nullptr && paths != nullptr);
    std::vector<std::string> utf8Names;
    for (DWORD i = 0; passed && i < count; ++i) utf8Names.push_back(toUtf8(names[i]));
    const scenario::OrderAnswer answer = scenario::orderAnswer(context_.app, count, passed ? &utf8Names : nullptr);
    std::vector<std::optional<std::wstring>> answerNames;
    std::vector<std::optional<std::wstring>> answerPaths;
    switch (answer.kind) {
      case scenario::OrderAnswer::Kind::kHang: return hang(LogLine("OrderComponents").number("count", count));
      case scenario::OrderAnswer::Kind::kNull: return answer.hresult;  // a failure, or S_OK with NULL arrays: any order will do
      case scenario::OrderAnswer::Kind::kPermutation:
        for (const std::size_t at : answer.permutation) {
          answerNames.emplace_back(names[at] == nullptr ? L"" : names[at]);
          answerPaths.emplace_back(paths[at] == nullptr ? L"" : paths[at]);
        }
        break;
      case scenario::OrderAnswer::Kind::kList:
        for (const scenario::ComponentRef* ref : answer.list) {  // nullptr: a NULL entry, as scripted
          answerNames.push_back(ref == nullptr ? std::nullopt : std::optional<std::wstring>(toWide(ref->name)));
          answerPaths.push_back(ref == nullptr ? std::nullopt : std::optional<std::wstring>(toWide(ref->logicalPath)));
        }
        break;
    }
    TaskMemStrings orderedNames(static_cast<DWORD>(answerNames.size()));
    TaskMemStrings orderedPaths(static_cast<DWORD>(answerPaths.size()));
    if (!orderedNames.valid() || !orderedPaths.valid()) return E_OUTOFMEMORY;
    for (DWORD i = 0; i < answerNames.size(); ++i) {
      const auto text = [](const std::optional<std::wstring>& entry) { return entry ? entry->c_str() : nullptr; };
      if (!orderedNames.set(i, text(answerNames[i])) || !orderedPaths.set(i, text(answerPaths[i]))) return E_OUTOFMEMORY;
    }
    *outNames = orderedNames.release();
    *outPaths = orderedPaths.release();
    return S_OK;
  }

  const ServerContext& context_;
  ServerReference server_;
  RefCount refs_;
};

}  // namespace

HRESULT STDMETHODCALLTYPE ClassFactory::QueryInterface(REFIID iid, void** object) {
  if (object == nullptr) return E_POINTER;
  *object = nullptr;
  if (iid != IID_IUnknown && iid != IID_IClassFactory) return E_NOINTERFACE;
  *object = static_cast<IClassFactory*>(this);
  return S_OK;
}

HRESULT STDMETHODCALLTYPE ClassFactory::CreateInstance(IUnknown* outer, REFIID iid, void** object) {
  return noThrow([&]() -> HRESULT {
    if (object == nullptr) return E_POINTER;
    *object = nullptr;
    if (outer != nullptr) return CLASS_E_NOAGGREGATION;
    // The activation's own reference: an activation that creates nothing (a scripted failure)
    // is over when this returns, and one that creates an object lasts as long as the object.
    const ServerReference activation(*context_.activity, ServerReference::Kind::kActivation);
    // A scripted activation failure reaches the client as CoCreateInstance's HRESULT; a scripted
    // hang lasts until the watchdog (nothing cancels an activation).
    const scenario::Answer& scripted = context_.app.activation;
    if (scripted.hang) {
      context_.log->write(LogLine("CreateInstance").boolean("hang", true));
      Sleep(INFINITE);
    }
    HRESULT result = scripted.hresult;
    if (result == S_OK) {
      AddIn* addin = new AddIn(context_);
      result = addin->QueryInterface(iid, object);
      addin->Release();  // the creation reference; on failure this destroys it
    }
    context_.log->write(LogLine("CreateInstance").hresult("returns", result));
    return result;
  });
}

HRESULT STDMETHODCALLTYPE ClassFactory::LockServer(BOOL lock) {
  if (lock) {
    context_.activity->hold();
    CoAddRefServerProcess();
  } else {
    CoReleaseServerProcess();
    context_.activity->release();
  }
  return S_OK;
}

}  // namespace sample
