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

const Failure kNoVss{kE_NOTIMPL, "the scenario has no vss section"};

Failure MockRuntime::vssCreate(vss::Ref<vss::IVssBackupComponents>* out, vss::FreeSnapshotPropertiesFn* freeProperties) {
  if (!vss_) return kNoVss;
  *freeProperties = &FakeVss::freeSnapshotProperties;
  const HRESULT created = vss_->create(out->put());
  return FAILED(created) ? Failure{created, "CreateVssBackupComponentsInternal"} : Failure{};
}

Failure MockRuntime::vssVolumeOf(const WString& path, WString* volume) {
  if (!vss_) return kNoVss;
  const HRESULT found = vss_->volumeOf(path, volume);
  return FAILED(found) ? Failure{found, "GetVolumePathName"} : Failure{};
}

}  // namespace wsb::mock
