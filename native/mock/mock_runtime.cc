#include "mock_runtime.h"

namespace wsb::mock {

Failure MockRuntime::listApplications(std::vector<Registration>* out) {
  for (const scenario::ApplicationScript& app : host_->scenario().applications) {
    out->push_back(Registration{app.writerId, app.identifier, app.clsid.value_or("")});
  }
  return {};
}

Failure MockRuntime::activate(const Registration& application, ComPtr<IUnknown>* out) {
  return Failure{host_->activate(application.writerId, application.clsid, out), ""};
}

}  // namespace wsb::mock
