#include "apartment.h"

#include "cpu_relax.h"

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
    const auto enable =
        reinterpret_cast<Enable>(reinterpret_cast<void*>(ole32 == nullptr ? nullptr : GetProcAddress(ole32, "CoEnableCallCancellation")));
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
  Shared& shared = *current_;
  std::unique_lock<std::mutex> lock(shared.mutex);
  --shared.callsRunning;
  slotHeld_ = false;
  shared.posted();
  // A queued call may now have a slot: an idle thread takes it now (this thread would take it
  // only once its task has returned).
  const bool notify = shared.claimWake();
  lock.unlock();
  if (notify) shared.wake.notify_one();
}

Apartment::Apartment(std::size_t maxCalls, Spawn spawn, std::size_t maxQueued)
    : maxCalls_(maxCalls), maxQueued_(maxQueued), spawn_(std::move(spawn)), shared_(std::make_shared<Shared>(maxCalls)) {}

Apartment::~Apartment() { stop(std::chrono::milliseconds(0)); }

Apartment::Posted Apartment::post(Task task, Lane lane) noexcept {
  std::unique_lock<std::mutex> lock(shared_->mutex);
  if (shared_->stopping) return Posted::kStopped;
  std::deque<Task>& queue = lane == Lane::kCall ? shared_->calls : shared_->releases;
  if (lane == Lane::kCall && shared_->calls.size() >= maxQueued_) return Posted::kBusy;
  try {
    queue.push_back(std::move(task));
  } catch (...) {  // std::bad_alloc
    return Posted::kNoThread;
  }
  // Every runnable task needs an idle thread of its own, else it could wait behind a hung call.
  // A call without a free slot is not runnable: a thread finishing a call takes it. Running calls
  // are capped, so only releases can push the pool past maxCalls threads.
  if (shared_->runnable() > shared_->idle && shared_->workers.size() < 2 * maxCalls_ && !startThread() && shared_->workers.empty()) {
    // No thread at all, and none can be started: fail now instead of waiting for one that may
    // never come. (With threads, the task waits for one of them.)
    Task unqueued = std::move(queue.back());
    queue.pop_back();
    lock.unlock();
    unqueued = nullptr;  // destroyed without the lock: it may own anything
    return Posted::kNoThread;
  }
  // One wake-up at a time: the woken thread wakes the next one if more is runnable (run()).
  shared_->posted();
  const bool notify = shared_->claimWake();
  lock.unlock();
  if (notify) shared_->wake.notify_one();
  return Posted::kQueued;
}

Apartment::BatchPosted Apartment::postBatch(std::vector<Task> tasks) noexcept {
  std::unique_lock<std::mutex> lock(shared_->mutex);
  if (shared_->stopping) return {0, Posted::kStopped};
  const std::size_t room = shared_->calls.size() < maxQueued_ ? maxQueued_ - shared_->calls.size() : 0;
  BatchPosted posted{0, tasks.size() <= room ? Posted::kQueued : Posted::kBusy};
  for (; posted.queued < tasks.size() && posted.queued < room; ++posted.queued) {
    try {
      shared_->calls.push_back(std::move(tasks[posted.queued]));
    } catch (...) {  // std::bad_alloc: the rest is refused, what is queued stays
      posted.rest = Posted::kNoThread;
      break;
    }
  }
  // As post: a thread for every runnable task beyond the idle ones (the threads started here
  // are not idle yet, so they are counted apart), capped as post caps it.
  std::size_t started = 0;
  while (shared_->runnable() > shared_->idle + started && shared_->workers.size() < 2 * maxCalls_ && startThread()) ++started;
  if (shared_->workers.empty() && posted.queued != 0) {
    // No thread at all, and none can be started: fail every one now (post's rule), back into
    // `tasks` (their slots there are free), to be destroyed without the lock.
    for (std::size_t i = posted.queued; i-- > 0;) {
      tasks[i] = std::move(shared_->calls.back());
      shared_->calls.pop_back();
    }
    lock.unlock();
    return {0, Posted::kNoThread};
  }
  shared_->posted();
  const bool notify = shared_->claimWake();
  lock.unlock();
  if (notify) shared_->wake.notify_one();
  return posted;
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
  auto lastIdle = std::chrono::steady_clock::duration::max();  // none yet: no spin before the first task
  for (;;) {
    ++shared->idle;
    // Idle spells are timed only while spinning is on (the default is off: no clock reads then).
    const bool timed = shared->spinUs.load(std::memory_order_relaxed) != 0;
    const auto idleSince = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    // On stop, queued calls still wait for a slot: a thread leaves only once both queues are empty.
    const auto ready = [&] { return shared->runnable() > 0 || (shared->stopping && shared->calls.empty() && shared->releases.empty()); };
    if (!ready()) spinBeforeSleep(*shared, lock, lastIdle);
    shared->wake.wait(lock, ready);
    lastIdle = timed ? std::chrono::steady_clock::now() - idleSince : std::chrono::steady_clock::duration::max();
    --shared->idle;
    if (shared->signalled > 0) --shared->signalled;  // this wake-up, or one it makes unneeded
    Task next;
    bool call = false;
    if (!shared->releases.empty()) {  // releases first: they cancel the calls that hang
      next = std::move(shared->releases.front());
      shared->releases.pop_front();
    } else if (shared->runnable() > 0) {  // a queued call with a free slot
      next = std::move(shared->calls.front());
      shared->calls.pop_front();
      ++shared->callsRunning;
      call = true;
    } else {
      break;  // stopping, and nothing left to run
    }
    // Pass the wake-up on before running a task that may never return: the rest of the queue
    // must not wait for this thread.
    const bool wakeNext = shared->claimWake();
    // The last task of a stopping pool: threads waiting for queued calls may leave now.
    const bool wakeAll = shared->stopping && shared->calls.empty() && shared->releases.empty();
    current_ = shared.get();
    slotHeld_ = call;
    lock.unlock();
    if (wakeAll) {
      shared->wake.notify_all();
    } else if (wakeNext) {
      shared->wake.notify_one();
    }
    next();
    next = nullptr;  // whatever the task captured goes now, on this COM thread
    lock.lock();
    if (std::exchange(slotHeld_, false)) --shared->callsRunning;  // the loop takes a queued call
  }
  shared->finished.insert(std::this_thread::get_id());
  --shared->running;
  shared->exited.notify_all();
}

void Apartment::spinBeforeSleep(Shared& shared, std::unique_lock<std::mutex>& lock, std::chrono::steady_clock::duration lastIdle) {
  const std::chrono::microseconds spin(shared.spinUs.load(std::memory_order_relaxed));
  if (spin.count() == 0 || shared.spinning || lastIdle > spin) return;
  shared.spinning = true;
  const std::uint64_t seen = shared.posts.load(std::memory_order_acquire);
  lock.unlock();
  const auto until = std::chrono::steady_clock::now() + spin;
  while (shared.posts.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until) cpuRelax();
  lock.lock();
  // Whatever was posted meanwhile is seen by the caller's wait predicate, under the mutex again.
  shared.spinning = false;
}

void Apartment::stop(std::chrono::milliseconds grace) {
  std::unique_lock<std::mutex> lock(shared_->mutex);
  shared_->stopping = true;
  shared_->posted();
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
