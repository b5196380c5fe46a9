#include "wsb_calls.h"

namespace wsb {
namespace {

// The API takes non-const LPWSTR; the buffers are ours and outlive the call.
LPWSTR pointerTo(OptionalText& text) { return text ? text->data() : nullptr; }

std::vector<LPWSTR> pointersTo(std::vector<WString>& texts) {
  std::vector<LPWSTR> pointers;
  pointers.reserve(texts.size());
  for (WString& text : texts) pointers.push_back(text.data());
  return pointers;
}

// Copies `count` strings an add-in returned; false if any is NULL or breaks the string rules.
bool copyOut(const TaskMemStringArray& array, std::vector<WString>* out) {
  for (std::size_t i = 0; i < array.size(); ++i) {
    const WChar* text = array.get()[i];
    if (text == nullptr) return false;
    WString copy(text, boundedLength(text));
    if (validate(copy) != TextError::kNone) return false;
    out->push_back(std::move(copy));
  }
  return true;
}

}  // namespace

HRESULT checkConsistency(IWsbApplicationBackupSupport* addin, CheckRequest& request, ComPtr<IWsbApplicationAsync>* async,
                         bool* strayObject) {
  auto sources = pointersTo(request.sourceVolumes);
  auto snapshots = pointersTo(request.snapshotVolumes);
  const auto volumes = static_cast<DWORD>(sources.size());
  ComPtr<IWsbApplicationAsync> result;
  const HRESULT call =
      addin->CheckConsistency(pointerTo(request.writerMetadata), pointerTo(request.component), pointerTo(request.logicalPath), volumes,
                              volumes == 0 ? nullptr : sources.data(), volumes == 0 ? nullptr : snapshots.data(), result.put());
  // A failing call that still wrote a pointer handed us a reference: `result` releases it.
  if (strayObject != nullptr) *strayObject = FAILED(call) && result;
  if (SUCCEEDED(call)) *async = std::move(result);
  return call;
}

namespace {

// QueryInterface for T on a pointer the caller holds; null (and the HRESULT) when it fails.
template <class T>
ComPtr<T> queryFrom(IUnknown* object, HRESULT* query) {
  void* raw = nullptr;
  *query = object->QueryInterface(InterfaceId<T>::value, &raw);
  // Only a success hands over a reference; a pointer written with a failure is not trusted.
  return SUCCEEDED(*query) ? ComPtr<T>::adopt(static_cast<T*>(raw)) : ComPtr<T>();
}

}  // namespace

IdentityProbe probeIdentity(IWsbApplicationBackupSupport* addin) {
  IdentityProbe probe;
  const ComPtr<IUnknown> identity = queryFrom<IUnknown>(addin, &probe.unknown);
  probe.backup = kE_NOINTERFACE;
  if (identity) queryFrom<IWsbApplicationBackupSupport>(identity.get(), &probe.backup);
  HRESULT query = kS_OK;
  probe.reflexive = static_cast<bool>(queryFrom<IWsbApplicationBackupSupport>(addin, &query));
  const ComPtr<IWsbApplicationRestoreSupport> restore = queryFrom<IWsbApplicationRestoreSupport>(addin, &probe.restore);
  probe.symmetric = true;
  probe.sameUnknown = static_cast<bool>(identity);
  if (restore) {
    probe.symmetric = static_cast<bool>(queryFrom<IWsbApplicationBackupSupport>(restore.get(), &query));
    // COM identity: IUnknown from any interface is the same pointer.
    probe.sameUnknown = probe.sameUnknown && queryFrom<IUnknown>(restore.get(), &query).get() == identity.get();
  }
  void* stray = nullptr;
  probe.unknownIid = addin->QueryInterface(kIID_VetUnknown, &stray);
  probe.unknownIidPointer = stray != nullptr;
  if (SUCCEEDED(probe.unknownIid) && stray != nullptr) static_cast<IUnknown*>(stray)->Release();
  return probe;
}

StatusResult queryStatus(IWsbApplicationAsync* operation) {
  HRESULT status = kStatusSentinel;
  StatusResult result;
  result.call = operation->QueryStatus(&status);
  if (SUCCEEDED(result.call) && status != kStatusSentinel) result.status = status;
  return result;
}

HRESULT abortOperation(IWsbApplicationAsync* operation) { return operation->Abort(); }

HRESULT preRestore(IWsbApplicationRestoreSupport* addin, RestoreRequest& request) {
  return addin->PreRestore(pointerTo(request.writerMetadata), pointerTo(request.component), pointerTo(request.logicalPath),
                           request.noRollForward ? 1 : 0);
}

HRESULT postRestore(IWsbApplicationRestoreSupport* addin, RestoreRequest& request) {
  return addin->PostRestore(pointerTo(request.writerMetadata), pointerTo(request.component), pointerTo(request.logicalPath),
                            request.noRollForward ? 1 : 0);
}

OrderResult orderComponents(IWsbApplicationRestoreSupport* addin, std::vector<WString>& names, std::vector<WString>& logicalPaths) {
  auto namePointers = pointersTo(names);
  auto pathPointers = pointersTo(logicalPaths);
  LPWSTR* rawNames = nullptr;
  LPWSTR* rawPaths = nullptr;
  OrderResult result;
  result.call = addin->OrderComponents(static_cast<DWORD>(names.size()), namePointers.data(), pathPointers.data(), &rawNames, &rawPaths);
  // Owned from here on, whatever the outcome: COM says the caller frees what the callee wrote.
  const TaskMemStringArray orderedNames(rawNames, rawNames == nullptr ? 0 : names.size());
  const TaskMemStringArray orderedPaths(rawPaths, rawPaths == nullptr ? 0 : names.size());
  if (FAILED(result.call)) return result;
  if (rawNames == nullptr && rawPaths == nullptr) return result;
  if (rawNames == nullptr || rawPaths == nullptr) {
    result.protocolError = "returned one ordered array and NULL for the other";
    return result;
  }
  std::vector<WString> orderedNameList;
  if (!copyOut(orderedNames, &orderedNameList) || !copyOut(orderedPaths, &result.logicalPaths)) {
    result.protocolError = "returned a NULL or malformed component name or logical path";
    return result;
  }
  result.names = std::move(orderedNameList);
  return result;
}

RollForwardResult isRollForwardSupported(IWsbApplicationRestoreSupport* addin) {
  BYTE supported = 0;
  RollForwardResult result;
  result.call = addin->IsRollForwardSupported(&supported);
  result.supported = supported != 0;
  return result;
}

}  // namespace wsb
