// Where add-ins come from and how a hung call is cancelled: the only part of the call path that
// differs between real COM (runtime_win32.cc) and the native mock (mock/mock_runtime.cc).
#pragma once

#include <string>
#include <vector>

#include "apartment.h"
#include "com_ptr.h"

namespace wsb {

// One application registered with Windows Server Backup. UTF-8.
struct Registration {
  std::string writerId;
  std::string identifier;
  std::string clsid;  // empty: no add-in
};

struct Failure {
  HRESULT hresult = kS_OK;
  std::string message;  // extra detail in UTF-8, may be empty
  // A failed QueryInterface: which interface (name, IID in braces). Facts only: the sentence is
  // the TypeScript side's (lib/errors.ts).
  std::string interfaceName = {};
  std::string interfaceId = {};
};

class Runtime {
 public:
  virtual ~Runtime() = default;

  // Both run on an apartment thread.
  virtual Failure listApplications(std::vector<Registration>* out) = 0;
  virtual Failure activate(const Registration& application, ComPtr<IUnknown>* out) = 0;

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
