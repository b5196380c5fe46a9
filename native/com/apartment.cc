#include "apartment.h"

#include <utility>

namespace wsb {
namespace {

// Joins the MTA for the life of a pool thread. Our threads are new, so RPC_E_CHANGED_MODE cannot
// happen; CoInitializeEx can still fail for lack of resources (E_OUTOFMEMORY, E_UNEXPECTED). The
// thread then runs its tasks anyway: their COM calls fail with CO_E_NOTINITIALIZED, which each
// caller receives as that call's HRESULT, rather than a call that silently never runs.
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

thread_local Apartment::Shared* Apartment::current_ = nullptr;
thread_local bool Apartment::slotHeld_ = false;

void Apartment::callDone() noexcept {
  if (current_ == nullptr || !slotHeld_) return;
  const std::lock_guard<std::mutex> lock(current_->mutex);
  --current_->calls;
  slotHeld_ = false;
}

Apartment::Apartment(std::size_t maxCalls, Spawn spawn) : maxCalls_(maxCalls), spawn_(std::move(spawn)) {}

Apartment::~Apartment() { stop(std::chrono::milliseconds(0)); }

Apartment::Posted Apartment::post(Task task, Lane lane) noexcept {
  std::unique_lock<std::mutex> lock(shared_->mutex);
  if (shared_->stopping) return Posted::kStopped;
  if (lane == Lane::kCall && shared_->calls >= maxCalls_) return Posted::kBusy;
  try {
    shared_->queue.push_back(Queued{std::move(task), lane});
  } catch (...) {  // std::bad_alloc
    return Posted::kNoThread;
  }
  if (lane == Lane::kCall) ++shared_->calls;
  // Every queued task needs an idle thread of its own, else it could wait behind a hung call.
  // Calls are capped above, so only releases can push the pool past maxCalls threads.
  if (shared_->queue.size() <= shared_->idle || shared_->workers.size() >= 2 * maxCalls_) {
    // One wake-up at a time: the woken thread wakes the next one if more is queued (run()).
    const bool notify = shared_->signalled == 0 && shared_->idle > 0;
    if (notify) ++shared_->signalled;
    lock.unlock();
    if (notify) shared_->wake.notify_one();
    return Posted::kQueued;
  }
  if (startThread()) return Posted::kQueued;
  // A release can wait for a thread that is already there; a call, or a pool without threads,
  // fails now instead of waiting for something that may never come.
  if (lane == Lane::kRelease && !shared_->workers.empty()) return Posted::kQueued;
  Task unqueued = std::move(shared_->queue.back().task);
  shared_->queue.pop_back();
  if (lane == Lane::kCall) --shared_->calls;
  lock.unlock();
  unqueued = nullptr;  // destroyed without the lock: it may own anything
  return Posted::kNoThread;
}

bool Apartment::startThread() noexcept {
  try {
    shared_->workers.reserve(shared_->workers.size() + 1);  // push_back below cannot throw
    auto body = [shared = shared_] { run(shared); };
    shared_->workers.push_back(spawn_ ? spawn_(std::move(body)) : std::thread(std::move(body)));
  } catch (...) {  // std::system_error (no more threads), std::bad_alloc
    return false;
  }
  // The new thread waits for the mutex we hold before it touches `running`.
  ++shared_->running;
  return true;
}

void Apartment::run(std::shared_ptr<Shared> shared) {
  const MtaMembership mta;
  std::unique_lock<std::mutex> lock(shared->mutex);
  for (;;) {
    ++shared->idle;
    shared->wake.wait(lock, [&] { return !shared->queue.empty() || shared->stopping; });
    --shared->idle;
    if (shared->signalled > 0) --shared->signalled;  // this wake-up, or one it makes unneeded
    if (shared->queue.empty()) break;  // stopping, and nothing left to run
    Queued next = std::move(shared->queue.front());
    shared->queue.pop_front();
    // Pass the wake-up on before running a task that may never return: the rest of the queue
    // must not wait for this thread.
    const bool wakeNext = !shared->queue.empty() && shared->signalled == 0 && shared->idle > 0;
    if (wakeNext) ++shared->signalled;
    current_ = shared.get();
    slotHeld_ = next.lane == Lane::kCall;
    lock.unlock();
    if (wakeNext) shared->wake.notify_one();
    next.task();
    next.task = nullptr;  // whatever the task captured goes now, on this COM thread
    lock.lock();
    if (std::exchange(slotHeld_, false)) --shared->calls;
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
