#include "apartment.h"

#include <utility>

namespace wsb {
namespace {

// Joins the MTA for the life of a pool thread. CoInitializeEx can fail only with
// RPC_E_CHANGED_MODE on a thread someone else initialised, which never happens to ours.
class MtaMembership {
 public:
  MtaMembership() {
#ifdef _WIN32
    initialized_ = SUCCEEDED(CoInitializeEx(nullptr, COINIT_MULTITHREADED));
    enableCallCancellation();
#endif
  }
  MtaMembership(const MtaMembership&) = delete;
  MtaMembership& operator=(const MtaMembership&) = delete;
  ~MtaMembership() {
#ifdef _WIN32
    if (initialized_) CoUninitialize();
#endif
  }

 private:
#ifdef _WIN32
  // Resolved at run time: Wine's ole32 lacks call cancellation (see runtime_win32.cc).
  static void enableCallCancellation() {
    using Enable = HRESULT(WINAPI*)(LPVOID);
    const HMODULE ole32 = GetModuleHandleW(L"ole32.dll");
    const auto enable = reinterpret_cast<Enable>(
        reinterpret_cast<void*>(ole32 == nullptr ? nullptr : GetProcAddress(ole32, "CoEnableCallCancellation")));
    if (enable != nullptr) enable(nullptr);
  }
  bool initialized_ = false;
#endif
};

}  // namespace

CallThread CallThread::current() {
  CallThread thread;
  thread.id = std::this_thread::get_id();
#ifdef _WIN32
  thread.win32Id = GetCurrentThreadId();
#endif
  return thread;
}

Apartment::Apartment(std::size_t maxThreads) : maxThreads_(maxThreads) {}

Apartment::~Apartment() { stop(std::chrono::milliseconds(0)); }

void Apartment::post(Task task) {
  const std::lock_guard<std::mutex> lock(shared_->mutex);
  if (shared_->stopping) return;
  shared_->queue.push_back(std::move(task));
  // Every queued task needs an idle thread of its own, else it could wait behind a hung call.
  if (shared_->queue.size() > shared_->idle && shared_->workers.size() < maxThreads_) {
    ++shared_->running;
    shared_->workers.emplace_back(&Apartment::run, shared_);
  } else {
    shared_->wake.notify_one();
  }
}

void Apartment::run(std::shared_ptr<Shared> shared) {
  const MtaMembership mta;
  std::unique_lock<std::mutex> lock(shared->mutex);
  for (;;) {
    ++shared->idle;
    shared->wake.wait(lock, [&] { return !shared->queue.empty() || shared->stopping; });
    --shared->idle;
    if (shared->queue.empty()) break;  // stopping, and nothing left to run
    Task task = std::move(shared->queue.front());
    shared->queue.pop_front();
    lock.unlock();
    task();
    task = nullptr;  // whatever the task captured goes now, on this COM thread
    lock.lock();
  }
  shared->finished.insert(std::this_thread::get_id());
  --shared->running;
  shared->exited.notify_all();
}

void Apartment::stop(std::chrono::milliseconds grace) {
  std::unique_lock<std::mutex> lock(shared_->mutex);
  shared_->stopping = true;
  shared_->wake.notify_all();
  shared_->exited.wait_for(lock, grace, [&] { return shared_->running == 0; });
  for (std::thread& worker : shared_->workers) {
    if (shared_->finished.count(worker.get_id()) != 0) {
      worker.join();  // it has left its loop; only its MTA exit remains
    } else {
      worker.detach();  // stuck in a call nobody can cancel; it holds `shared` alive itself
    }
  }
  shared_->workers.clear();
  shared_->finished.clear();
}

}  // namespace wsb
