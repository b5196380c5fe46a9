/* Forced-included (-include) when mingw-w64 compiles the widl-generated proxy code (C).
 * The stubless proxy vtables name IUnknown_QueryInterface_Proxy & co, which the Windows SDK's
 * unknwn.h declares for C and C++, but mingw-w64 10's unknwn.h declares for C++ only.
 * MSVC builds do not need this file. */
#ifndef __cplusplus
#include <unknwn.h>
HRESULT STDMETHODCALLTYPE IUnknown_QueryInterface_Proxy(IUnknown *This, REFIID riid, void **ppvObject);
ULONG STDMETHODCALLTYPE IUnknown_AddRef_Proxy(IUnknown *This);
ULONG STDMETHODCALLTYPE IUnknown_Release_Proxy(IUnknown *This);
#endif
