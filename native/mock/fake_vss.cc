#include "fake_vss.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <functional>
#include <utility>

#include "../com/guid_text.h"

namespace wsb::mock {
namespace {

using namespace wsb::vss;
using Clock = std::chrono::steady_clock;

enum class Stage { kCreated, kGathered, kSetStarted, kPrepared, kSnapshotted, kCompleted, kAborted };

// VSS_WRITER_STATE values the fake reports (lib/vss/types.ts WRITER_STATES).
constexpr std::int32_t kStable = 1;
constexpr std::int32_t kWaitingForBackupComplete = 5;
constexpr std::int32_t kFailedAtPrepareBackup = 7;
constexpr std::int32_t kFailedAtFreeze = 9;

WString wide(const std::string& utf8) {
  WString out;
  toWide(utf8, &out, kMaxWriterMetadataChars);
  return out;
}

GUID guidOf(const std::string& text) {
  GUID guid{};
  parseGuid(text, &guid);
  return guid;
}

WChar* taskMemText(const WString& text) { return taskMemCopy(text); }

HRESULT STDMETHODCALLTYPE notImplemented(void*) { return kE_NOTIMPL; }

template <class Fn>
const void* slot(Fn fn) {
  return reinterpret_cast<const void*>(fn);
}

// Every fake object starts with its vtable pointer (what a slot call reads), then its count.
// `Self::kIid` is the interface it answers QueryInterface for besides IUnknown (nullptr: none).
template <class Self>
Self* self(void* object) {
  return static_cast<Self*>(object);
}

template <class Self>
HRESULT STDMETHODCALLTYPE queryInterface(void* object, REFIID iid, void** out) {
  if (out == nullptr) return kE_POINTER;
  *out = nullptr;
  if (!IsEqualGUID(iid, kIID_IUnknown) && (Self::kIid == nullptr || !IsEqualGUID(iid, *Self::kIid))) return kE_NOINTERFACE;
  ++self<Self>(object)->refs;
  *out = object;
  return kS_OK;
}

template <class Self>
ULONG STDMETHODCALLTYPE addRef(void* object) {
  return ++self<Self>(object)->refs;
}

template <class Self>
ULONG STDMETHODCALLTYPE release(void* object) {
  Self* me = self<Self>(object);
  const ULONG left = --me->refs;
  if (left == 0) delete me;
  return left;
}

// A vtable of `N` slots: IUnknown's, then E_NOTIMPL everywhere `fill` puts nothing.
template <class Self, std::size_t N>
std::array<const void*, N> vtable(const std::function<void(std::array<const void*, N>&)>& fill) {
  std::array<const void*, N> table{};
  table.fill(slot(&notImplemented));
  table[0] = slot(&queryInterface<Self>);
  table[1] = slot(&addRef<Self>);
  table[2] = slot(&release<Self>);
  fill(table);
  return table;
}

// What every fake object holds: the machine (counted alive while the object is).
struct Alive {
  explicit Alive(std::shared_ptr<FakeVss> machine) : vss(std::move(machine)) {
    const std::lock_guard<std::mutex> lock(vss->mutex());
    ++vss->liveObjects;
  }
  ~Alive() { vss->objectGone(); }
  std::shared_ptr<FakeVss> vss;
};

struct FakeBackup;

struct FakeAsync {
  static constexpr const GUID* kIid = &kIID_IVssAsync;
  static const void* const* table();
  FakeAsync(std::shared_ptr<FakeVss> machine, FakeBackup* backup, scenario::VssCallScript script, std::function<void(FakeBackup&)> done,
            std::function<void(FakeBackup&)> onFail);
  ~FakeAsync();

  // With the machine's mutex held: the status now, resolving it once it is final.
  HRESULT status();
  Clock::time_point due() const { return started + std::chrono::milliseconds(script.delayMs); }

  const void* const* vtbl = table();
  std::atomic<ULONG> refs{1};
  Alive alive;
  FakeBackup* backup;  // a reference of its own: the object outlives its async
  const scenario::VssCallScript script;
  const Clock::time_point started = Clock::now();
  std::function<void(FakeBackup&)> done;
  std::function<void(FakeBackup&)> onFail;
  bool cancelled = false;
  bool resolved = false;
  HRESULT final = kVSS_S_ASYNC_PENDING;
};

struct FakeFiledesc {
  static constexpr const GUID* kIid = nullptr;
  static const void* const* table();
  FakeFiledesc(std::shared_ptr<FakeVss> machine, WString path, WString spec)
      : alive(std::move(machine)), path(std::move(path)), spec(std::move(spec)) {}
  const void* const* vtbl = table();
  std::atomic<ULONG> refs{1};
  Alive alive;
  const WString path;
  const WString spec;
};

struct FakeComponent {
  static constexpr const GUID* kIid = nullptr;
  static const void* const* table();
  FakeComponent(std::shared_ptr<FakeVss> machine, const scenario::VssComponentScript& script) : alive(std::move(machine)), script(script) {}
  const void* const* vtbl = table();
  std::atomic<ULONG> refs{1};
  Alive alive;
  const scenario::VssComponentScript& script;  // in the machine's script, which outlives it
};

struct FakeExamine {
  static constexpr const GUID* kIid = &kIID_IVssExamineWriterMetadata;
  static const void* const* table();
  FakeExamine(std::shared_ptr<FakeVss> machine, const scenario::VssWriterScript& writer) : alive(std::move(machine)), writer(writer) {}
  const void* const* vtbl = table();
  std::atomic<ULONG> refs{1};
  Alive alive;
  const scenario::VssWriterScript& writer;
};

struct Snapshot {
  GUID id;
  WString volume;
  WString device;  // empty until DoSnapshotSet made it
};

struct FakeBackup {
  static constexpr const GUID* kIid = &kIID_IVssBackupComponents;
  static const void* const* table();
  FakeBackup(std::shared_ptr<FakeVss> machine, unsigned id) : alive(std::move(machine)), id(id) {}
  ~FakeBackup() {
    FakeVss& vss = *alive.vss;
    const std::lock_guard<std::mutex> lock(vss.mutex());
    --vss.liveSessions;
    if (vss.creating == id) vss.creating = 0;
    for (const Snapshot& s : snapshots) {
      if (s.device.empty()) continue;
      if (--vss.liveSnapshots == 0) vss.snapshotsGoneAtMs = FakeVss::nowMs();
    }
  }
  FakeVss& vss() { return *alive.vss; }

  // The writer's state now: scripted, or failed where it is scripted to fail once the backup got there.
  std::int32_t stateOf(const scenario::VssWriterScript& w, HRESULT* lastError) const {
    using FailsAt = scenario::VssWriterScript::FailsAt;
    *lastError = w.lastError;
    if (w.failsAt == FailsAt::kPrepare && prepared) return kFailedAtPrepareBackup;
    if (w.failsAt == FailsAt::kSnapshot && snapshotted) return kFailedAtFreeze;
    if (w.state != kStable) return static_cast<std::int32_t>(w.state);
    *lastError = kS_OK;
    return stage == Stage::kSnapshotted ? kWaitingForBackupComplete : kStable;
  }

  const void* const* vtbl = table();
  std::atomic<ULONG> refs{1};
  Alive alive;
  const unsigned id;
  Stage stage = Stage::kCreated;
  bool prepared = false;
  bool snapshotted = false;
  bool metadataGathered = false;
  bool statusGathered = false;
  std::vector<Snapshot> snapshots;
};

FakeAsync::FakeAsync(std::shared_ptr<FakeVss> machine, FakeBackup* backup, scenario::VssCallScript script,
                     std::function<void(FakeBackup&)> done, std::function<void(FakeBackup&)> onFail)
    : alive(std::move(machine)), backup(backup), script(script), done(std::move(done)), onFail(std::move(onFail)) {
  ++backup->refs;
}

FakeAsync::~FakeAsync() { release<FakeBackup>(backup); }

HRESULT FakeAsync::status() {
  if (resolved) return final;
  const bool cancelledNow = cancelled && !script.ignoresCancel;
  if (!cancelledNow && (script.hang || Clock::now() < due())) return kVSS_S_ASYNC_PENDING;
  resolved = true;
  if (cancelledNow || FAILED(script.hresult)) {
    final = cancelledNow ? kVSS_S_ASYNC_CANCELLED : script.hresult;
    if (onFail) onFail(*backup);
  } else {
    final = kVSS_S_ASYNC_FINISHED;
    done(*backup);
  }
  return final;
}

// --- IVssAsync ---

HRESULT STDMETHODCALLTYPE asyncCancel(IVssAsync* object) {
  FakeAsync* me = self<FakeAsync>(object);
  const std::lock_guard<std::mutex> lock(me->alive.vss->mutex());
  if (me->status() != kVSS_S_ASYNC_PENDING) return kVSS_S_ASYNC_FINISHED;
  me->cancelled = true;
  return kS_OK;
}

HRESULT STDMETHODCALLTYPE asyncWait(IVssAsync* object, DWORD ms) {
  FakeAsync* me = self<FakeAsync>(object);
  const auto until = Clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    {
      const std::lock_guard<std::mutex> lock(me->alive.vss->mutex());
      if (me->status() != kVSS_S_ASYNC_PENDING) return kS_OK;
    }
    const auto now = Clock::now();
    if (now >= until) return kS_OK;  // still pending: QueryStatus says so
    const auto next = me->script.hang ? until : std::min(until, std::max(me->due(), now + std::chrono::milliseconds(1)));
    if (!me->alive.vss->pause(static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count()), false))
      return kS_OK;
  }
}

HRESULT STDMETHODCALLTYPE asyncQueryStatus(IVssAsync* object, HRESULT* result, std::int32_t*) {
  if (result == nullptr) return kE_POINTER;
  FakeAsync* me = self<FakeAsync>(object);
  const std::lock_guard<std::mutex> lock(me->alive.vss->mutex());
  *result = me->status();
  return kS_OK;
}

const void* const* FakeAsync::table() {
  static const auto table = vtable<FakeAsync, kAsyncSlots>([](auto& t) {
    t[kSlotCancel] = slot<CancelFn>(&asyncCancel);
    t[kSlotWait] = slot<WaitFn>(&asyncWait);
    t[kSlotAsyncQueryStatus] = slot<AsyncQueryStatusFn>(&asyncQueryStatus);
  });
  return table.data();
}

// --- IVssWMFiledesc, IVssWMComponent, IVssExamineWriterMetadata ---

HRESULT writeBstr(const WString& text, Bstr* out) {
  if (out == nullptr) return kE_POINTER;
  *out = allocBstr(text.c_str());
  return *out == nullptr ? kE_OUTOFMEMORY : kS_OK;
}

HRESULT STDMETHODCALLTYPE filedescPath(IVssWMFiledesc* object, Bstr* out) { return writeBstr(self<FakeFiledesc>(object)->path, out); }
HRESULT STDMETHODCALLTYPE filedescSpec(IVssWMFiledesc* object, Bstr* out) { return writeBstr(self<FakeFiledesc>(object)->spec, out); }

const void* const* FakeFiledesc::table() {
  static const auto table = vtable<FakeFiledesc, kFiledescSlots>([](auto& t) {
    t[kSlotGetPath] = slot<GetPathFn>(&filedescPath);
    t[kSlotGetFilespec] = slot<GetFilespecFn>(&filedescSpec);
  });
  return table.data();
}

HRESULT STDMETHODCALLTYPE componentInfo(IVssWMComponent* object, const ComponentInfo** out) {
  if (out == nullptr) return kE_POINTER;
  FakeComponent* me = self<FakeComponent>(object);
  auto* info = new ComponentInfo{};
  info->type = kComponentTypeFilegroup;
  info->logicalPath = me->script.logicalPath.empty() ? nullptr : allocBstr(wide(me->script.logicalPath).c_str());
  info->componentName = allocBstr(wide(me->script.name).c_str());
  info->selectable = 1;
  info->fileCount = static_cast<Uint>(me->script.files.size());
  {
    const std::lock_guard<std::mutex> lock(me->alive.vss->mutex());
    ++me->alive.vss->liveObjects;
  }
  *out = info;
  return kS_OK;
}

HRESULT STDMETHODCALLTYPE freeComponentInfo(IVssWMComponent* object, const ComponentInfo* info) {
  if (info == nullptr) return kS_OK;
  freeBstr(info->logicalPath);
  freeBstr(info->componentName);
  delete info;
  self<FakeComponent>(object)->alive.vss->objectGone();
  return kS_OK;
}

// A file descriptor for the i-th file: its folder (with the separator) and its name as the spec.
HRESULT STDMETHODCALLTYPE componentFile(IVssWMComponent* object, Uint i, IVssWMFiledesc** out) {
  if (out == nullptr) return kE_POINTER;
  *out = nullptr;
  FakeComponent* me = self<FakeComponent>(object);
  if (i >= me->script.files.size()) return kE_INVALIDARG;
  const WString file = wide(me->script.files[i]);
  const std::size_t cut = file.find_last_of(u'\\');
  const std::size_t split = cut == WString::npos ? 0 : cut + 1;
  *out = reinterpret_cast<IVssWMFiledesc*>(new FakeFiledesc(me->alive.vss, file.substr(0, split), file.substr(split)));
  return kS_OK;
}

const void* const* FakeComponent::table() {
  static const auto table = vtable<FakeComponent, kComponentSlots>([](auto& t) {
    t[kSlotGetComponentInfo] = slot<GetComponentInfoFn>(&componentInfo);
    t[kSlotFreeComponentInfo] = slot<FreeComponentInfoFn>(&freeComponentInfo);
    t[kSlotGetFile] = slot<GetFileFn>(&componentFile);
  });
  return table.data();
}

HRESULT STDMETHODCALLTYPE examineIdentity(IVssExamineWriterMetadata* object, VssId* instance, VssId* writer, Bstr* name,
                                          std::int32_t* usage, std::int32_t* source) {
  if (instance == nullptr || writer == nullptr || name == nullptr || usage == nullptr || source == nullptr) return kE_POINTER;
  const scenario::VssWriterScript& w = self<FakeExamine>(object)->writer;
  *instance = guidOf(w.instanceId);
  *writer = guidOf(w.writerId);
  *usage = 2;   // VSS_UT_USERDATA
  *source = 2;  // VSS_ST_TRANSACTEDDB
  return writeBstr(wide(w.name), name);
}

HRESULT STDMETHODCALLTYPE examineCounts(IVssExamineWriterMetadata* object, Uint* includes, Uint* excludes, Uint* components) {
  if (includes == nullptr || excludes == nullptr || components == nullptr) return kE_POINTER;
  *includes = 0;
  *excludes = 0;
  *components = static_cast<Uint>(self<FakeExamine>(object)->writer.components.size());
  return kS_OK;
}

HRESULT STDMETHODCALLTYPE examineComponent(IVssExamineWriterMetadata* object, Uint i, IVssWMComponent** out) {
  if (out == nullptr) return kE_POINTER;
  *out = nullptr;
  FakeExamine* me = self<FakeExamine>(object);
  if (i >= me->writer.components.size()) return kE_INVALIDARG;
  *out = reinterpret_cast<IVssWMComponent*>(new FakeComponent(me->alive.vss, me->writer.components[i]));
  return kS_OK;
}

HRESULT STDMETHODCALLTYPE examineXml(IVssExamineWriterMetadata* object, Bstr* out) {
  return writeBstr(wide(self<FakeExamine>(object)->writer.metadataXml), out);
}

const void* const* FakeExamine::table() {
  static const auto table = vtable<FakeExamine, kExamineSlots>([](auto& t) {
    t[kSlotGetIdentity] = slot<GetIdentityFn>(&examineIdentity);
    t[kSlotGetFileCounts] = slot<GetFileCountsFn>(&examineCounts);
    t[kSlotGetComponent] = slot<GetComponentFn>(&examineComponent);
    t[kSlotSaveAsXML] = slot<SaveAsXMLFn>(&examineXml);
  });
  return table.data();
}

// --- IVssBackupComponents ---

using Stages = std::initializer_list<Stage>;

bool allowed(const FakeBackup& b, Stages stages) { return std::find(stages.begin(), stages.end(), b.stage) != stages.end(); }

// One synchronous step: recorded, refused out of order, scripted (delay, hang, failure), then `done`.
template <class Done>
HRESULT step(IVssBackupComponents* object, const char* call, Stages stages, Done done) {
  FakeBackup* me = self<FakeBackup>(object);
  FakeVss& vss = me->vss();
  scenario::VssCallScript script;
  {
    const std::lock_guard<std::mutex> lock(vss.mutex());
    vss.record(me->id, call);
    if (stages.size() > 0 && !allowed(*me, stages)) return kVSS_E_BAD_STATE;
    script = vss.answer(call);
  }
  if (!vss.pause(script.delayMs, script.hang)) return kRPC_E_CALL_CANCELED;
  const std::lock_guard<std::mutex> lock(vss.mutex());
  if (FAILED(script.hresult)) return script.hresult;
  return done(*me);
}

// One asynchronous step: recorded and refused out of order at once; its script plays in the async.
HRESULT asyncStep(IVssBackupComponents* object, const char* call, Stages stages, IVssAsync** out, std::function<void(FakeBackup&)> done,
                  std::function<void(FakeBackup&)> onFail = nullptr) {
  if (out == nullptr) return kE_POINTER;
  *out = nullptr;
  FakeBackup* me = self<FakeBackup>(object);
  FakeVss& vss = me->vss();
  scenario::VssCallScript script;
  {
    const std::lock_guard<std::mutex> lock(vss.mutex());
    vss.record(me->id, call);
    if (!allowed(*me, stages)) return kVSS_E_BAD_STATE;
    script = vss.answer(call);
  }
  *out = reinterpret_cast<IVssAsync*>(new FakeAsync(me->alive.vss, me, script, std::move(done), std::move(onFail)));
  return kS_OK;
}

HRESULT STDMETHODCALLTYPE initializeForBackup(IVssBackupComponents*, Bstr) { return kS_OK; }
HRESULT STDMETHODCALLTYPE setBackupState(IVssBackupComponents*, Boolean, Boolean, std::int32_t, Boolean) { return kS_OK; }
HRESULT STDMETHODCALLTYPE setContext(IVssBackupComponents*, Long) { return kS_OK; }
HRESULT STDMETHODCALLTYPE setBackupSucceeded(IVssBackupComponents*, VssId, VssId, std::int32_t, const WChar*, const WChar*, Boolean) {
  return kS_OK;
}

HRESULT STDMETHODCALLTYPE gatherWriterMetadata(IVssBackupComponents* object, IVssAsync** out) {
  return asyncStep(object, "GatherWriterMetadata", {Stage::kCreated, Stage::kGathered}, out, [](FakeBackup& b) {
    b.stage = Stage::kGathered;
    b.metadataGathered = true;
  });
}

HRESULT STDMETHODCALLTYPE writerMetadataCount(IVssBackupComponents* object, Uint* count) {
  if (count == nullptr) return kE_POINTER;
  FakeBackup* me = self<FakeBackup>(object);
  const std::lock_guard<std::mutex> lock(me->vss().mutex());
  if (!me->metadataGathered) return kVSS_E_BAD_STATE;
  *count = static_cast<Uint>(me->vss().script().writers.size());
  return kS_OK;
}

HRESULT STDMETHODCALLTYPE writerMetadata(IVssBackupComponents* object, Uint i, VssId* instance, IVssExamineWriterMetadata** out) {
  if (instance == nullptr || out == nullptr) return kE_POINTER;
  *out = nullptr;
  FakeBackup* me = self<FakeBackup>(object);
  const auto& writers = me->vss().script().writers;
  {
    const std::lock_guard<std::mutex> lock(me->vss().mutex());
    if (!me->metadataGathered) return kVSS_E_BAD_STATE;
  }
  if (i >= writers.size()) return kE_INVALIDARG;
  *instance = guidOf(writers[i].instanceId);
  *out = reinterpret_cast<IVssExamineWriterMetadata*>(new FakeExamine(me->alive.vss, writers[i]));
  return kS_OK;
}

HRESULT STDMETHODCALLTYPE freeWriterMetadata(IVssBackupComponents* object) {
  FakeBackup* me = self<FakeBackup>(object);
  const std::lock_guard<std::mutex> lock(me->vss().mutex());
  me->metadataGathered = false;
  return kS_OK;
}

HRESULT STDMETHODCALLTYPE gatherWriterStatus(IVssBackupComponents* object, IVssAsync** out) {
  return asyncStep(object, "GatherWriterStatus",
                   {Stage::kGathered, Stage::kSetStarted, Stage::kPrepared, Stage::kSnapshotted, Stage::kCompleted}, out,
                   [](FakeBackup& b) { b.statusGathered = true; });
}

HRESULT STDMETHODCALLTYPE writerStatusCount(IVssBackupComponents* object, Uint* count) {
  if (count == nullptr) return kE_POINTER;
  FakeBackup* me = self<FakeBackup>(object);
  const std::lock_guard<std::mutex> lock(me->vss().mutex());
  if (!me->statusGathered) return kVSS_E_BAD_STATE;
  *count = static_cast<Uint>(me->vss().script().writers.size());
  return kS_OK;
}

HRESULT STDMETHODCALLTYPE writerStatus(IVssBackupComponents* object, Uint i, VssId* instance, VssId* writer, Bstr* name,
                                       std::int32_t* state, HRESULT* failure) {
  if (instance == nullptr || writer == nullptr || name == nullptr || state == nullptr || failure == nullptr) return kE_POINTER;
  FakeBackup* me = self<FakeBackup>(object);
  const auto& writers = me->vss().script().writers;
  const std::lock_guard<std::mutex> lock(me->vss().mutex());
  if (!me->statusGathered) return kVSS_E_BAD_STATE;
  if (i >= writers.size()) return kE_INVALIDARG;
  *instance = guidOf(writers[i].instanceId);
  *writer = guidOf(writers[i].writerId);
  *state = me->stateOf(writers[i], failure);
  return writeBstr(wide(writers[i].name), name);
}

HRESULT STDMETHODCALLTYPE freeWriterStatus(IVssBackupComponents* object) {
  FakeBackup* me = self<FakeBackup>(object);
  const std::lock_guard<std::mutex> lock(me->vss().mutex());
  me->statusGathered = false;
  return kS_OK;
}

HRESULT STDMETHODCALLTYPE addComponent(IVssBackupComponents* object, VssId, VssId, std::int32_t, const WChar*, const WChar* name) {
  if (name == nullptr) return kE_INVALIDARG;
  return step(object, "AddComponent", {Stage::kGathered}, [](FakeBackup&) { return kS_OK; });
}

HRESULT STDMETHODCALLTYPE startSnapshotSet(IVssBackupComponents* object, VssId* setId) {
  if (setId == nullptr) return kE_POINTER;
  return step(object, "StartSnapshotSet", {Stage::kGathered}, [setId](FakeBackup& b) {
    FakeVss& vss = b.vss();
    if (vss.creating != 0 && vss.creating != b.id) return kVSS_E_SNAPSHOT_SET_IN_PROGRESS;
    vss.creating = b.id;
    b.stage = Stage::kSetStarted;
    *setId = vss.newGuid();
    return kS_OK;
  });
}

HRESULT STDMETHODCALLTYPE addToSnapshotSet(IVssBackupComponents* object, WChar* volume, VssId, VssId* snapshotId) {
  if (volume == nullptr || snapshotId == nullptr) return kE_POINTER;
  return step(object, "AddToSnapshotSet", {Stage::kSetStarted}, [volume, snapshotId](FakeBackup& b) {
    *snapshotId = b.vss().newGuid();
    b.snapshots.push_back(Snapshot{*snapshotId, WString(volume), WString()});
    return kS_OK;
  });
}

HRESULT STDMETHODCALLTYPE prepareForBackup(IVssBackupComponents* object, IVssAsync** out) {
  return asyncStep(object, "PrepareForBackup", {Stage::kSetStarted}, out, [](FakeBackup& b) {
    b.stage = Stage::kPrepared;
    b.prepared = true;
  });
}

HRESULT STDMETHODCALLTYPE doSnapshotSet(IVssBackupComponents* object, IVssAsync** out) {
  return asyncStep(
      object, "DoSnapshotSet", {Stage::kPrepared}, out,
      [](FakeBackup& b) {
        FakeVss& vss = b.vss();
        b.stage = Stage::kSnapshotted;
        b.snapshotted = true;
        vss.creating = 0;
        for (Snapshot& s : b.snapshots) {
          s.device = wide("\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy" + std::to_string(vss.nextDevice++) + "\\");
          ++vss.liveSnapshots;
        }
        if (!b.snapshots.empty()) vss.snapshotsMadeAtMs = FakeVss::nowMs();
      },
      [](FakeBackup& b) {
        if (b.vss().creating == b.id) b.vss().creating = 0;
      });
}

HRESULT STDMETHODCALLTYPE snapshotProperties(IVssBackupComponents* object, VssId id, SnapshotProp* out) {
  if (out == nullptr) return kE_POINTER;
  return step(object, "GetSnapshotProperties", {Stage::kSnapshotted}, [id, out](FakeBackup& b) {
    for (const Snapshot& s : b.snapshots) {
      if (!IsEqualGUID(s.id, id) || s.device.empty()) continue;
      *out = SnapshotProp{};
      out->snapshotId = s.id;
      out->snapshotsCount = static_cast<Long>(b.snapshots.size());
      out->snapshotDeviceObject = taskMemText(s.device);
      out->originalVolumeName = taskMemText(s.volume);
      out->status = 12;  // VSS_SS_CREATED
      return out->snapshotDeviceObject == nullptr ? kE_OUTOFMEMORY : kS_OK;
    }
    return kVSS_E_OBJECT_NOT_FOUND;
  });
}

HRESULT STDMETHODCALLTYPE backupComplete(IVssBackupComponents* object, IVssAsync** out) {
  return asyncStep(object, "BackupComplete", {Stage::kSnapshotted}, out, [](FakeBackup& b) { b.stage = Stage::kCompleted; });
}

HRESULT STDMETHODCALLTYPE abortBackup(IVssBackupComponents* object) {
  return step(object, "AbortBackup", {Stage::kSetStarted, Stage::kPrepared, Stage::kSnapshotted}, [](FakeBackup& b) {
    b.stage = Stage::kAborted;
    if (b.vss().creating == b.id) b.vss().creating = 0;
    return kS_OK;
  });
}

const void* const* FakeBackup::table() {
  static const auto table = vtable<FakeBackup, kBackupComponentsSlots>([](auto& t) {
    t[kSlotInitializeForBackup] = slot<InitializeForBackupFn>(&initializeForBackup);
    t[kSlotSetBackupState] = slot<SetBackupStateFn>(&setBackupState);
    t[kSlotGatherWriterMetadata] = slot<GatherWriterMetadataFn>(&gatherWriterMetadata);
    t[kSlotGetWriterMetadataCount] = slot<GetWriterMetadataCountFn>(&writerMetadataCount);
    t[kSlotGetWriterMetadata] = slot<GetWriterMetadataFn>(&writerMetadata);
    t[kSlotFreeWriterMetadata] = slot<FreeWriterMetadataFn>(&freeWriterMetadata);
    t[kSlotAddComponent] = slot<AddComponentFn>(&addComponent);
    t[kSlotPrepareForBackup] = slot<PrepareForBackupFn>(&prepareForBackup);
    t[kSlotAbortBackup] = slot<AbortBackupFn>(&abortBackup);
    t[kSlotGatherWriterStatus] = slot<GatherWriterStatusFn>(&gatherWriterStatus);
    t[kSlotGetWriterStatusCount] = slot<GetWriterStatusCountFn>(&writerStatusCount);
    t[kSlotFreeWriterStatus] = slot<FreeWriterStatusFn>(&freeWriterStatus);
    t[kSlotGetWriterStatus] = slot<GetWriterStatusFn>(&writerStatus);
    t[kSlotSetBackupSucceeded] = slot<SetBackupSucceededFn>(&setBackupSucceeded);
    t[kSlotBackupComplete] = slot<BackupCompleteFn>(&backupComplete);
    t[kSlotSetContext] = slot<SetContextFn>(&setContext);
    t[kSlotStartSnapshotSet] = slot<StartSnapshotSetFn>(&startSnapshotSet);
    t[kSlotAddToSnapshotSet] = slot<AddToSnapshotSetFn>(&addToSnapshotSet);
    t[kSlotDoSnapshotSet] = slot<DoSnapshotSetFn>(&doSnapshotSet);
    t[kSlotGetSnapshotProperties] = slot<GetSnapshotPropertiesFn>(&snapshotProperties);
  });
  return table.data();
}

bool startsWithIgnoringCase(const WString& text, const WString& prefix) {
  if (prefix.size() > text.size()) return false;
  const auto lower = [](WChar c) { return c < 128 ? static_cast<WChar>(std::tolower(static_cast<int>(c))) : c; };
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (lower(text[i]) != lower(prefix[i])) return false;
  return true;
}

}  // namespace

FakeVss::FakeVss(scenario::VssScript script) : script_(std::move(script)), random_(std::random_device{}()) {}

HRESULT FakeVss::create(IVssBackupComponents** out) {
  if (out == nullptr) return kE_POINTER;
  *out = nullptr;
  unsigned id = 0;
  scenario::VssCallScript scripted;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    id = nextSession++;
    record(id, "CreateVssBackupComponents");
    scripted = answer("CreateVssBackupComponents");
  }
  if (!pause(scripted.delayMs, scripted.hang)) return kRPC_E_CALL_CANCELED;
  if (FAILED(scripted.hresult)) return scripted.hresult;
  auto* backup = new FakeBackup(shared_from_this(), id);
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    ++liveSessions;
  }
  *out = reinterpret_cast<IVssBackupComponents*>(backup);
  return kS_OK;
}

HRESULT FakeVss::volumeOf(const WString& path, WString* volume) {
  scenario::VssCallScript scripted;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    record(0, "GetVolumeName");
    scripted = answer("GetVolumeName");
  }
  if (!pause(scripted.delayMs, scripted.hang)) return kRPC_E_CALL_CANCELED;
  if (FAILED(scripted.hresult)) return scripted.hresult;
  const std::pair<std::string, std::string>* best = nullptr;
  for (const auto& mount : script_.volumes)
    if (startsWithIgnoringCase(path, wide(mount.first)) && (best == nullptr || mount.first.size() > best->first.size())) best = &mount;
  if (best == nullptr) return kERROR_PATH_NOT_FOUND;
  *volume = wide(best->second);
  return kS_OK;
}

void STDMETHODCALLTYPE FakeVss::freeSnapshotProperties(SnapshotProp* properties) {
  if (properties == nullptr) return;
  for (WChar* text : {properties->snapshotDeviceObject, properties->originalVolumeName, properties->originatingMachine,
                      properties->serviceMachine, properties->exposedName, properties->exposedPath})
    CoTaskMemFree(text);
  *properties = SnapshotProp{};
}

FakeVssState FakeVss::state() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return FakeVssState{liveSessions, liveSnapshots, liveObjects, snapshotsMadeAtMs, snapshotsGoneAtMs, calls_};
}

void FakeVss::whenIdle(std::function<void()> idle) {
  const std::lock_guard<std::mutex> lock(mutex_);
  idle_ = std::move(idle);
}

void FakeVss::objectGone() {
  std::function<void()> idle;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (--liveObjects == 0) idle = idle_;
  }
  if (idle) idle();
}

std::int64_t FakeVss::nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void FakeVss::tearDown() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    tornDown_ = true;
  }
  wake_.notify_all();
}

scenario::VssCallScript FakeVss::answer(const std::string& call) {
  const auto found = script_.calls.find(call);
  scenario::VssCallScript script = found == script_.calls.end() ? scenario::VssCallScript{} : found->second;
  const std::int64_t n = ++made_[call];
  if (script.times == -1 || n <= script.times) return script;
  script.hresult = kS_OK;
  script.hang = false;
  script.ignoresCancel = false;
  return script;
}

void FakeVss::record(unsigned session, const std::string& call) { calls_.push_back(FakeVssCall{session, call}); }

bool FakeVss::pause(std::uint32_t ms, bool forever) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (forever) {
    wake_.wait(lock, [&] { return tornDown_; });
    return false;
  }
  return !wake_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return tornDown_; });
}

GUID FakeVss::newGuid() {
  GUID guid{};
  const std::uint64_t high = random_();
  const std::uint64_t low = random_();
  guid.Data1 = static_cast<std::uint32_t>(high >> 32);
  guid.Data2 = static_cast<std::uint16_t>(high >> 16);
  guid.Data3 = static_cast<std::uint16_t>((high & 0x0FFF) | 0x4000);  // version 4
  for (int i = 0; i < 8; ++i) guid.Data4[i] = static_cast<std::uint8_t>(low >> (8 * i));
  guid.Data4[0] = static_cast<std::uint8_t>((guid.Data4[0] & 0x3F) | 0x80);  // the RFC 4122 variant
  return guid;
}

}  // namespace wsb::mock
