// The addon's COM threads: a pool of threads in the multithreaded apartment (MTA).
//
// Why a growing pool and not a fixed one: a COM call can block for as long as the add-in likes
// (or forever), and one blocked call must not hold up calls to other add-ins or other operations.
// A task that can run while every thread is busy gets a new thread, so a hung call costs exactly
// one thread. Threads stay for reuse once started; the pool is per Node environment.
//
// Two lanes, each with its own queue:
// - calls (kCall): at most `maxCalls` run at once (`callsRunning`: picked by a thread and not yet
//   done, see callDone()). The cap bounds the threads that hung add-ins can pin, not the calls
//   callers may make: a call beyond it is QUEUED and runs as soon as a running call finishes or
//   is cancelled. Thousands of concurrent checks polling briefly exceed any fixed number of calls
//   in flight; refusing those would fail healthy checks. The call queue is bounded only to bound
//   memory (`maxQueued`, 1,000,000 by default: beyond it a call is refused, Posted::kBusy);
// - releases (kRelease): Release and the cancellation of calls in flight. Taken before any
//   queued call, never counted against the call cap and never waiting for a call slot: if
//   `maxCalls` calls hang and queued calls fill the queue behind them, releasing the handles must
//   still run, cancel the hung calls and so free their slots (else the pool would stall for good).
//   Releases may start threads beyond the call cap, up to 2 x maxCalls threads in all; beyond
//   that a release waits for a thread, never for a call slot.
//
// Wake-ups: a runnable task (a release, or a queued call with a free slot) needs an idle thread
// of its own, but not its own notify: one wake-up is outstanding at a time (`signalled`), and the
// thread that takes a task wakes the next idle one if more is runnable before it runs its task (a
// chain), so a burst of posts from the JS thread costs it one wake-up, not one per post. A thread
// that finishes a call frees its slot and loops, taking the next queued call itself.
//
// Spinning (setSpin; off until set, the addon sets the default of bridge/wake_policy.h): a thread
// about to sleep may first spin for a few microseconds watching for a post, so that a caller
// making calls back to back (await one status, then ask for the next) finds a thread awake and
// skips the cold wake-up (tens of µs on a VM). It spins only when its last idle spell was shorter
// than the spin (calls are coming back to back), and only one thread spins at a time: a caller
// polling every 100 ms never pays for it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "abi.h"

namespace wsb {

// Identifies the pool thread that runs a call, so that another thread can cancel it.
struct CallThread {
  std::thread::id id;
#ifdef _WIN32
  DWORD win32Id = 0;
#endif
  static CallThread current();
};

class Apartment {
 public:
  using Task = std::function<void()>;
  // Starts a thread running `body` (a seam: tests make it fail as std::thread can).
  using Spawn = std::function<std::thread(std::function<void()> body)>;

  enum class Lane { kCall, kRelease };
  enum class Posted {
    kQueued,
    kBusy,      // kCall only: `maxQueued` calls are already queued (a memory bound); nothing queued
    kNoThread,  // no thread could be started (std::system_error, out of memory); nothing queued
    kStopped,   // stop() was called; nothing queued
  };

  static constexpr std::size_t kMaxQueuedCalls = 1000000;

  explicit Apartment(std::size_t maxCalls, Spawn spawn = nullptr, std::size_t maxQueued = kMaxQueuedCalls);
  Apartment(const Apartment&) = delete;
  Apartment& operator=(const Apartment&) = delete;
  ~Apartment();

  // Queues a task; never blocks, never throws. Tasks must not throw (they report failures as
  // values). A task that is not queued is destroyed before post returns, on the calling thread.
  Posted post(Task task, Lane lane = Lane::kCall) noexcept;

  // What postBatch did: tasks[0, queued) are queued; the rest were refused for `rest` (kQueued
  // when none was).
  struct BatchPosted {
    std::size_t queued;
    Posted rest;
  };
  // Queues `tasks` on the call lane as post(task) would, one by one, but under one lock and with
  // one wake-up: each is still its own call (its own slot, its own thread when runnable), so one
  // that hangs holds up none of the others. Past the `maxQueued` bound the rest are refused
  // (kBusy). Refused tasks are destroyed before postBatch returns, on the calling thread.
  BatchPosted postBatch(std::vector<Task> tasks) noexcept;

  // Called by a kCall task once its result is on its way, before the task returns: the call's
  // slot is free from here (a queued call may take it at once), so a caller that reacts to the
  // result at once (the next poll) does not wait for this thread to finish unwinding. No-op
  // anywhere else.
  static void callDone() noexcept;

  // How long an idle thread may spin before it sleeps (see "Spinning" above); 0 turns it off.
  // Any thread, at any time: threads read it each time they go idle.
  void setSpin(std::chrono::microseconds spin) noexcept { shared_->spinUs.store(spin.count(), std::memory_order_relaxed); }

  // Runs what is queued, then stops the threads. A thread still inside a call after `grace`
  // (a hung out-of-process add-in that could not be cancelled) is detached: it keeps only
  // shared state alive, and the process can still exit.
  void stop(std::chrono::milliseconds grace);

 private:
  struct Shared {
    explicit Shared(std::size_t maxCalls) : maxCalls(maxCalls) {}
    // Tasks a thread may take now: every release, and queued calls up to the free call slots.
    std::size_t runnable() const {
      const std::size_t freeSlots = callsRunning < maxCalls ? maxCalls - callsRunning : 0;
      return releases.size() + (calls.size() < freeSlots ? calls.size() : freeSlots);
    }
    // With mutex held: claims the one outstanding wake-up if a runnable task has no thread yet
    // and an idle thread can take it; the caller then notifies once the mutex is released.
    bool claimWake() {
      // A spinning thread sees the post itself (`posts`), and passes the wake-up on as a woken one does.
      if (signalled != 0 || spinning || idle == 0 || runnable() == 0) return false;
      ++signalled;
      return true;
    }

    const std::size_t maxCalls;
    std::mutex mutex;
    std::condition_variable wake;
    std::condition_variable exited;
    std::deque<Task> calls;
    std::deque<Task> releases;
    std::size_t callsRunning = 0;  // kCall tasks picked by a thread and not yet done
    std::vector<std::thread> workers;
    std::set<std::thread::id> finished;  // workers that left their loop (safe to join)
    std::size_t idle = 0;
    // Idle threads notified and not yet awake (0 or 1): see "Wake-ups" above. Invariant: while a
    // task is runnable and a thread is idle, a wake-up is outstanding or a busy thread will loop.
    std::size_t signalled = 0;
    std::size_t running = 0;
    bool stopping = false;
    // Spinning: `posts` changes (under the mutex) whenever a task may have become runnable or the
    // pool is stopping, so the spinning thread (at most one, `spinning`) can watch it unlocked.
    std::atomic<std::uint64_t> posts{0};
    std::atomic<std::int64_t> spinUs{0};
    bool spinning = false;
    void posted() { posts.fetch_add(1, std::memory_order_release); }
  };

  static void run(std::shared_ptr<Shared> shared);
  // With the mutex held, from an idle thread whose last idle spell took `lastIdle`: spins (the
  // mutex released meanwhile) until a post or the end of the spin, if the policy says so.
  static void spinBeforeSleep(Shared& shared, std::unique_lock<std::mutex>& lock, std::chrono::steady_clock::duration lastIdle);
  // The pool and call-slot state of the kCall task running on this thread (callDone()).
  static thread_local Shared* current_;
  static thread_local bool slotHeld_;
  bool startThread() noexcept;  // with shared_->mutex held

  const std::size_t maxCalls_;
  const std::size_t maxQueued_;
  const Spawn spawn_;
  const std::shared_ptr<Shared> shared_;
};

}  // namespace wsb
