// The COM ABI this addon speaks: IUnknown, GUID, HRESULT, the three WSB interfaces and their IIDs.
//
// The Windows SDK declares the WSB interfaces in wsbapp.h, but mingw-w64 and Wine ship no such
// header, and the addon is cross-compiled with mingw (scripts/wine/build-addon.sh) as well as
// built with MSVC; so they are declared here, once for every toolchain, from the published vtable
// layout (Microsoft's documentation of the WSB add-in interfaces and the Windows SDK's wsbapp.h). On Windows the platform's IUnknown is
// used. Elsewhere a minimal, ABI-identical IUnknown/GUID/HRESULT lets the same call layer compile and run against the native mock add-in: a
// single-inheritance class with only pure virtual methods and no virtual destructor has the same vtable slot order under the Itanium ABI as
// under MSVC's COM layout.
#pragma once

#include <cstdint>

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <objbase.h>
#include <unknwn.h>

namespace wsb {
using WChar = wchar_t;
}  // namespace wsb

#else  // !_WIN32

#include <cstddef>
#include <cstring>

using HRESULT = std::int32_t;
using ULONG = std::uint32_t;
using DWORD = std::uint32_t;
using BYTE = unsigned char;
using BOOLEAN = unsigned char;
using WCHAR = char16_t;
using LPWSTR = WCHAR*;
using LPCWSTR = const WCHAR*;

struct GUID {
  std::uint32_t Data1;
  std::uint16_t Data2;
  std::uint16_t Data3;
  std::uint8_t Data4[8];
};
using IID = GUID;
using CLSID = GUID;
using REFIID = const IID&;

inline bool IsEqualGUID(const GUID& a, const GUID& b) { return std::memcmp(&a, &b, sizeof(GUID)) == 0; }

#define STDMETHODCALLTYPE
#define SUCCEEDED(hr) (static_cast<HRESULT>(hr) >= 0)
#define FAILED(hr) (static_cast<HRESULT>(hr) < 0)

struct IUnknown {
  virtual HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** object) = 0;
  virtual ULONG STDMETHODCALLTYPE AddRef() = 0;
  virtual ULONG STDMETHODCALLTYPE Release() = 0;

 protected:
  ~IUnknown() = default;  // lifetime is the reference count, never `delete` through the interface
};

// The task allocator: on Linux the mock add-in and the call layer share the C heap, which is all
// the COM convention needs (the callee allocates, the caller frees with the matching function).
void* CoTaskMemAlloc(std::size_t bytes) noexcept;
void CoTaskMemFree(void* block) noexcept;

namespace wsb {
using WChar = char16_t;
}  // namespace wsb

#endif  // _WIN32

namespace wsb {

// HRESULT literals are written as unsigned hex, as in the SDK tables, and converted once here.
constexpr HRESULT hr(std::uint32_t value) { return static_cast<HRESULT>(value); }

// inline: one definition program-wide (InterfaceId below binds references to the IIDs).
// Each is named k<symbol>; test/unit/cpp-constants.test.ts checks every value against the table.
inline constexpr HRESULT kS_OK = hr(0x00000000);
inline constexpr HRESULT kE_NOINTERFACE = hr(0x80004002);
inline constexpr HRESULT kE_POINTER = hr(0x80004003);
inline constexpr HRESULT kE_ABORT = hr(0x80004004);
inline constexpr HRESULT kE_FAIL = hr(0x80004005);
inline constexpr HRESULT kE_UNEXPECTED = hr(0x8000FFFF);
inline constexpr HRESULT kE_OUTOFMEMORY = hr(0x8007000E);
inline constexpr HRESULT kE_INVALIDARG = hr(0x80070057);
inline constexpr HRESULT kRPC_E_CALL_CANCELED = hr(0x80010002);
inline constexpr HRESULT kRPC_E_SERVERCALL_RETRYLATER = hr(0x8001010A);
inline constexpr HRESULT kRPC_S_SERVER_UNAVAILABLE = hr(0x800706BA);
inline constexpr HRESULT kRPC_S_CALL_FAILED = hr(0x800706BE);
inline constexpr HRESULT kREGDB_E_CLASSNOTREG = hr(0x80040154);
// VSS (the requester, native/com/vss_backup.cc, and its fake, native/mock/fake_vss.cc).
inline constexpr HRESULT kVSS_S_ASYNC_PENDING = hr(0x00042309);
inline constexpr HRESULT kVSS_S_ASYNC_FINISHED = hr(0x0004230A);
inline constexpr HRESULT kVSS_S_ASYNC_CANCELLED = hr(0x0004230B);
inline constexpr HRESULT kVSS_E_BAD_STATE = hr(0x80042301);
inline constexpr HRESULT kVSS_E_OBJECT_NOT_FOUND = hr(0x80042308);
inline constexpr HRESULT kVSS_E_SNAPSHOT_SET_IN_PROGRESS = hr(0x80042316);
inline constexpr HRESULT kE_NOTIMPL = hr(0x80004001);
inline constexpr HRESULT kE_ACCESSDENIED = hr(0x80070005);
inline constexpr HRESULT kERROR_TIMEOUT = hr(0x800705B4);
inline constexpr HRESULT kERROR_PATH_NOT_FOUND = hr(0x80070003);
inline constexpr HRESULT kERROR_MOD_NOT_FOUND = hr(0x8007007E);
inline constexpr HRESULT kERROR_PROC_NOT_FOUND = hr(0x8007007F);

inline constexpr GUID kIID_IUnknown = {0x00000000, 0x0000, 0x0000, {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
inline constexpr GUID kIID_IWsbApplicationBackupSupport = {0x1EFF3510, 0x4A27, 0x46AD, {0xB9, 0xE0, 0x08, 0x33, 0x2F, 0x0F, 0x4F, 0x6D}};
inline constexpr GUID kIID_IWsbApplicationRestoreSupport = {0x8D3BDB38, 0x4EE8, 0x4718, {0x85, 0xF9, 0xC7, 0xDB, 0xC4, 0xAB, 0x77, 0xAA}};
inline constexpr GUID kIID_IWsbApplicationAsync = {0x0843F6F7, 0x895C, 0x44A6, {0xB0, 0xC2, 0x05, 0xA5, 0x02, 0x2A, 0xA3, 0xA1}};

}  // namespace wsb

// Slot order is the ABI: never reorder, never add virtual members.
struct IWsbApplicationAsync : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE QueryStatus(HRESULT* phrResult) = 0;  // slot 3
  virtual HRESULT STDMETHODCALLTYPE Abort() = 0;                          // slot 4

 protected:
  ~IWsbApplicationAsync() = default;
};

struct IWsbApplicationBackupSupport : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE CheckConsistency(LPWSTR wszWriterMetadata, LPWSTR wszComponentName, LPWSTR wszComponentLogicalPath,
                                                     DWORD cVolumes, LPWSTR* rgwszSourceVolumePath, LPWSTR* rgwszSnapshotVolumePath,
                                                     IWsbApplicationAsync** ppAsync) = 0;  // slot 3

 protected:
  ~IWsbApplicationBackupSupport() = default;
};

struct IWsbApplicationRestoreSupport : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE PreRestore(LPWSTR wszWriterMetadata, LPWSTR wszComponentName, LPWSTR wszComponentLogicalPath,
                                               BOOLEAN bNoRollForward) = 0;
  virtual HRESULT STDMETHODCALLTYPE PostRestore(LPWSTR wszWriterMetadata, LPWSTR wszComponentName, LPWSTR wszComponentLogicalPath,
                                                BOOLEAN bNoRollForward) = 0;
  virtual HRESULT STDMETHODCALLTYPE OrderComponents(DWORD cComponents, LPWSTR* rgComponentName, LPWSTR* rgComponentLogicalPaths,
                                                    LPWSTR** prgComponentName, LPWSTR** prgComponentLogicalPath) = 0;
  virtual HRESULT STDMETHODCALLTYPE IsRollForwardSupported(BYTE* pbRollForwardSupported) = 0;

 protected:
  ~IWsbApplicationRestoreSupport() = default;
};

// Interface -> IID, so ComPtr::queryInterface cannot pair a pointer type with the wrong IID.
template <class T>
struct InterfaceId;
template <>
struct InterfaceId<IUnknown> {
  static constexpr const GUID& value = wsb::kIID_IUnknown;
};
template <>
struct InterfaceId<IWsbApplicationAsync> {
  static constexpr const GUID& value = wsb::kIID_IWsbApplicationAsync;
};
template <>
struct InterfaceId<IWsbApplicationBackupSupport> {
  static constexpr const GUID& value = wsb::kIID_IWsbApplicationBackupSupport;
};
template <>
struct InterfaceId<IWsbApplicationRestoreSupport> {
  static constexpr const GUID& value = wsb::kIID_IWsbApplicationRestoreSupport;
};
