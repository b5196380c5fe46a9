#include "mock_host.h"

#include <algorithm>
#include <new>
#include <utility>

#include "mock_addin.h"

namespace wsb::mock {

std::shared_ptr<MockHost> MockHost::create(Scenario scenario) { return std::make_shared<MockHost>(std::move(scenario)); }

HRESULT MockHost::activate(const std::string& writerId, const std::string& clsid, ComPtr<IUnknown>* out) {
  const auto& apps = scenario_.applications;
  auto app = std::find_if(apps.begin(), apps.end(), [&](const ApplicationScript& a) { return a.writerId == writerId; });
  if (app == apps.end()) app = std::find_if(apps.begin(), apps.end(), [&](const ApplicationScript& a) { return a.clsid == clsid; });
  if (app == apps.end() || !app->clsid) return kREGDB_E_CLASSNOTREG;
  if (app->activationHangs) return pause(std::nullopt);  // RPC_E_CALL_CANCELED once torn down
  if (FAILED(app->activation)) return app->activation;
  return createMockAddin(shared_from_this(), *app, out);
}

void MockHost::cancel(std::thread::id thread) {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto waiter = waiting_.find(thread);
  if (waiter == waiting_.end()) {
    if (rememberEarlyCancels_) {
      cancelledEarly_.insert(thread);
    } else {
      ++lostCancels_;
    }
    return;
  }
  waiter->second = true;
  wake_.notify_all();
}

void MockHost::callFinished(std::thread::id thread) {
  const std::lock_guard<std::mutex> lock(mutex_);
  cancelledEarly_.erase(thread);
}

void MockHost::rememberEarlyCancels(bool remember) {
  const std::lock_guard<std::mutex> lock(mutex_);
  rememberEarlyCancels_ = remember;
}

std::size_t MockHost::lostCancels() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return lostCancels_;
}

void MockHost::tearDown() {
  const std::lock_guard<std::mutex> lock(mutex_);
  tornDown_ = true;
  wake_.notify_all();
}

std::size_t MockHost::liveObjects() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return objects_.size();
}

std::vector<MockObject> MockHost::objects() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::vector<MockObject> result;
  for (const auto& entry : objects_) result.push_back(entry.second);
  return result;
}

std::vector<MockCall> MockHost::calls() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return calls_;
}

HRESULT MockHost::pause(std::optional<std::chrono::milliseconds> delay) {
  if (delay && delay->count() == 0) return kS_OK;
  std::unique_lock<std::mutex> lock(mutex_);
  const auto self = std::this_thread::get_id();
  if (cancelledEarly_.erase(self) != 0) return kRPC_E_CALL_CANCELED;
  waiting_[self] = false;
  const auto interrupted = [&] { return tornDown_ || waiting_[self]; };
  bool cancelled = true;
  if (delay) {
    cancelled = wake_.wait_for(lock, *delay, interrupted);
  } else {
    wake_.wait(lock, interrupted);
  }
  waiting_.erase(self);
  return cancelled ? kRPC_E_CALL_CANCELED : kS_OK;
}

void MockHost::record(MockCall call) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (std::exchange(failNextRecord_, false)) throw std::bad_alloc();
  calls_.push_back(std::move(call));
}

void MockHost::failNextRecord() {
  const std::lock_guard<std::mutex> lock(mutex_);
  failNextRecord_ = true;
}

void MockHost::track(const void* object, MockObject info) {
  const std::lock_guard<std::mutex> lock(mutex_);
  objects_[object] = std::move(info);
}

void MockHost::setRefs(const void* object, unsigned long refs) noexcept {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto entry = objects_.find(object);
  if (entry == objects_.end()) return;
  entry->second.refs = refs;
  if (refs != 0) return;
  try {
    calls_.push_back(MockCall{"Release", entry->second.writerId, entry->second.component, {entry->second.kind}});
  } catch (...) {  // std::bad_alloc: the log misses this line; the count below stays right
  }
  objects_.erase(entry);
}

}  // namespace wsb::mock
