#include "mock_addin.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "../com/wide_string.h"
#include "../scenario/behaviour.h"
#include "mock_host.h"

namespace wsb::mock {
namespace {

using scenario::ApplicationScript;
using scenario::ComponentScript;
using scenario::StatusStep;
using std::chrono::milliseconds;

// The add-in's process: a crash during one call takes every later call down with it.
// A delayed crash (a step's afterMs) is a time of death, read by every later call: the
// process "dies" then without a thread of its own to kill it.
class ProcessState {
 public:
  bool dead() const {
    const std::int64_t at = diesAt_.load();
    return at != kAlive && std::chrono::steady_clock::now().time_since_epoch().count() >= at;
  }
  void crash() { diesAt_ = 0; }
  void crashIn(milliseconds delay) {
    std::int64_t at = (std::chrono::steady_clock::now() + delay).time_since_epoch().count();
    std::int64_t alive = kAlive;
    diesAt_.compare_exchange_strong(alive, at);  // an earlier death stands
  }

 private:
  static constexpr std::int64_t kAlive = INT64_MAX;
  std::atomic<std::int64_t> diesAt_{kAlive};
};

// The reference count of one mock object, mirrored into the host's statistics.
class RefCount {
 public:
  RefCount(std::shared_ptr<MockHost> host, const void* object, MockObject info) : host_(std::move(host)), object_(object) {
    info.refs = 1;
    host_->track(object_, std::move(info));
  }
  ULONG add() {
    const ULONG refs = ++refs_;
    host_->setRefs(object_, refs);
    return refs;
  }
  ULONG remove() {
    const ULONG refs = --refs_;
    host_->setRefs(object_, refs);
    return refs;
  }
  MockHost& host() const { return *host_; }

 private:
  std::shared_ptr<MockHost> host_;
  const void* object_;
  std::atomic<ULONG> refs_{1};
};

// An LPWSTR argument as UTF-8 for the call log, nullopt for NULL. Bounded by the longest string
// the call layer sends (writer metadata); an unpaired surrogate, which the call layer passes
// through unchanged, is logged as U+FFFD.
std::optional<std::string> utf8(const WChar* text) {
  if (text == nullptr) return std::nullopt;
  std::string out;
  toUtf8(WStringView(text, boundedLength(text, kMaxWriterMetadataChars)), &out, Unpaired::kReplace);
  return out;
}

// Every COM method body runs in here: no C++ exception (std::bad_alloc from the call log, a
// string copy, make_unique) may cross the COM boundary.
template <class Body>
HRESULT guarded(Body body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return kE_OUTOFMEMORY;
  } catch (...) {
    return kE_UNEXPECTED;
  }
}

class MockOperation final : public IWsbApplicationAsync {
 public:
  MockOperation(std::shared_ptr<MockHost> host, const ApplicationScript& app, std::optional<std::string> component,
                std::shared_ptr<ProcessState> process)
      : refs_(std::move(host), this, MockObject{"operation", app.writerId, component, 1}),
        app_(app),
        component_(std::move(component)),
        script_(app.component(component_.value_or(""))),
        statuses_(script_),
        process_(std::move(process)) {}

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** object) override {
    if (object == nullptr) return kE_POINTER;
    *object = nullptr;
    if (!IsEqualGUID(iid, kIID_IUnknown) && !IsEqualGUID(iid, kIID_IWsbApplicationAsync)) return kE_NOINTERFACE;
    *object = static_cast<IWsbApplicationAsync*>(this);
    AddRef();
    return kS_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return refs_.add(); }
  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG left = refs_.remove();
    // A COM object owns itself through its reference count: the last Release destroys it.
    if (left == 0) std::unique_ptr<MockOperation> last(this);
    return left;
  }

  HRESULT STDMETHODCALLTYPE QueryStatus(HRESULT* status) override {
    return guarded([&]() -> HRESULT {
      host().record(MockCall{"QueryStatus", app_.writerId, component_, {}});
      if (status == nullptr) return kE_POINTER;
      if (process_->dead()) return kRPC_S_SERVER_UNAVAILABLE;
      return play(statuses_.next(), status);
    });
  }

  HRESULT STDMETHODCALLTYPE Abort() override {
    return guarded([&]() -> HRESULT {
      host().record(MockCall{"Abort", app_.writerId, component_, {}});
      if (process_->dead()) return kRPC_S_SERVER_UNAVAILABLE;
      if (script_.abort.hang) return host().pause(std::nullopt);
      statuses_.abort();
      const HRESULT waited = host().pause(milliseconds(script_.abort.delayMs));
      return FAILED(waited) ? waited : script_.abort.returns;
    });
  }

 private:
  MockHost& host() const { return refs_.host(); }

  HRESULT play(const StatusStep& step, HRESULT* status) {
    switch (step.kind) {
      case StatusStep::Kind::kHang: return host().pause(std::nullopt);
      case StatusStep::Kind::kCrash:
        if (step.afterMs == 0) {
          process_->crash();
          return kRPC_S_CALL_FAILED;
        }
        process_->crashIn(milliseconds(step.afterMs));
        *status = scenario::kInProgress;
        return kS_OK;
      default: break;
    }
    const HRESULT waited = host().pause(milliseconds(step.delayMs));
    if (FAILED(waited)) return waited;
    if (step.kind == StatusStep::Kind::kCallFails) return step.hresult;
    if (step.kind == StatusStep::Kind::kStatus) *status = step.hresult;
    return kS_OK;  // kUnwritten: success, and *status left as the caller seeded it
  }

  RefCount refs_;
  const ApplicationScript& app_;  // owned by the host's scenario, which refs_ keeps alive
  const std::optional<std::string> component_;
  const ComponentScript& script_;
  scenario::StatusSequence statuses_;
  const std::shared_ptr<ProcessState> process_;
};

class MockAddin final : public IWsbApplicationBackupSupport, public IWsbApplicationRestoreSupport {
 public:
  MockAddin(std::shared_ptr<MockHost> host, const ApplicationScript& app)
      : host_(host), refs_(std::move(host), this, MockObject{"addin", app.writerId, std::nullopt, 1}), app_(app) {}

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** object) override {
    if (object == nullptr) return kE_POINTER;
    *object = nullptr;
    if (IsEqualGUID(iid, kIID_IUnknown) || IsEqualGUID(iid, kIID_IWsbApplicationBackupSupport)) {
      *object = static_cast<IWsbApplicationBackupSupport*>(this);
    } else if (app_.restoreSupport && IsEqualGUID(iid, kIID_IWsbApplicationRestoreSupport)) {
      *object = static_cast<IWsbApplicationRestoreSupport*>(this);
    } else {
      return kE_NOINTERFACE;
    }
    AddRef();
    return kS_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return refs_.add(); }
  ULONG STDMETHODCALLTYPE Release() override {
    const ULONG left = refs_.remove();
    if (left == 0) std::unique_ptr<MockAddin> last(this);  // see MockOperation::Release
    return left;
  }

  HRESULT STDMETHODCALLTYPE CheckConsistency(LPWSTR metadata, LPWSTR component, LPWSTR logicalPath, DWORD volumes, LPWSTR* sources,
                                             LPWSTR* snapshots, IWsbApplicationAsync** async) override {
    return guarded([&]() -> HRESULT {
      std::vector<std::optional<std::string>> args{utf8(metadata), utf8(logicalPath)};
      for (DWORD i = 0; i < volumes && sources != nullptr && snapshots != nullptr; ++i) {
        args.push_back(utf8(sources[i]));
        args.push_back(utf8(snapshots[i]));
      }
      const auto name = utf8(component);
      host_->record(MockCall{"CheckConsistency", app_.writerId, name, std::move(args)});
      if (async == nullptr) return kE_POINTER;
      *async = nullptr;
      if (process_->dead()) return kRPC_S_SERVER_UNAVAILABLE;
      const scenario::CheckAnswer answer = scenario::checkAnswer(app_.component(name.value_or("")));
      // Blocks like a hung QueryStatus: only a cancellation (releasing the add-in) or teardown
      // ends it, with RPC_E_CALL_CANCELED and no async object.
      if (answer.kind == scenario::CheckAnswer::Kind::kHang) return host_->pause(std::nullopt);
      if (answer.kind == scenario::CheckAnswer::Kind::kOperation) {
        *async = std::make_unique<MockOperation>(host_, app_, name, process_).release();  // the caller owns it
      }
      return answer.hresult;
    });
  }

  HRESULT STDMETHODCALLTYPE PreRestore(LPWSTR metadata, LPWSTR component, LPWSTR logicalPath, BOOLEAN noRollForward) override {
    return guarded(
        [&] { return restoreStep("PreRestore", metadata, component, logicalPath, noRollForward, &ComponentScript::preRestore); });
  }
  HRESULT STDMETHODCALLTYPE PostRestore(LPWSTR metadata, LPWSTR component, LPWSTR logicalPath, BOOLEAN noRollForward) override {
    return guarded(
        [&] { return restoreStep("PostRestore", metadata, component, logicalPath, noRollForward, &ComponentScript::postRestore); });
  }

  HRESULT STDMETHODCALLTYPE OrderComponents(DWORD count, LPWSTR* names, LPWSTR* paths, LPWSTR** orderedNames,
                                            LPWSTR** orderedPaths) override {
    return guarded([&]() -> HRESULT {
      host_->record(MockCall{"OrderComponents", app_.writerId, std::nullopt, {}});
      if (orderedNames == nullptr || orderedPaths == nullptr) return kE_POINTER;
      *orderedNames = nullptr;
      *orderedPaths = nullptr;
      if (process_->dead()) return kRPC_S_SERVER_UNAVAILABLE;
      const bool passed = count == 0 || (names != nullptr && paths != nullptr);
      std::vector<std::string> utf8Names;
      for (DWORD i = 0; passed && i < count; ++i) utf8Names.push_back(utf8(names[i]).value_or(""));
      const scenario::OrderAnswer answer = scenario::orderAnswer(app_, count, passed ? &utf8Names : nullptr);
      std::vector<std::optional<WString>> outNames;
      std::vector<std::optional<WString>> outPaths;
      switch (answer.kind) {
        case scenario::OrderAnswer::Kind::kHang: return host_->pause(std::nullopt);
        case scenario::OrderAnswer::Kind::kNull: return answer.hresult;  // a failure, or S_OK with NULL outputs: any order
        case scenario::OrderAnswer::Kind::kPermutation:
          for (const std::size_t at : answer.permutation) {
            outNames.emplace_back(WString(names[at], boundedLength(names[at])));
            outPaths.emplace_back(WString(paths[at], boundedLength(paths[at])));
          }
          break;
        case scenario::OrderAnswer::Kind::kList:
          for (const scenario::ComponentRef* ref : answer.list) {
            outNames.emplace_back();
            outPaths.emplace_back();
            if (ref == nullptr) continue;  // NULL entries, as scripted
            // Scenario text is valid UTF-8 (a JS string, or JSON its parser checked); only a name
            // longer than any the call layer passes can fail here.
            if (toWide(ref->name, &outNames.back().emplace()) != TextError::kNone ||
                toWide(ref->logicalPath, &outPaths.back().emplace()) != TextError::kNone) {
              return kE_UNEXPECTED;
            }
          }
          break;
      }
      return handOut(outNames, outPaths, orderedNames, orderedPaths);
    });
  }

  HRESULT STDMETHODCALLTYPE IsRollForwardSupported(BYTE* supported) override {
    return guarded([&]() -> HRESULT {
      host_->record(MockCall{"IsRollForwardSupported", app_.writerId, std::nullopt, {}});
      if (supported == nullptr) return kE_POINTER;
      if (process_->dead()) return kRPC_S_SERVER_UNAVAILABLE;
      const scenario::RollForwardScript& script = app_.rollForward;
      if (script.kind == scenario::RollForwardScript::Kind::kHang) return host_->pause(std::nullopt);
      if (script.kind == scenario::RollForwardScript::Kind::kFail) return script.hresult;
      *supported = script.supported ? 1 : 0;
      return kS_OK;
    });
  }

 private:
  // The answer as CoTaskMemAlloc'ed arrays of CoTaskMemAlloc'ed strings, the caller's to free;
  // when out of memory, nothing is handed out and nothing leaks. An absent entry stays NULL.
  static HRESULT handOut(const std::vector<std::optional<WString>>& names, const std::vector<std::optional<WString>>& paths,
                         LPWSTR** outNames, LPWSTR** outPaths) {
    auto nameArray = TaskMemStringArray::allocate(names.size());
    auto pathArray = TaskMemStringArray::allocate(paths.size());
    if (nameArray.get() == nullptr || pathArray.get() == nullptr) return kE_OUTOFMEMORY;
    const auto copy = [](const std::optional<WString>& text, LPWSTR* entry) { return !text || (*entry = taskMemCopy(*text)) != nullptr; };
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (!copy(names[i], &nameArray.get()[i]) || !copy(paths[i], &pathArray.get()[i])) return kE_OUTOFMEMORY;
    }
    *outNames = nameArray.release();
    *outPaths = pathArray.release();
    return kS_OK;
  }

  HRESULT restoreStep(const char* method, LPWSTR metadata, LPWSTR component, LPWSTR logicalPath, BOOLEAN noRollForward,
                      scenario::Answer ComponentScript::*outcome) {
    const auto name = utf8(component);
    host_->record(
        MockCall{method, app_.writerId, name, {utf8(metadata), utf8(logicalPath), std::string(noRollForward ? "true" : "false")}});
    if (process_->dead()) return kRPC_S_SERVER_UNAVAILABLE;
    const scenario::Answer answer = app_.component(name.value_or("")).*outcome;
    return answer.hang ? host_->pause(std::nullopt) : answer.hresult;
  }

  const std::shared_ptr<MockHost> host_;
  RefCount refs_;
  const ApplicationScript& app_;  // owned by the host's scenario, which host_ keeps alive
  const std::shared_ptr<ProcessState> process_ = std::make_shared<ProcessState>();
};

}  // namespace

HRESULT createMockAddin(std::shared_ptr<MockHost> host, const ApplicationScript& app, ComPtr<IUnknown>* out) {
  return guarded([&] {
    auto addin = std::make_unique<MockAddin>(std::move(host), app);
    *out = ComPtr<IUnknown>::adopt(static_cast<IWsbApplicationBackupSupport*>(addin.release()));
    return kS_OK;
  });
}

}  // namespace wsb::mock
