// Standalone test of the call layer (apartment threads, Held, wsb_calls, strings) against the
// native mock, without Node: run under AddressSanitizer/UBSan/LeakSanitizer by
// scripts/test-asan.sh, where any leaked or double-released COM object is a finding.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "../../../native/com/apartment.h"
#include "../../../native/com/guid_text.h"
#include "../../../native/com/held.h"
#include "../../../native/com/vss_backup.h"
#include "../../../native/com/wsb_calls.h"
#include "../../../native/mock/fake_vss.h"
#include "../../../native/mock/mock_runtime.h"
#include "../../../native/scenario/json.h"

#include <nlohmann/json.hpp>

namespace {

using namespace wsb;
using std::chrono::milliseconds;

int failures = 0;

void expect(bool condition, const char* what, int line) {
  if (condition) return;
  std::fprintf(stderr, "FAIL line %d: %s\n", line, what);
  ++failures;
}
#define EXPECT(condition) expect((condition), #condition, __LINE__)

WString wide(const std::string& utf8) {
  WString out;
  toWide(utf8, &out);
  return out;
}

// One component of the normalised scenario, defaults filled in as lib/backends/scenario.ts does.
nlohmann::json component(const char* check, nlohmann::json statuses, std::uint32_t checkHresult = 0, bool abortHangs = false) {
  const nlohmann::json answer = {{"hang", false}, {"hresult", 0}};
  return {{"check", check},
          {"checkHresult", checkHresult},
          {"checkOperation", checkHresult != 0},
          {"statuses", std::move(statuses)},
          {"abort", {{"returns", 0}, {"delayMs", 0}, {"hang", abortHangs}, {"statusAfter", 2147500036u}}},
          {"preRestore", answer},
          {"postRestore", answer}};
}

nlohmann::json status(std::uint32_t hresult, std::uint32_t delayMs = 0) { return {{"kind", "status"}, {"hresult", hresult}, {"delayMs", delayMs}}; }

// Application "{W}" (order: b, a) and "{R}" (OrderComponents answers a fixed list).
std::string scenarioJson() {
  const nlohmann::json done = nlohmann::json::array({status(0)});
  nlohmann::json app = {{"writerId", "{W}"},
                        {"identifier", "App"},
                        {"clsid", "{C}"},
                        {"activation", {{"hang", false}, {"hresult", 0}}},
                        {"restoreSupport", true},
                        {"lifetime", "pooled"},
                        {"rollForward", {{"kind", "answer"}, {"hresult", 0}, {"supported", true}}},
                        {"orderComponents", {{"kind", "order"}, {"hresult", 0}, {"order", nlohmann::json::array({"b", "a"})}, {"returns", nlohmann::json::array()}}},
                        {"components",
                         {{"ok", component("async", {status(0x407A0004, 1), status(0)})},
                          {"sloppy", component("fail", done, 0x807A0001)},
                          {"unwritten", component("async", {{{"kind", "unwritten"}, {"delayMs", 0}}})},
                          {"crash", component("async", {{{"kind", "crash"}, {"afterMs", 0}}})},
                          {"checkHang", component("hang", done)},
                          {"hang", component("async", {{{"kind", "hang"}}}, 0, true)}}}};
  nlohmann::json fixed = app;
  fixed["writerId"] = "{R}";
  fixed["clsid"] = "{CR}";
  fixed["orderComponents"] = {{"kind", "returns"}, {"hresult", 0}, {"order", nlohmann::json::array()},
                              {"returns", {{{"name", "ghost"}, {"logicalPath", "nowhere"}}}}};
  return nlohmann::json{{"normalized", true}, {"applications", {app, fixed}}}.dump();
}

// Runs `work` on an apartment thread and waits for it, as the addon's promises do.
template <class Work>
auto onComThread(Apartment& apartment, Work work) -> decltype(work()) {
  auto task = std::make_shared<std::packaged_task<decltype(work())()>>(std::move(work));
  auto result = task->get_future();
  apartment.post([task] { (*task)(); });
  return result.get();
}

struct Fixture {
  std::shared_ptr<mock::MockHost> host;
  std::shared_ptr<Runtime> runtime;
  Apartment apartment{16};

  Fixture() {
    host = mock::MockHost::create(scenario::parseScenarioJson(scenarioJson()));
    runtime = std::make_shared<mock::MockRuntime>(host);
  }

  std::shared_ptr<Held<IWsbApplicationBackupSupport>> activate(const char* writerId = "{W}") {
    return onComThread(apartment, [this, writerId] {
      ComPtr<IUnknown> object;
      runtime->activate(Registration{writerId, "App", ""}, &object);
      HRESULT hr = kS_OK;
      return std::make_shared<Held<IWsbApplicationBackupSupport>>(runtime, object.query<IWsbApplicationBackupSupport>(&hr));
    });
  }

  std::shared_ptr<Held<IWsbApplicationAsync>> check(Held<IWsbApplicationBackupSupport>& addin, const std::string& component, HRESULT* call) {
    return onComThread(apartment, [&] {
      CheckRequest request;
      request.component = wide(component);
      request.sourceVolumes = {wide("\\\\?\\Volume{1}\\")};
      request.snapshotVolumes = {wide("\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\")};
      auto pointer = addin.acquire();
      ComPtr<IWsbApplicationAsync> async;
      *call = checkConsistency(pointer.get(), request, &async);
      addin.finish(std::move(pointer));
      return std::make_shared<Held<IWsbApplicationAsync>>(runtime, std::move(async));
    });
  }

  StatusResult poll(Held<IWsbApplicationAsync>& operation) {
    return onComThread(apartment, [&] {
      auto pointer = operation.acquire();
      const StatusResult result = queryStatus(pointer.get());
      operation.finish(std::move(pointer));
      return result;
    });
  }

  template <class T>
  void release(const std::shared_ptr<Held<T>>& held) {
    onComThread(apartment, [held] { return held->release(), 0; });
  }
};

void testStrings() {
  WString text;
  EXPECT(toWide("h\xC3\xA9llo \xF0\x9F\x98\x80", &text) == TextError::kNone && text.size() == 8);
  std::string back;
  EXPECT(toUtf8(text, &back) == TextError::kNone && back == "h\xC3\xA9llo \xF0\x9F\x98\x80");
  EXPECT(toWide(std::string("a\0b", 3), &text) == TextError::kEmbeddedNul);
  EXPECT(toWide(std::string(32768, 'x'), &text) == TextError::kTooLong);
  EXPECT(toWide(std::string(32767, 'x'), &text) == TextError::kNone);
  EXPECT(toWide("\xED\xA0\x80", &text) == TextError::kIllFormed);  // an encoded surrogate
  EXPECT(toWide("\xC0\xAF", &text) == TextError::kIllFormed);      // overlong
  // Unpaired surrogates pass the COM-boundary check; UTF-8 rejects or replaces them.
  const WChar lone[] = {0xD800, 'x'};
  EXPECT(validate(WStringView(lone, 2)) == TextError::kNone);
  EXPECT(toUtf8(WStringView(lone, 2), &back) == TextError::kIllFormed);
  EXPECT(toUtf8(WStringView(lone, 2), &back, Unpaired::kReplace) == TextError::kNone && back == "\xEF\xBF\xBDx");
  const WChar withNul[] = {'a', 'b', 0, 'c'};
  std::size_t nulAt = 0;
  EXPECT(validate(WStringView(withNul, 4), kMaxWideChars, &nulAt) == TextError::kEmbeddedNul && nulAt == 2);
  EXPECT(validate(WString(kMaxWideChars + 1, 'x')) == TextError::kTooLong);
  EXPECT(validate(WString(kMaxWideChars + 1, 'x'), kMaxWriterMetadataChars) == TextError::kNone);
}

// What the scenario reader refuses, naming the JSON path (the addon's JS-object reader shares it:
// test/native/scenario-arg.test.ts).
bool refused(const std::string& json, const std::string& expected) {
  try {
    scenario::parseScenarioJson(json);
  } catch (const scenario::InvalidScenario& e) {
    return std::string(e.what()).find(expected) != std::string::npos;
  }
  return false;
}

void testScenarioErrors() {
  EXPECT(refused("{\"applications\": [}", "not valid JSON"));
  EXPECT(refused("{\"applications\":[{\"writerId\":1}]}", "scenario.applications[0] has an unknown key") ||
         refused("{\"applications\":[{\"writerId\":1}]}", "scenario.applications[0].writerId must be a string"));
  auto typo = nlohmann::json::parse(scenarioJson());
  typo["applications"][0]["components"]["ok"]["statuss"] = nlohmann::json::array();
  EXPECT(refused(typo.dump(), "scenario.applications[0].components[\"ok\"] has an unknown key 'statuss'"));
  auto delay = nlohmann::json::parse(scenarioJson());
  delay["applications"][0]["components"]["ok"]["statuses"][0]["delayMs"] = 2147483648.0;
  EXPECT(refused(delay.dump(), "delayMs must be a whole number of milliseconds in [0, 2147483647]"));
}

void testSuccessAndSentinel() {
  Fixture f;
  auto addin = f.activate();
  HRESULT call = kE_FAIL;
  auto operation = f.check(*addin, "ok", &call);
  EXPECT(call == kS_OK);
  const StatusResult first = f.poll(*operation);
  EXPECT(first.call == kS_OK && first.status && *first.status == hr(0x407A0004));
  EXPECT(f.poll(*operation).status == kS_OK);
  auto unwritten = f.check(*addin, "unwritten", &call);
  const StatusResult broken = f.poll(*unwritten);
  EXPECT(broken.call == kS_OK && !broken.status);
  f.release(unwritten);
  f.release(operation);
  f.release(addin);
  EXPECT(f.host->liveObjects() == 0);
}

void testFailedCheckReleasesWrittenPointer() {
  Fixture f;
  auto addin = f.activate();
  HRESULT call = kS_OK;
  auto operation = f.check(*addin, "sloppy", &call);
  EXPECT(call == hr(0x807A0001));
  EXPECT(!operation->acquire());  // nothing handed out, and the sloppy pointer already released
  f.release(addin);
  EXPECT(f.host->liveObjects() == 0);
}

void testStrayObjectIsReported() {
  Fixture f;
  auto addin = f.activate();
  const bool stray = onComThread(f.apartment, [&] {
    CheckRequest request;
    request.component = wide("sloppy");
    auto pointer = addin->acquire();
    ComPtr<IWsbApplicationAsync> async;
    bool written = false;
    const HRESULT call = checkConsistency(pointer.get(), request, &async, &written);
    addin->finish(std::move(pointer));
    return call == hr(0x807A0001) && !async && written;
  });
  EXPECT(stray);
  f.release(addin);
  EXPECT(f.host->liveObjects() == 0);
}

void testIdentityProbeOfMock() {
  Fixture f;
  auto addin = f.activate();
  const IdentityProbe probe = onComThread(f.apartment, [&] {
    auto pointer = addin->acquire();
    const IdentityProbe result = probeIdentity(pointer.get());
    addin->finish(std::move(pointer));
    return result;
  });
  EXPECT(probe.unknown == kS_OK && probe.backup == kS_OK && probe.restore == kS_OK);
  EXPECT(probe.reflexive && probe.symmetric && probe.sameUnknown);
  EXPECT(probe.unknownIid == kE_NOINTERFACE && !probe.unknownIidPointer);
  f.release(addin);
  EXPECT(f.host->liveObjects() == 0);  // every reference a probe took was given back
}

// An object that claims every IID (the E_NOINTERFACE rule's fault): counts its references.
class ClaimsEverything final : public IWsbApplicationBackupSupport {
 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID, void** object) override {
    *object = this;
    AddRef();
    return kS_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }
  HRESULT STDMETHODCALLTYPE CheckConsistency(LPWSTR, LPWSTR, LPWSTR, DWORD, LPWSTR*, LPWSTR*, IWsbApplicationAsync**) override { return kE_FAIL; }
  std::atomic<ULONG> refs{1};
};

void testIdentityProbeOfObjectClaimingEverything() {
  ClaimsEverything object;
  const IdentityProbe probe = probeIdentity(&object);
  EXPECT(probe.unknownIid == kS_OK && probe.unknownIidPointer);
  EXPECT(probe.reflexive && probe.symmetric && probe.sameUnknown);
  EXPECT(object.refs == 1);  // the probe released what it was handed, the stray success included
}

void testOrderComponents() {
  Fixture f;
  auto backup = f.activate();
  auto restore = onComThread(f.apartment, [&] {
    auto pointer = backup->acquire();
    HRESULT hr = kS_OK;
    auto result = pointer.query<IWsbApplicationRestoreSupport>(&hr);
    backup->finish(std::move(pointer));
    return std::make_shared<Held<IWsbApplicationRestoreSupport>>(f.runtime, std::move(result));
  });
  const OrderResult order = onComThread(f.apartment, [&] {
    std::vector<WString> names{wide("a"), wide("b"), wide("c")};
    std::vector<WString> paths{wide("pa"), wide("pb"), wide("pc")};
    auto pointer = restore->acquire();
    OrderResult result = orderComponents(pointer.get(), names, paths);
    restore->finish(std::move(pointer));
    return result;
  });
  EXPECT(order.call == kS_OK && order.names && order.names->size() == 3 && (*order.names)[0] == wide("b") &&
         order.logicalPaths[1] == wide("pa"));
  f.release(restore);
  f.release(backup);
  EXPECT(f.host->liveObjects() == 0);
}

// The engine's OrderComponents answers, called directly (NULL arrays cannot come from JS): NULL
// input arrays with a count are E_POINTER; a scripted `returns` list comes back whatever was passed.
void testOrderComponentsDirect() {
  Fixture f;
  for (const char* writerId : {"{W}", "{R}"}) {
    auto backup = f.activate(writerId);
    onComThread(f.apartment, [&] {
      auto pointer = backup->acquire();
      HRESULT hr = kS_OK;
      auto restore = pointer.query<IWsbApplicationRestoreSupport>(&hr);
      LPWSTR* names = nullptr;
      LPWSTR* paths = nullptr;
      const HRESULT nullInputs = restore->OrderComponents(2, nullptr, nullptr, &names, &paths);
      const bool fixed = std::string(writerId) == "{R}";
      EXPECT(fixed ? nullInputs == kS_OK : nullInputs == kE_POINTER);
      TaskMemStringArray ownedNames(names, names == nullptr ? 0 : 1);
      TaskMemStringArray ownedPaths(paths, paths == nullptr ? 0 : 1);
      EXPECT(fixed == (names != nullptr) && (names == nullptr || WString(names[0]) == wide("ghost")));
      EXPECT(paths == nullptr || WString(paths[0]) == wide("nowhere"));
      backup->finish(std::move(pointer));
      return 0;
    });
    f.release(backup);
  }
  EXPECT(f.host->liveObjects() == 0);
}

void testCrash() {
  Fixture f;
  auto addin = f.activate();
  HRESULT call = kS_OK;
  auto operation = f.check(*addin, "crash", &call);
  EXPECT(f.poll(*operation).call == hr(0x800706BE));
  EXPECT(f.poll(*operation).call == hr(0x800706BA));
  f.release(operation);
  f.release(addin);
  EXPECT(f.host->liveObjects() == 0);
}

// A hung QueryStatus: Abort still gets through on another thread, releasing the operation
// cancels the hung call, and every object goes.
void testHangCancelledByRelease() {
  Fixture f;
  auto addin = f.activate();
  HRESULT call = kS_OK;
  auto operation = f.check(*addin, "hang", &call);
  std::promise<StatusResult> hung;
  auto hungResult = hung.get_future();
  f.apartment.post([&] {
    auto pointer = operation->acquire();
    hung.set_value(queryStatus(pointer.get()));
    operation->finish(std::move(pointer));
  });
  EXPECT(hungResult.wait_for(milliseconds(50)) == std::future_status::timeout);
  std::this_thread::sleep_for(milliseconds(20));  // let the call enter its wait
  f.release(operation);
  EXPECT(hungResult.wait_for(milliseconds(2000)) == std::future_status::ready);
  EXPECT(hungResult.get().call == kRPC_E_CALL_CANCELED);
  f.release(addin);
  f.apartment.stop(milliseconds(2000));
  EXPECT(f.host->liveObjects() == 0);
}

// A CheckConsistency that never answers: releasing the add-in cancels it, and no async object
// is left behind.
void testCheckHangCancelledByRelease() {
  Fixture f;
  auto addin = f.activate();
  std::promise<HRESULT> hung;
  auto hungResult = hung.get_future();
  f.apartment.post([&] {
    CheckRequest request;
    request.component = wide("checkHang");
    ComPtr<IWsbApplicationAsync> async;
    auto pointer = addin->acquire();
    const HRESULT call = checkConsistency(pointer.get(), request, &async);
    addin->finish(std::move(pointer));
    hung.set_value(async ? kE_UNEXPECTED : call);
  });
  EXPECT(hungResult.wait_for(milliseconds(50)) == std::future_status::timeout);
  f.release(addin);
  EXPECT(hungResult.wait_for(milliseconds(2000)) == std::future_status::ready);
  EXPECT(hungResult.get() == kRPC_E_CALL_CANCELED);
  f.apartment.stop(milliseconds(2000));
  EXPECT(f.host->liveObjects() == 0);
}

// A cancellation that arrives before the call starts waiting still ends it; one that arrives
// after the call finished does not leak into the next call.
void testEarlyAndLateCancel() {
  Fixture f;
  auto addin = f.activate();
  HRESULT call = kS_OK;
  auto hung = f.check(*addin, "hang", &call);
  auto first = f.check(*addin, "ok", &call);
  auto second = f.check(*addin, "ok", &call);
  const auto self = [] { return std::this_thread::get_id(); };
  const auto pollWith = [&](Held<IWsbApplicationAsync>& operation, bool cancelBefore, bool cancelAfter) {
    auto pointer = operation.acquire();
    if (cancelBefore) f.host->cancel(self());  // arrives before the call begins to wait
    const StatusResult result = queryStatus(pointer.get());
    if (cancelAfter) f.host->cancel(self());  // arrives after the call answered
    operation.finish(std::move(pointer));
    return result;
  };
  const auto results = onComThread(f.apartment, [&] {
    const StatusResult late = pollWith(*first, false, true);
    const StatusResult unaffected = pollWith(*second, false, false);  // its first step waits 1 ms
    const StatusResult early = pollWith(*hung, true, false);
    return std::vector<StatusResult>{late, unaffected, early};
  });
  EXPECT(results[0].call == kS_OK && results[0].status == hr(0x407A0004));
  EXPECT(results[1].call == kS_OK && results[1].status == hr(0x407A0004));
  EXPECT(results[2].call == kRPC_E_CALL_CANCELED);
  f.release(hung);
  f.release(first);
  f.release(second);
  f.release(addin);
  EXPECT(f.host->liveObjects() == 0);
}

// Environment teardown with a call still hung: shutdown unblocks it and the threads stop.
void testTeardownWithHungCall() {
  Fixture f;
  auto addin = f.activate();
  HRESULT call = kS_OK;
  auto operation = f.check(*addin, "hang", &call);
  f.apartment.post([operation] {
    auto pointer = operation->acquire();
    abortOperation(pointer.get());  // this add-in's Abort hangs too
    operation->finish(std::move(pointer));
  });
  std::this_thread::sleep_for(milliseconds(20));
  f.runtime->shutdown();
  f.apartment.post([operation, addin] {
    operation->release();
    addin->release();
  });
  const auto started = std::chrono::steady_clock::now();
  f.apartment.stop(milliseconds(2000));
  EXPECT(std::chrono::steady_clock::now() - started < milliseconds(1500));
  EXPECT(f.host->liveObjects() == 0);
}

// CoCancelCall is not remembered: a release that lands after acquire() but before the call
// starts waiting cancels nothing. Held::release asks again until the call is gone.
void testLostCancelIsReissued() {
  Fixture f;
  f.host->rememberEarlyCancels(false);
  auto addin = f.activate();
  HRESULT call = kS_OK;
  auto operation = f.check(*addin, "hang", &call);
  std::promise<void> acquired;
  std::promise<StatusResult> hung;
  auto hungResult = hung.get_future();
  f.apartment.post([&] {
    auto pointer = operation->acquire();
    acquired.set_value();
    std::this_thread::sleep_for(milliseconds(30));  // the release below cancels now: lost
    hung.set_value(queryStatus(pointer.get()));
    operation->finish(std::move(pointer));
  });
  acquired.get_future().wait();
  f.apartment.post([operation] { operation->release(); }, Apartment::Lane::kRelease);
  EXPECT(hungResult.wait_for(milliseconds(1500)) == std::future_status::ready);
  if (hungResult.valid() && hungResult.wait_for(milliseconds(0)) == std::future_status::ready) {
    EXPECT(hungResult.get().call == kRPC_E_CALL_CANCELED);
  } else {
    f.runtime->shutdown();  // unblock it, so the test can end
  }
  EXPECT(f.host->lostCancels() >= 1);
  f.release(addin);
  f.apartment.stop(milliseconds(2000));
  EXPECT(f.host->liveObjects() == 0);
}

// The call cap: a call beyond it is queued (not refused) and runs once a running call ends; a
// release never waits for a call slot; the call queue refuses only beyond its memory bound; and a
// thread that cannot be started rolls the post back.
void testCallCapAndReleaseLane() {
  Apartment apartment(2, nullptr, 3);
  std::promise<void> gate;
  std::shared_future<void> open = gate.get_future().share();
  int ran = 0;
  std::mutex mutex;
  std::promise<void> bothRunning;
  int started = 0;
  const auto blocked = [&, open] {
    {
      const std::lock_guard<std::mutex> lock(mutex);
      if (++started == 2) bothRunning.set_value();
    }
    open.wait();
    const std::lock_guard<std::mutex> lock(mutex);
    ++ran;
  };
  EXPECT(apartment.post(blocked) == Apartment::Posted::kQueued);
  EXPECT(apartment.post(blocked) == Apartment::Posted::kQueued);
  EXPECT(bothRunning.get_future().wait_for(milliseconds(2000)) == std::future_status::ready);
  std::promise<void> queuedRan;
  EXPECT(apartment.post([&] { queuedRan.set_value(); }) == Apartment::Posted::kQueued);  // queued, not refused
  EXPECT(apartment.post([] {}) == Apartment::Posted::kQueued);
  EXPECT(apartment.post([] {}) == Apartment::Posted::kQueued);
  EXPECT(apartment.post([] {}) == Apartment::Posted::kBusy);  // the queue's memory bound (3 here)
  std::future<void> queuedDone = queuedRan.get_future();
  // Both slots are held by hung calls: the queued call waits, and a release still runs at once.
  for (int i = 0; i < 10; ++i) {
    std::promise<void> released;
    std::future<void> releasedDone = released.get_future();
    EXPECT(apartment.post([&] { released.set_value(); }, Apartment::Lane::kRelease) == Apartment::Posted::kQueued);
    EXPECT(releasedDone.wait_for(milliseconds(2000)) == std::future_status::ready);
  }
  EXPECT(queuedDone.wait_for(milliseconds(50)) == std::future_status::timeout);
  gate.set_value();  // the hung calls end: their slots go to the queued calls
  EXPECT(queuedDone.wait_for(milliseconds(2000)) == std::future_status::ready);
  apartment.stop(milliseconds(2000));
  EXPECT(ran == 2);

  // Many more calls than slots, posted at once from several threads, all run (no lost wake-up).
  {
    Apartment pool(4);
    std::atomic<int> count{0};
    std::vector<std::thread> posters;
    for (int t = 0; t < 4; ++t) {
      posters.emplace_back([&] {
        for (int i = 0; i < 2000; ++i) {
          EXPECT(pool.post([&count] {
            if (count.fetch_add(1) % 3 == 0) Apartment::callDone();
          }) == Apartment::Posted::kQueued);
          if (i % 100 == 0) pool.post([] {}, Apartment::Lane::kRelease);
        }
      });
    }
    for (std::thread& poster : posters) poster.join();
    for (int i = 0; i < 200 && count.load() < 8000; ++i) std::this_thread::sleep_for(milliseconds(10));
    EXPECT(count.load() == 8000);
    pool.stop(milliseconds(2000));
  }

  bool destroyed = false;
  struct Flag {
    explicit Flag(bool* set) : set(set) {}
    ~Flag() { *set = true; }
    bool* set;
  };
  Apartment noThreads(4, [](std::function<void()>) -> std::thread {
    throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again));
  });
  auto flag = std::make_shared<Flag>(&destroyed);
  EXPECT(noThreads.post([flag] {}) == Apartment::Posted::kNoThread);
  flag.reset();
  EXPECT(destroyed);  // rolled back: the task is gone, not queued forever
  EXPECT(noThreads.post([] {}, Apartment::Lane::kRelease) == Apartment::Posted::kNoThread);

  // With a thread already there, a call or release that cannot get a new one waits for it.
  {
    int spawned = 0;
    Apartment oneThread(4, [&spawned](std::function<void()> body) -> std::thread {
      if (spawned++ > 0) throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again));
      return std::thread(std::move(body));
    });
    std::promise<void> hold;
    std::shared_future<void> holding = hold.get_future().share();
    std::atomic<int> ran{0};
    EXPECT(oneThread.post([holding, &ran] { holding.wait(); ++ran; }) == Apartment::Posted::kQueued);
    EXPECT(oneThread.post([&ran] { ++ran; }) == Apartment::Posted::kQueued);
    EXPECT(oneThread.post([&ran] { ++ran; }, Apartment::Lane::kRelease) == Apartment::Posted::kQueued);
    hold.set_value();
    oneThread.stop(milliseconds(2000));
    EXPECT(ran.load() == 3);
  }

  // A call that reported callDone() (its result is on its way) no longer holds its slot, though
  // its thread is still busy: the caller's next call runs at once, on another thread.
  Apartment oneCall(1);
  std::promise<void> done;
  std::promise<void> finish;
  std::shared_future<void> finishing = finish.get_future().share();
  EXPECT(oneCall.post([&, finishing] {
    Apartment::callDone();
    done.set_value();
    finishing.wait();
  }) == Apartment::Posted::kQueued);
  done.get_future().wait();
  std::promise<void> next;
  EXPECT(oneCall.post([&] { next.set_value(); }) == Apartment::Posted::kQueued);
  EXPECT(next.get_future().wait_for(milliseconds(2000)) == std::future_status::ready);
  finish.set_value();
  oneCall.stop(milliseconds(2000));
}

// postBatch: N calls in one post, each still its own call under the cap, the queue bound and
// the release lane as post gives them.
// Spinning (Apartment::setSpin): calls posted back to back, from one thread or several, all run
// (no lost wake-up while a thread spins instead of waiting); a hung call taken by the spinning
// thread holds up nothing posted with it; stop() ends a spin.
void testSpin() {
  const auto backToBack = [](Apartment& apartment, int calls) {
    int answered = 0;
    for (int i = 0; i < calls; ++i) {
      std::promise<void> done;
      std::future<void> answer = done.get_future();
      if (apartment.post([&] { done.set_value(); }) != Apartment::Posted::kQueued) break;
      if (answer.wait_for(milliseconds(2000)) != std::future_status::ready) break;
      ++answered;
    }
    return answered;
  };
  {
    Apartment apartment(4);
    apartment.setSpin(std::chrono::microseconds(1000));
    EXPECT(backToBack(apartment, 5000) == 5000);
    std::vector<std::thread> posters;
    std::atomic<int> answered{0};
    for (int t = 0; t < 4; ++t) posters.emplace_back([&] { answered += backToBack(apartment, 1000); });
    for (std::thread& poster : posters) poster.join();
    EXPECT(answered.load() == 4000);
    // Back to back again, so a thread is spinning when the batch comes: it takes the hung call.
    EXPECT(backToBack(apartment, 10) == 10);
    std::promise<void> gate;
    std::shared_future<void> open = gate.get_future().share();
    std::promise<void> quickRan;
    std::vector<Apartment::Task> batch;
    batch.push_back([open] { open.wait(); });
    batch.push_back([&] { quickRan.set_value(); });
    EXPECT(apartment.postBatch(std::move(batch)).queued == 2);
    EXPECT(quickRan.get_future().wait_for(milliseconds(2000)) == std::future_status::ready);
    gate.set_value();
    EXPECT(backToBack(apartment, 10) == 10);
    apartment.stop(milliseconds(2000));  // a thread is likely spinning here
    EXPECT(apartment.post([] {}) == Apartment::Posted::kStopped);
  }
  // Spinning off again: back-to-back calls still run.
  {
    Apartment apartment(2);
    apartment.setSpin(std::chrono::microseconds(1000));
    apartment.setSpin(std::chrono::microseconds(0));
    EXPECT(backToBack(apartment, 1000) == 1000);
  }
}

void testPostBatch() {
  struct Flag {
    explicit Flag(std::atomic<int>* count) : count(count) {}
    ~Flag() { ++*count; }
    std::atomic<int>* count;
  };
  {
    Apartment apartment(2, nullptr, 4);
    std::promise<void> gate;
    std::shared_future<void> open = gate.get_future().share();
    std::atomic<int> started{0};
    std::atomic<int> ran{0};
    std::vector<Apartment::Task> hung;
    for (int i = 0; i < 2; ++i) hung.push_back([&, open] { ++started, open.wait(), ++ran; });
    const auto first = apartment.postBatch(std::move(hung));
    EXPECT(first.queued == 2 && first.rest == Apartment::Posted::kQueued);
    for (int i = 0; i < 200 && started.load() < 2; ++i) std::this_thread::sleep_for(milliseconds(10));
    EXPECT(started.load() == 2);
    // Both slots hang: 4 calls queue behind them (the bound), the 5th is refused and destroyed.
    std::atomic<int> destroyed{0};
    std::vector<Apartment::Task> more;
    for (int i = 0; i < 5; ++i) more.push_back([&ran, flag = std::make_shared<Flag>(&destroyed)] { ++ran; });
    const auto second = apartment.postBatch(std::move(more));
    EXPECT(second.queued == 4 && second.rest == Apartment::Posted::kBusy);
    EXPECT(destroyed.load() == 1);
    // The release lane still runs at once.
    std::promise<void> released;
    std::future<void> releasedDone = released.get_future();
    EXPECT(apartment.post([&] { released.set_value(); }, Apartment::Lane::kRelease) == Apartment::Posted::kQueued);
    EXPECT(releasedDone.wait_for(milliseconds(2000)) == std::future_status::ready);
    EXPECT(ran.load() == 0);
    gate.set_value();
    apartment.stop(milliseconds(2000));
    EXPECT(ran.load() == 6);
    EXPECT(destroyed.load() == 5);
    EXPECT(apartment.postBatch({}).rest == Apartment::Posted::kStopped);
  }
  // A hung call in a batch holds up none of the others in it.
  {
    Apartment apartment(4);
    std::promise<void> gate;
    std::shared_future<void> open = gate.get_future().share();
    std::atomic<int> ran{0};
    std::promise<void> othersRan;
    std::vector<Apartment::Task> batch;
    batch.push_back([open] { open.wait(); });
    for (int i = 0; i < 3; ++i) batch.push_back([&] {
        if (++ran == 3) othersRan.set_value();
      });
    EXPECT(apartment.postBatch(std::move(batch)).queued == 4);
    EXPECT(othersRan.get_future().wait_for(milliseconds(2000)) == std::future_status::ready);
    gate.set_value();
    apartment.stop(milliseconds(2000));
  }
  // 200 calls in one batch under a cap of 64: all run, never more than 64 at once; and batches
  // posted from several threads at once all run (no lost wake-up).
  {
    Apartment apartment(64);
    std::atomic<int> running{0};
    std::atomic<int> most{0};
    std::atomic<int> ran{0};
    std::vector<Apartment::Task> batch;
    for (int i = 0; i < 200; ++i) {
      batch.push_back([&] {
        const int now = ++running;
        for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
        }
        std::this_thread::sleep_for(milliseconds(1));
        --running;
        ++ran;
      });
    }
    EXPECT(apartment.postBatch(std::move(batch)).queued == 200);
    std::vector<std::thread> posters;
    for (int t = 0; t < 4; ++t) {
      posters.emplace_back([&] {
        for (int b = 0; b < 100; ++b) {
          std::vector<Apartment::Task> small(5, [&ran] { ++ran; });
          EXPECT(apartment.postBatch(std::move(small)).queued == 5);
        }
      });
    }
    for (std::thread& poster : posters) poster.join();
    for (int i = 0; i < 500 && ran.load() < 2200; ++i) std::this_thread::sleep_for(milliseconds(10));
    EXPECT(ran.load() == 2200);
    EXPECT(most.load() <= 64);
    apartment.stop(milliseconds(2000));
  }
  // No thread can be started: nothing is queued, every task is destroyed before postBatch returns.
  {
    Apartment noThreads(4, [](std::function<void()>) -> std::thread {
      throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again));
    });
    std::atomic<int> destroyed{0};
    std::vector<Apartment::Task> batch;
    for (int i = 0; i < 3; ++i) batch.push_back([flag = std::make_shared<Flag>(&destroyed)] {});
    const auto posted = noThreads.postBatch(std::move(batch));
    EXPECT(posted.queued == 0 && posted.rest == Apartment::Posted::kNoThread);
    EXPECT(destroyed.load() == 3);
  }
}

// No C++ exception crosses a COM method of the mock: std::bad_alloc becomes E_OUTOFMEMORY.
void testNoExceptionCrossesComMethods() {
  Fixture f;
  auto addin = f.activate();
  HRESULT call = kS_OK;
  auto operation = f.check(*addin, "ok", &call);
  f.host->failNextRecord();
  EXPECT(f.poll(*operation).call == kE_OUTOFMEMORY);
  f.host->failNextRecord();
  auto failed = f.check(*addin, "ok", &call);
  EXPECT(call == kE_OUTOFMEMORY);
  EXPECT(f.poll(*operation).call == kS_OK);  // and the object still works
  f.release(failed);
  f.release(operation);
  f.release(addin);
  EXPECT(f.host->liveObjects() == 0);
}

}  // namespace

// whenReleased() fires once release() ran and every reference is dropped: at once when nothing
// holds one, and only after finish() when a call still holds its own (a call the add-in does not
// let go of, as under Wine where nothing can cancel it).
void testWhenReleasedWaitsForCallsInFlight() {
  Fixture f;
  auto addin = f.activate();
  std::atomic<int> fired{0};
  auto idle = f.activate();
  idle->whenReleased([&] { ++fired; });  // registered before release(): fires at release
  EXPECT(fired == 0);
  f.release(idle);
  EXPECT(fired == 1);
  idle->whenReleased([&] { ++fired; });  // registered after: fires at once
  EXPECT(fired == 2);

  std::atomic<bool> returned{false};
  auto pointer = addin->acquire();  // a call's own reference, held by this thread
  f.apartment.post([&] { addin->release(); }, Apartment::Lane::kRelease);
  addin->whenReleased([&] { returned = true; });
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT(!returned);  // the call still holds the object
  addin->finish(std::move(pointer));
  EXPECT(returned);  // the final Release ran on this thread, in finish()
  f.apartment.stop(milliseconds(2000));
  EXPECT(f.host->liveObjects() == 0);
}

// The fake VSS of the native mock: one writer on one volume, every call answering S_OK unless `calls` says otherwise.
std::shared_ptr<mock::FakeVss> fakeVss(std::map<std::string, scenario::VssCallScript> calls = {}) {
  scenario::VssScript script;
  scenario::VssWriterScript writer;
  writer.writerId = "{A65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}";
  writer.instanceId = "{B65FAA63-5EA8-4EBC-9DBD-A0C4DB26912A}";
  writer.name = "Mail Writer";
  writer.components = {scenario::VssComponentScript{"db", "Mail", {"D:\\Mail\\db.edb", "D:\\Mail\\E00.log"}}};
  writer.metadataXml = "<WRITER_METADATA/>";
  script.writers = {writer};
  script.volumes = {{"D:\\", "\\\\?\\Volume{3E1C0D2A-0000-4000-8000-00000000000D}\\"}};
  script.calls = std::move(calls);
  return std::make_shared<mock::FakeVss>(script);
}

bool ok(const Failure& failure) { return failure.hresult == kS_OK; }

// The whole requester sequence against the fake: every BSTR, component info, writer metadata and
// snapshot property the requester gets is freed (LeakSanitizer), every fake object released.
void testVssSequenceFreesEverything() {
  const auto fake = fakeVss();
  {
    vss::Ref<vss::IVssBackupComponents> components;
    EXPECT(SUCCEEDED(fake->create(components.put())));
    std::unique_ptr<vss::Backup> backup;
    EXPECT(ok(vss::Backup::initialize(std::move(components), &mock::FakeVss::freeSnapshotProperties, &backup)));
    const vss::CancelFlag cancel{false};
    std::vector<vss::WriterInfo> writers;
    EXPECT(ok(backup->gatherWriterMetadata(cancel, &writers)));
    EXPECT(writers.size() == 1 && writers[0].metadataXml == wide("<WRITER_METADATA/>"));
    EXPECT(writers.size() == 1 && writers[0].components.size() == 1 && writers[0].components[0].files.size() == 2);
    EXPECT(writers.size() == 1 && writers[0].components[0].files[0] == wide("D:\\Mail\\db.edb"));
    std::vector<vss::WriterStatus> statuses;
    EXPECT(ok(backup->gatherWriterStatus(cancel, &statuses)) && statuses.size() == 1 && statuses[0].state == 1);
    WString volume;
    EXPECT(SUCCEEDED(fake->volumeOf(wide("d:\\mail\\db.edb"), &volume)));
    GUID instance{};
    GUID writer{};
    EXPECT(parseGuid(writers[0].instanceId, &instance) && parseGuid(writers[0].writerId, &writer));
    EXPECT(ok(backup->addComponent(instance, writer, wide("Mail"), wide("db"))));
    GUID set{};
    GUID snapshot{};
    EXPECT(ok(backup->startSnapshotSet(&set)));
    EXPECT(ok(backup->addToSnapshotSet(volume, &snapshot)));
    EXPECT(ok(backup->prepareForBackup(cancel)));
    EXPECT(ok(backup->doSnapshotSet(cancel)));
    WString device;
    EXPECT(ok(backup->snapshotDevice(snapshot, &device)) && device.rfind(wide("\\\\?\\GLOBALROOT\\Device\\"), 0) == 0);
    EXPECT(fake->state().liveSnapshots == 1);
    EXPECT(ok(backup->backupComplete(cancel)));
  }
  const mock::FakeVssState state = fake->state();
  EXPECT(state.liveObjects == 0 && state.liveSessions == 0 && state.liveSnapshots == 0);
}

// A hung wait ends with IVssAsync::Cancel: VSS_S_ASYNC_CANCELLED, and the set in creation is freed.
void testVssCancelledWait() {
  scenario::VssCallScript hang;
  hang.hang = true;
  const auto fake = fakeVss({{"GatherWriterMetadata", hang}});
  {
    vss::Ref<vss::IVssBackupComponents> components;
    EXPECT(SUCCEEDED(fake->create(components.put())));
    std::unique_ptr<vss::Backup> backup;
    EXPECT(ok(vss::Backup::initialize(std::move(components), &mock::FakeVss::freeSnapshotProperties, &backup)));
    vss::CancelFlag cancel{false};
    std::thread canceller([&] {
      std::this_thread::sleep_for(milliseconds(50));
      cancel.store(true);
    });
    std::vector<vss::WriterInfo> writers;
    EXPECT(backup->gatherWriterMetadata(cancel, &writers).hresult == kVSS_S_ASYNC_CANCELLED && writers.empty());
    canceller.join();
  }
  EXPECT(fake->state().liveObjects == 0);
}

int main() {
  testStrings();
  testScenarioErrors();
  testSuccessAndSentinel();
  testFailedCheckReleasesWrittenPointer();
  testStrayObjectIsReported();
  testIdentityProbeOfMock();
  testIdentityProbeOfObjectClaimingEverything();
  testOrderComponents();
  testOrderComponentsDirect();
  testCrash();
  testHangCancelledByRelease();
  testCheckHangCancelledByRelease();
  testEarlyAndLateCancel();
  testTeardownWithHungCall();
  testLostCancelIsReissued();
  testCallCapAndReleaseLane();
  testPostBatch();
  testSpin();
  testNoExceptionCrossesComMethods();
  testWhenReleasedWaitsForCallsInFlight();
  testVssSequenceFreesEverything();
  testVssCancelledWait();
  std::printf("%s: %d failure(s)\n", failures == 0 ? "PASS" : "FAIL", failures);
  return failures == 0 ? 0 : 1;
}
