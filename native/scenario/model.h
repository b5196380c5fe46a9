// The normalised mock scenario (NormalizedScenario in lib/backends/scenario.ts): every HRESULT a
// number, every default filled in. One model for both C++ engines that play scenarios: the
// addon's native mock add-in (native/mock/) and the sample out-of-process add-in
// (examples/sample-addin/). Standard C++ only, no COM headers, so the sample can include it next
// to its MIDL/widl-generated interface header.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace wsb::scenario {

using Hresult = std::int32_t;  // the bits of an HRESULT, without <windows.h>

// The few codes a scenario's defaults and behaviours need.
constexpr Hresult kOk = 0;                                          // S_OK
constexpr Hresult kAborted = static_cast<Hresult>(0x80004004);      // E_ABORT
constexpr Hresult kNullPointer = static_cast<Hresult>(0x80004003);  // E_POINTER
constexpr Hresult kInProgress = static_cast<Hresult>(0x407A0004);   // WSBAPP_ASYNC_IN_PROGRESS
// The longest delay a scenario may script: Node's longest timer (MAX_DURATION_MS in
// lib/validate.ts), so the TypeScript mock can play every scenario the C++ engines accept.
constexpr double kMaxDelayMs = 2147483647.0;

// A call that answers `hresult`, or never answers (until cancelled, released or torn down).
struct Answer {
  bool hang = false;
  Hresult hresult = kOk;
};

struct StatusStep {
  enum class Kind { kStatus, kCallFails, kUnwritten, kHang, kCrash };
  Kind kind = Kind::kStatus;
  Hresult hresult = kOk;
  std::uint32_t delayMs = 0;
  // kCrash: 0, the process dies in the call; N, the call answers kInProgress and the process
  // dies N ms after it returned.
  std::uint32_t afterMs = 0;
};

struct AbortScript {
  Hresult returns = kOk;
  std::uint32_t delayMs = 0;
  bool hang = false;
  Hresult statusAfter = kAborted;
};

struct ComponentScript {
  // kHang: CheckConsistency never answers until it is cancelled.
  enum class Check { kAsync, kNoAsync, kHang, kFail };
  Check check = Check::kAsync;
  Hresult checkHresult = kOk;
  bool checkOperation = false;  // kFail that still writes an async object (a broken add-in)
  std::vector<StatusStep> statuses{StatusStep{}};
  AbortScript abort;
  Answer preRestore;
  Answer postRestore;
};

struct ComponentRef {
  std::string name;
  std::string logicalPath;
};

struct RollForwardScript {
  enum class Kind { kAnswer, kFail, kHang };
  Kind kind = Kind::kAnswer;
  Hresult hresult = kOk;
  bool supported = false;
};

struct OrderScript {
  // kAny: NULL arrays. kOrder: `order` first, the rest as given. kReturns: exactly `returns`.
  enum class Kind { kAny, kOrder, kReturns, kFail, kHang };
  Kind kind = Kind::kAny;
  Hresult hresult = kOk;
  std::vector<std::string> order;
  std::vector<ComponentRef> returns;
};

struct ApplicationScript {
  std::string writerId;
  std::string identifier;
  std::optional<std::string> clsid;  // nullopt: an application without an add-in
  Answer activation;
  bool restoreSupport = true;
  // The sample add-in's server process (ServerLifetime in lib/backends/scenario.ts); the native
  // mock has no process and ignores it.
  enum class Lifetime { kPooled, kSingleUse };
  Lifetime lifetime = Lifetime::kPooled;
  RollForwardScript rollForward;
  OrderScript orderComponents;
  std::map<std::string, ComponentScript> components;

  // The script of a component: its own entry, else "*", else the default (S_OK at once).
  // A NULL component name is looked up as "", as the TypeScript mock does.
  const ComponentScript& component(const std::string& name) const;
};

// The machine's VSS as a scenario scripts it (lib/vss/scenario.ts), for checks on a snapshot.
// What one VSS step does: fail with `hresult` the first `times` calls (-1: every call), after
// `delayMs`, or hang (and with `ignoresCancel`, past IVssAsync::Cancel too).
struct VssCallScript {
  Hresult hresult = kOk;
  std::int64_t times = -1;
  std::uint32_t delayMs = 0;
  bool hang = false;
  bool ignoresCancel = false;
};

struct VssComponentScript {
  std::string name;
  std::string logicalPath;
  std::vector<std::string> files;
};

struct VssWriterScript {
  std::string writerId;
  std::string instanceId;
  std::string name;
  std::uint32_t state = 1;  // VSS_WRITER_STATE: VSS_WS_STABLE
  Hresult lastError = kOk;
  enum class FailsAt { kNever, kPrepare, kSnapshot };
  FailsAt failsAt = FailsAt::kNever;
  std::vector<VssComponentScript> components;
  std::string metadataXml;
};

struct VssScript {
  std::vector<VssWriterScript> writers;
  std::vector<std::pair<std::string, std::string>> volumes;  // mount point, volume name
  std::map<std::string, VssCallScript> calls;                // by step (kVssCalls)
};

// The VSS steps a scenario scripts, in lib/vss/types.ts's order (VSS_CALLS; a test compares them).
inline constexpr const char* kVssCalls[] = {"CreateVssBackupComponents",
                                            "GatherWriterMetadata",
                                            "GatherWriterStatus",
                                            "GetVolumeName",
                                            "AddComponent",
                                            "StartSnapshotSet",
                                            "AddToSnapshotSet",
                                            "PrepareForBackup",
                                            "DoSnapshotSet",
                                            "GetSnapshotProperties",
                                            "BackupComplete",
                                            "AbortBackup"};
// VSS_WS_FAILED_AT_BACKUPSHUTDOWN, the last VSS_WRITER_STATE.
constexpr std::uint32_t kLastWriterState = 15;

struct Scenario {
  std::vector<ApplicationScript> applications;
  std::optional<VssScript> vss;  // absent: the scenario scripts no VSS

  // The application of `writerId` or, for an add-in named by CLSID alone, the one with that
  // `clsid`; nullptr when neither matches.
  const ApplicationScript* find(const std::string& writerId, const std::string& clsid) const;
};

// A scenario that does not read: the message names the JSON path and the problem.
struct InvalidScenario : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace wsb::scenario
