// The addon's COM threads: a pool of threads in the multithreaded apartment (MTA).
//
// Why a growing pool and not a fixed one: a COM call can block for as long as the add-in likes
// (or forever), and one blocked call must not hold up calls to other add-ins or other operations.
// A task posted while every thread is busy gets a new thread (up to a cap), so a hung call costs
// exactly one thread. Threads stay for reuse once started; the pool is per Node environment.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
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

  explicit Apartment(std::size_t maxThreads);
  Apartment(const Apartment&) = delete;
  Apartment& operator=(const Apartment&) = delete;
  ~Apartment();

  // Queues a task; never blocks. Tasks must not throw (they report failures as values).
  void post(Task task);

  // Runs what is queued, then stops the threads. A thread still inside a call after `grace`
  // (a hung out-of-process add-in that could not be cancelled) is detached: it keeps only
  // shared state alive, and the process can still exit.
  void stop(std::chrono::milliseconds grace);

 private:
  struct Shared {
    std::mutex mutex;
    std::condition_variable wake;
    std::condition_variable exited;
    std::deque<Task> queue;
    std::vector<std::thread> workers;
    std::set<std::thread::id> finished;  // workers that left their loop (safe to join)
    std::size_t idle = 0;
    std::size_t running = 0;
    bool stopping = false;
  };

  static void run(std::shared_ptr<Shared> shared);

  const std::size_t maxThreads_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

}  // namespace wsb
