// The defensive call layer: one function per WSB method, plain C++ in and out, run on an
// apartment thread. Everything the API lets an add-in get wrong is checked here, once, for
// both real COM and the native mock.
#pragma once

#include <optional>
#include <vector>

#include "com_ptr.h"
#include "wide_string.h"

namespace wsb {

// Seeded into *phrResult before QueryStatus: a success code no add-in returns (severity 0, the
// customer bit 29 set, facility 0x25E, code 0x7A5E), so finding it afterwards means "returned
// S_OK without writing the status". In process only: across processes the stub zero-fills it.
constexpr HRESULT kStatusSentinel = hr(0x3A5E7A5E);

using OptionalText = std::optional<WString>;

struct CheckRequest {
  OptionalText writerMetadata;
  OptionalText component;
  OptionalText logicalPath;
  std::vector<WString> sourceVolumes;
  std::vector<WString> snapshotVolumes;  // same length as sourceVolumes
};

struct RestoreRequest {
  OptionalText writerMetadata;
  OptionalText component;
  OptionalText logicalPath;
  bool noRollForward = false;
};

struct StatusResult {
  HRESULT call = kS_OK;
  std::optional<HRESULT> status;  // nullopt: the call succeeded but left the sentinel
};

struct OrderResult {
  HRESULT call = kS_OK;
  // Why a successful call's output was unusable (empty when it was fine).
  const char* protocolError = "";
  std::optional<std::vector<WString>> names;  // nullopt: "any order"
  std::vector<WString> logicalPaths;
};

struct RollForwardResult {
  HRESULT call = kS_OK;
  bool supported = false;
};

// What QueryInterface answered for an add-in object, and whether COM's rules held (vet's
// identity rules). Every reference a probe obtained is released before it returns.
struct IdentityProbe {
  HRESULT unknown = kS_OK;         // QueryInterface(IUnknown) from the backup interface
  HRESULT backup = kS_OK;          // QueryInterface(IWsbApplicationBackupSupport) from that IUnknown
  HRESULT restore = kS_OK;         // QueryInterface(IWsbApplicationRestoreSupport) from the backup interface
  bool reflexive = false;          // the backup interface answers for itself
  bool symmetric = false;          // the backup interface is reachable from the restore one (true without it)
  bool sameUnknown = false;        // one IUnknown from every interface
  HRESULT unknownIid = kS_OK;      // QueryInterface of kIID_VetUnknown
  bool unknownIidPointer = false;  // ... wrote a non-NULL pointer
};

// An IID no add-in implements (generated for this purpose), for the E_NOINTERFACE probe.
inline constexpr GUID kIID_VetUnknown = {0x6F1C52D4, 0x93B0, 0x4E8A, {0xA1, 0x7D, 0x2C, 0x5E, 0x90, 0x3B, 0x48, 0xF6}};

IdentityProbe probeIdentity(IWsbApplicationBackupSupport* addin);

// S_OK with *async empty means "no check required". On failure *async is always empty: a
// pointer written by a failing call is released here, and *strayObject (when given) says so.
HRESULT checkConsistency(IWsbApplicationBackupSupport* addin, CheckRequest& request, ComPtr<IWsbApplicationAsync>* async,
                         bool* strayObject = nullptr);
StatusResult queryStatus(IWsbApplicationAsync* operation);
HRESULT abortOperation(IWsbApplicationAsync* operation);
HRESULT preRestore(IWsbApplicationRestoreSupport* addin, RestoreRequest& request);
HRESULT postRestore(IWsbApplicationRestoreSupport* addin, RestoreRequest& request);
OrderResult orderComponents(IWsbApplicationRestoreSupport* addin, std::vector<WString>& names, std::vector<WString>& logicalPaths);
RollForwardResult isRollForwardSupported(IWsbApplicationRestoreSupport* addin);

}  // namespace wsb
