// The scripted COM objects of the native mock (see mock_host.h for the API around them).
#pragma once

#include <memory>

#include "../com/com_ptr.h"
#include "../scenario/model.h"

namespace wsb::mock {

class MockHost;

// A new add-in object for `app` (reference count 1, owned by *out).
HRESULT createMockAddin(std::shared_ptr<MockHost> host, const scenario::ApplicationScript& app, ComPtr<IUnknown>* out);

}  // namespace wsb::mock
