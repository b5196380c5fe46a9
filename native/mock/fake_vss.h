// The fake VSS requester side: IVssBackupComponents and the objects it hands out (IVssAsync,
// IVssExamineWriterMetadata, IVssWMComponent, IVssWMFiledesc), built on the slot table of
// com/vss_abi.h and scripted by a scenario's `vss` section. The C++ twin of lib/vss/mock.ts: the
// same call order (VSS_E_BAD_STATE out of order), one snapshot set in creation per machine
// (VSS_E_SNAPSHOT_SET_IN_PROGRESS across sessions), the same writer states, and counts of what is
// alive so tests can see that nothing is left. Served by the native mock's runtime.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "../com/vss_abi.h"
#include "../com/wide_string.h"
#include "../scenario/model.h"

namespace wsb::mock {

struct FakeVssCall {
  unsigned session;  // 0: no session (GetVolumeName)
  std::string call;  // a kVssCalls name
};

struct FakeVssState {
  std::size_t liveSessions = 0;
  std::size_t liveSnapshots = 0;
  // Every fake object and component info not yet released or freed, sessions included.
  std::size_t liveObjects = 0;
  // When (Unix ms) DoSnapshotSet last made snapshots, and when the last of them went; 0: never.
  std::int64_t snapshotsMadeAtMs = 0;
  std::int64_t snapshotsGoneAtMs = 0;
  std::vector<FakeVssCall> calls;
};

class FakeVss : public std::enable_shared_from_this<FakeVss> {
 public:
  explicit FakeVss(scenario::VssScript script);
  FakeVss(const FakeVss&) = delete;
  FakeVss& operator=(const FakeVss&) = delete;

  // CreateVssBackupComponentsInternal, as scripted.
  HRESULT create(vss::IVssBackupComponents** out);
  // GetVolumeName: the longest scripted mount point the path starts with (case-insensitive).
  HRESULT volumeOf(const WString& path, WString* volume);
  // VssFreeSnapshotPropertiesInternal: its strings are CoTaskMem.
  static void STDMETHODCALLTYPE freeSnapshotProperties(vss::SnapshotProp* properties);

  FakeVssState state() const;
  // Runs `idle` (on the releasing thread, no lock held) each time the last fake object goes.
  void whenIdle(std::function<void()> idle);
  // Ends every scripted delay and hang, now and later (the environment's teardown).
  void tearDown();

  // --- for the fake objects (fake_vss.cc) ---
  const scenario::VssScript& script() const { return script_; }
  std::mutex& mutex() const { return mutex_; }
  // With mutex() held: the call's script for its n-th use (its failure while `times` lasts).
  scenario::VssCallScript answer(const std::string& call);
  void record(unsigned session, const std::string& call);  // with mutex() held
  // Waits `ms`, or until tearDown() when `forever`; false when torn down.
  bool pause(std::uint32_t ms, bool forever);
  GUID newGuid();  // with mutex() held
  unsigned nextSession = 1;
  unsigned nextDevice = 1;
  unsigned creating = 0;  // the session whose set is in creation; 0: none
  std::size_t liveSessions = 0;
  std::size_t liveSnapshots = 0;
  std::size_t liveObjects = 0;
  std::int64_t snapshotsMadeAtMs = 0;
  std::int64_t snapshotsGoneAtMs = 0;
  static std::int64_t nowMs();  // Unix ms
  void objectGone();            // an object's end: liveObjects down, whenIdle at zero

 private:
  const scenario::VssScript script_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool tornDown_ = false;
  std::map<std::string, std::int64_t> made_;
  std::vector<FakeVssCall> calls_;
  std::mt19937_64 random_;
  std::function<void()> idle_;
};

}  // namespace wsb::mock
