// The native mock add-in: C++ objects behind the real IUnknown / IWsbApplicationBackupSupport /
// IWsbApplicationRestoreSupport / IWsbApplicationAsync vtables, scripted by a Scenario.
//
// Core API (no Node-API, so the standalone call-layer test and the benchmark use it without Node;
// the sample out-of-process add-in shares the scenario engine below it, native/scenario/):
//   auto host = MockHost::create(scenario);          // one per scripted "machine"
//   ComPtr<IUnknown> addin;
//   HRESULT hr = host->activate(writerId, clsid, &addin);   // what a class factory would hand out
//   host->cancel(threadId);  // ends the hang/delay that thread is in, or its next one: it returns
//                            // RPC_E_CALL_CANCELED; host->callFinished(threadId) drops a late one
//   host->rememberEarlyCancels(false);  // as CoCancelCall: a cancel that finds no wait is lost
//   host->tearDown();        // ends every hang and delay, now and later
//   host->liveObjects(), host->objects(), host->calls()   // reference counts and the call log
// Objects keep their host alive (shared_ptr), so a pointer outliving every handle stays valid.
//
// Deliberate misbehaviour, as scripted (docs/mock.md): any call may hang; QueryStatus may fail,
// crash the "process", or return S_OK without writing the status; a failing CheckConsistency may
// still write an async object, so callers' defensive Release is exercised.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../com/com_ptr.h"
#include "../scenario/model.h"

namespace wsb::mock {

// One call the mock received. String arguments are UTF-8, nullopt for a NULL pointer.
struct MockCall {
  std::string method;  // "CheckConsistency", "QueryStatus", ..., "Release" (the final one)
  std::string writerId;
  std::optional<std::string> component;
  std::vector<std::optional<std::string>> args;
};

// One live COM object and its reference count.
struct MockObject {
  std::string kind;  // "addin" or "operation"
  std::string writerId;
  std::optional<std::string> component;
  unsigned long refs = 0;
};

class MockHost : public std::enable_shared_from_this<MockHost> {
 public:
  static std::shared_ptr<MockHost> create(scenario::Scenario scenario);
  explicit MockHost(scenario::Scenario scenario) : scenario_(std::move(scenario)) {}
  MockHost(const MockHost&) = delete;
  MockHost& operator=(const MockHost&) = delete;

  const scenario::Scenario& scenario() const { return scenario_; }

  // "CoCreateInstance": the add-in of application `writerId` or, for an add-in named by CLSID
  // alone, of the application with that `clsid`; or the scenario's activation failure
  // (REGDB_E_CLASSNOTREG when neither matches or the application has no add-in). A scripted
  // hang waits like any other (cancel(), tearDown()).
  HRESULT activate(const std::string& writerId, const std::string& clsid, ComPtr<IUnknown>* out);

  void cancel(std::thread::id thread);
  void callFinished(std::thread::id thread);
  // true (default): a cancellation that arrives before its call waits ends that wait at once.
  // false: it is lost, as CoCancelCall's is; lostCancels() counts those.
  void rememberEarlyCancels(bool remember);
  std::size_t lostCancels() const;
  void tearDown();

  std::size_t liveObjects() const;
  std::vector<MockObject> objects() const;
  std::vector<MockCall> calls() const;

  // --- for the mock objects ---
  // Waits `delay` (forever when nullopt). S_OK when it elapsed, RPC_E_CALL_CANCELED when the
  // wait was cancelled or the host torn down.
  HRESULT pause(std::optional<std::chrono::milliseconds> delay);
  void record(MockCall call);
  // Test hook: the next record() throws std::bad_alloc (the COM method must still return, with
  // E_OUTOFMEMORY, never let it escape).
  void failNextRecord();
  void track(const void* object, MockObject info);
  // Applies a reference count change; the count reaching zero untracks and logs "Release".
  void setRefs(const void* object, unsigned long refs) noexcept;

 private:
  const scenario::Scenario scenario_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool tornDown_ = false;
  std::map<std::thread::id, bool> waiting_;  // thread -> cancelled
  // Cancellations that arrived before their call started waiting (the caller cannot know).
  std::set<std::thread::id> cancelledEarly_;
  bool rememberEarlyCancels_ = true;
  std::size_t lostCancels_ = 0;
  bool failNextRecord_ = false;
  std::map<const void*, MockObject> objects_;
  std::vector<MockCall> calls_;
};

}  // namespace wsb::mock
