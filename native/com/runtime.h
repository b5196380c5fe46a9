// Where add-ins come from and how a hung call is cancelled: the only part of the call path that
// differs between real COM (runtime_win32.cc) and the native mock (mock/mock_runtime.cc).
#pragma once

#include <string>
#include <vector>

#include "apartment.h"
#include "com_ptr.h"
#include "failure.h"
#include "vss_abi.h"
#include "wide_string.h"

namespace wsb {

// One application registered with Windows Server Backup. UTF-8.
struct Registration {
  std::string writerId;
  std::string identifier;
  std::string clsid;  // empty: no add-in
};

class Runtime {
 public:
  virtual ~Runtime() = default;

  // Both run on an apartment thread.
  virtual Failure listApplications(std::vector<Registration>* out) = 0;
  virtual Failure activate(const Registration& application, ComPtr<IUnknown>* out) = 0;

  // A new VSS backup components object (CreateVssBackupComponentsInternal) and the function that
  // frees its snapshot properties; on an apartment thread. Real COM: vssapi.dll, loaded on first
  // use; the mock: its fake VSS.
  virtual Failure vssCreate(vss::Ref<vss::IVssBackupComponents>* out, vss::FreeSnapshotPropertiesFn* freeProperties) = 0;
  // The volume (\\?\Volume{GUID}\) a path lives on: GetVolumePathName, then
  // GetVolumeNameForVolumeMountPoint.
  virtual Failure vssVolumeOf(const WString& path, WString* volume) = 0;

  // Asks the call that `thread` is making, or is about to make, to return (RPC_E_CALL_CANCELED).
  // Best effort: where the platform cannot cancel, the call is abandoned and its thread stays
  // busy until it returns. Returns false when this platform cannot cancel at all (Wine: no
  // CoCancelCall), so there is no point in asking again. A cancellation may be lost (CoCancelCall
  // finds no call in progress yet): Held::release asks again while the call is still in flight.
  virtual bool cancel(const CallThread& thread) noexcept = 0;
  // The call on `thread` is over: a cancellation that arrived too late must not hit its next call.
  virtual void callFinished(const CallThread& thread) noexcept = 0;

  // Environment teardown: unblock whatever can be unblocked before the threads are stopped.
  virtual void shutdown() noexcept = 0;
};

}  // namespace wsb
