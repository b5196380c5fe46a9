// HeldBackup: one VSS backup components object shared by a JS handle and its call in flight,
// with Held<T>'s rules (held.h): the object is released exactly once, on an apartment thread,
// and a call keeps its own reference, so a release while a wait hangs never frees the object
// under it. The last reference may so be dropped by that call's thread (also an apartment thread).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "held.h"
#include "vss_backup.h"

namespace wsb::vss {

class HeldBackup final : public Releasable {
 public:
  explicit HeldBackup(std::unique_ptr<Backup> backup) : gone_(std::make_shared<Gone>()) {
    backup_ = std::shared_ptr<Backup>(backup.release(), [gone = gone_](Backup* last) {
      delete last;  // IVssBackupComponents::Release: the non-persistent snapshots go with it
      gone->happened();
    });
  }

  // The call's own reference; empty once released.
  std::shared_ptr<Backup> acquire() {
    const std::lock_guard<std::mutex> lock(mutex_);
    return backup_;
  }

  void release() noexcept override {
    std::shared_ptr<Backup> last;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      last = std::move(backup_);
    }
    last.reset();
    gone_->released();
  }

  void whenReleased(std::function<void()> done) override { gone_->whenGone(std::move(done)); }

 private:
  // When both happened, release() and the last reference's drop, the waiters run.
  struct Gone {
    void released() { mark(&released_); }
    void happened() { mark(&dropped_); }
    void whenGone(std::function<void()> done) {
      std::unique_lock<std::mutex> lock(mutex);
      if (!(released_ && dropped_)) {
        waiters.push_back(std::move(done));
        return;
      }
      lock.unlock();
      done();
    }
    void mark(bool* flag) {
      std::vector<std::function<void()>> ready;
      {
        const std::lock_guard<std::mutex> lock(mutex);
        *flag = true;
        if (released_ && dropped_) ready.swap(waiters);
      }
      for (auto& done : ready) done();
    }
    std::mutex mutex;
    bool released_ = false;
    bool dropped_ = false;
    std::vector<std::function<void()>> waiters;
  };

  std::mutex mutex_;
  std::shared_ptr<Backup> backup_;
  const std::shared_ptr<Gone> gone_;
};

}  // namespace wsb::vss
