#include "addin.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <new>
#include <vector>

namespace sample {
namespace {

// WSBAPP_ASYNC_IN_PROGRESS as the SDK header defines it (severity bits 01). Windows Server Backup
// compares with this exact value; 0x007A0004 (from metadata-generated bindings) risks having a
// running check taken for finished. A scenario may still script 0x007A0004 to test a client.
constexpr HRESULT kWsbAppAsyncInProgress = static_cast<HRESULT>(0x407A0004);
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

// Keeps the activation (and so the process) alive while an object exists. The last release
// sets the released event; CoReleaseServerProcess also suspends the class objects then (on
// Windows), so no activation can sneak in before the main thread revokes or re-registers.
class ServerReference {
 public:
  explicit ServerReference(HANDLE releasedEvent) : releasedEvent_(releasedEvent) { CoAddRefServerProcess(); }
  ~ServerReference() {
    if (CoReleaseServerProcess() == 0) SetEvent(releasedEvent_);
  }
  ServerReference(const ServerReference&) = delete;
  ServerReference& operator=(const ServerReference&) = delete;

 private:
  HANDLE releasedEvent_;
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

// A call that never answers: only the client's CoCancelCall (which a server sees through
// CoTestCancel) ends it, or the watchdog ends the process. Wine 8 has neither CoCancelCall nor
// CoTestCancel (its placeholders kill the caller), so there the call lasts until the watchdog.
HRESULT waitUntilCancelled() {
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
      : context_(context), script_(script), component_(std::move(component)), server_(context.releasedEvent) {}

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
      const StatusStep step = takeStep();
      LogLine line("QueryStatus");
      line.text("component", component_).text("step", stepName(step.kind));
      switch (step.kind) {
        case StatusStep::Kind::kHang:
          context_.log->write(line);
          waitForAbort();  // then answer as an aborted check would
          return answer(phrResult, script_.abort.statusAfter);
        case StatusStep::Kind::kCrash:
          context_.log->write(line);
          // TerminateProcess, not ExitProcess: a crash runs no DLL detach and no atexit, and
          // ExitProcess could block on the loader lock held by another RPC thread.
          TerminateProcess(GetCurrentProcess(), kCrashExitCode);
          return E_UNEXPECTED;  // not reached
        case StatusStep::Kind::kCallFails:
          sleepFor(step.delayMs);
          context_.log->write(line.hresult("returns", step.hresult));
          return step.hresult;
        case StatusStep::Kind::kUnwritten:
          sleepFor(step.delayMs);
          context_.log->write(line);
          return S_OK;  // deliberately leaves *phrResult alone (a broken add-in)
        case StatusStep::Kind::kStatus:
          break;
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

  // The next scripted answer; the last one repeats. After Abort, the status is statusAfter.
  StatusStep takeStep() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (aborted_) return StatusStep{StatusStep::Kind::kStatus, script_.abort.statusAfter, 0};
    const StatusStep step = script_.statuses[std::min(next_, script_.statuses.size() - 1)];
    ++next_;
    return step;
  }

  // A hung check: only Abort (another RPC thread of this MTA server) or the watchdog ends it.
  void waitForAbort() {
    std::unique_lock<std::mutex> lock(mutex_);
    abortedChanged_.wait(lock, [&] { return aborted_; });
  }

  const ServerContext& context_;
  const ComponentScript& script_;  // lives in context_.app for the life of the process
  const std::string component_;
  ServerReference server_;
  RefCount refs_;
  std::mutex mutex_;
  std::condition_variable abortedChanged_;
  std::size_t next_ = 0;
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
  explicit AddIn(const ServerContext& context) : context_(context), server_(context.releasedEvent) {}

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

  HRESULT STDMETHODCALLTYPE CheckConsistency(LPWSTR wszWriterMetadata, LPWSTR wszComponentName,
                                             LPWSTR wszComponentLogicalPath, DWORD cVolumes,
                                             LPWSTR* rgwszSourceVolumePath, LPWSTR* rgwszSnapshotVolumePath,
                                             IWsbApplicationAsync** ppAsync) override {
    return noThrow([&]() -> HRESULT {
      if (ppAsync != nullptr) *ppAsync = nullptr;
      const std::string component = toUtf8(wszComponentName);
      const ComponentScript& script = context_.app.scriptFor(component);
      LogLine line("CheckConsistency");
      line.text("component", wszComponentName)
          .text("logicalPath", wszComponentLogicalPath)
          .number("writerMetadataLength", wszWriterMetadata == nullptr ? 0 : wcslen(wszWriterMetadata))
          .boolean("writerMetadataPassed", wszWriterMetadata != nullptr)
          .number("volumes", cVolumes)
          .texts("sourceVolumes", cVolumes, rgwszSourceVolumePath)
          .texts("snapshotVolumes", cVolumes, rgwszSnapshotVolumePath);
      if (script.check == ComponentScript::Check::kHang) return hangUntilCancelled(line, "CheckConsistency");
      const HRESULT result = startCheck(script, component, ppAsync);
      context_.log->write(line.hresult("returns", result).boolean("async", ppAsync != nullptr && *ppAsync != nullptr));
      return result;
    });
  }

  HRESULT STDMETHODCALLTYPE PreRestore(LPWSTR wszWriterMetadata, LPWSTR wszComponentName,
                                       LPWSTR wszComponentLogicalPath, BOOLEAN bNoRollForward) override {
    return restoreStep("PreRestore", &ComponentScript::preRestore, &ComponentScript::preRestoreHangs, wszWriterMetadata, wszComponentName,
                       wszComponentLogicalPath, bNoRollForward);
  }

  HRESULT STDMETHODCALLTYPE PostRestore(LPWSTR wszWriterMetadata, LPWSTR wszComponentName,
                                        LPWSTR wszComponentLogicalPath, BOOLEAN bNoRollForward) override {
    return restoreStep("PostRestore", &ComponentScript::postRestore, &ComponentScript::postRestoreHangs, wszWriterMetadata, wszComponentName,
                       wszComponentLogicalPath, bNoRollForward);
  }

  HRESULT STDMETHODCALLTYPE OrderComponents(DWORD cComponents, LPWSTR* rgComponentName, LPWSTR* rgComponentLogicalPaths,
                                            LPWSTR** prgComponentName, LPWSTR** prgComponentLogicalPath) override {
    return noThrow([&]() -> HRESULT {
      LogLine line("OrderComponents");
      line.number("count", cComponents)
          .texts("names", cComponents, rgComponentName)
          .texts("logicalPaths", cComponents, rgComponentLogicalPaths);
      if (context_.app.orderHangs) return hangUntilCancelled(line, "OrderComponents");
      const HRESULT result = order(cComponents, rgComponentName, rgComponentLogicalPaths, prgComponentName,
                                   prgComponentLogicalPath);
      context_.log->write(line.hresult("returns", result));
      return result;
    });
  }

  HRESULT STDMETHODCALLTYPE IsRollForwardSupported(BYTE* pbRollForwardSupported) override {
    return noThrow([&]() -> HRESULT {
      const ApplicationScript& app = context_.app;
      const HRESULT result = app.rollForwardFails ? app.rollForwardHresult
                             : pbRollForwardSupported == nullptr ? E_POINTER
                                                                 : S_OK;
      if (result == S_OK) *pbRollForwardSupported = app.rollForwardSupported ? 1 : 0;
      context_.log->write(LogLine("IsRollForwardSupported").hresult("returns", result));
      return result;
    });
  }

 private:
  ~AddIn() = default;

  HRESULT startCheck(const ComponentScript& script, const std::string& component, IWsbApplicationAsync** ppAsync) {
    if (script.check == ComponentScript::Check::kFail) return script.checkHresult;
    if (script.check == ComponentScript::Check::kNoAsync) return S_OK;  // "no check needed"
    if (ppAsync == nullptr) return E_POINTER;
    *ppAsync = new AsyncCheck(context_, script, component);  // the caller owns the one reference
    return S_OK;
  }

  // A call that never answers (see waitUntilCancelled; a CheckConsistency has no operation yet,
  // so no Abort can reach it either). Logged on arrival, `cancellable` when CoTestCancel exists,
  // and again if it ends.
  HRESULT hangUntilCancelled(LogLine arrival, const char* method) {
    // The client may release its proxy meanwhile (Windows sends the Release on another RPC
    // thread once the call is cancelled): keep this object alive until the call has returned.
    const ComHold hold(static_cast<IWsbApplicationBackupSupport*>(this));
    context_.log->write(arrival.boolean("hang", true).boolean("cancellable", coTestCancel() != nullptr));
    const HRESULT result = waitUntilCancelled();
    context_.log->write(LogLine(method).text("ended", "cancelled").hresult("returns", result));
    return result;
  }

  HRESULT restoreStep(const char* method, Hresult ComponentScript::*answer, bool ComponentScript::*hangs, LPWSTR metadata,
                      LPWSTR component, LPWSTR logicalPath, BOOLEAN noRollForward) {
    return noThrow([&]() -> HRESULT {
      const ComponentScript& script = context_.app.scriptFor(toUtf8(component));
      if (script.*hangs) return hangUntilCancelled(LogLine(method).text("component", component), method);
      const HRESULT result = script.*answer;
      context_.log->write(LogLine(method)
                              .text("component", component)
                              .text("logicalPath", logicalPath)
                              .number("writerMetadataLength", metadata == nullptr ? 0 : wcslen(metadata))
                              .boolean("noRollForward", noRollForward != 0)
                              .hresult("returns", result));
      return result;
    });
  }

  // Components named in the script's order come first, in that order; the others follow in the
  // order they were passed (a stable sort, like the TypeScript mock).
  HRESULT order(DWORD count, LPWSTR* names, LPWSTR* paths, LPWSTR** outNames, LPWSTR** outPaths) {
    if (outNames == nullptr || outPaths == nullptr) return E_POINTER;
    *outNames = nullptr;
    *outPaths = nullptr;
    const ApplicationScript& app = context_.app;
    if (app.orderFails) return app.orderHresult;
    if (!app.hasOrder) return S_OK;  // NULL arrays: any order will do
    if (count > 0 && (names == nullptr || paths == nullptr)) return E_INVALIDARG;

    std::vector<DWORD> ranked(count);
    std::vector<size_t> rank(count);
    for (DWORD i = 0; i < count; ++i) {
      ranked[i] = i;
      const auto at = std::find(app.order.begin(), app.order.end(), toUtf8(names[i]));
      rank[i] = static_cast<size_t>(at - app.order.begin());
    }
    std::stable_sort(ranked.begin(), ranked.end(), [&](DWORD a, DWORD b) { return rank[a] < rank[b]; });

    TaskMemStrings orderedNames(count);
    TaskMemStrings orderedPaths(count);
    if (!orderedNames.valid() || !orderedPaths.valid()) return E_OUTOFMEMORY;
    for (DWORD i = 0; i < count; ++i) {
      if (!orderedNames.set(i, names[ranked[i]]) || !orderedPaths.set(i, paths[ranked[i]])) return E_OUTOFMEMORY;
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
    SetEvent(context_.activatedEvent);
    // The activation's own reference: an activation that creates nothing (a scripted failure)
    // is over when this returns, and one that creates an object lasts as long as the object.
    const ServerReference activation(context_.releasedEvent);
    if (context_.app.activationHangs) {
      // Nothing can cancel an activation; the watchdog ends the process.
      context_.log->write(LogLine("CreateInstance").boolean("hang", true));
      return waitUntilCancelled();
    }
    // A scripted activation failure reaches the client as CoCreateInstance's HRESULT.
    HRESULT result = context_.app.activation;
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
    CoAddRefServerProcess();
  } else if (CoReleaseServerProcess() == 0) {
    SetEvent(context_.releasedEvent);
  }
  return S_OK;
}

}  // namespace sample
