// The native mock as a Runtime: activation from the scenario instead of CoCreateInstance,
// cancellation through the mock host instead of CoCancelCall. Everything else is shared.
#pragma once

#include <memory>

#include "../com/runtime.h"
#include "fake_vss.h"
#include "mock_host.h"

namespace wsb::mock {

class MockRuntime final : public Runtime {
 public:
  // The fake VSS plays the scenario's `vss` section; without one, VSS is unavailable (E_NOTIMPL, as Wine's).
  explicit MockRuntime(std::shared_ptr<MockHost> host)
      : host_(std::move(host)), vss_(host_->scenario().vss ? std::make_shared<FakeVss>(*host_->scenario().vss) : nullptr) {}

  Failure listApplications(std::vector<Registration>* out) override;
  Failure activate(const Registration& application, ComPtr<IUnknown>* out) override;
  Failure vssCreate(vss::Ref<vss::IVssBackupComponents>* out, vss::FreeSnapshotPropertiesFn* freeProperties) override;
  Failure vssVolumeOf(const WString& path, WString* volume) override;
  bool cancel(const CallThread& thread) noexcept override {
    host_->cancel(thread.id);
    return true;
  }
  void callFinished(const CallThread& thread) noexcept override { host_->callFinished(thread.id); }
  void shutdown() noexcept override {
    host_->tearDown();
    if (vss_) vss_->tearDown();
  }
  // Null when the scenario scripts no VSS.
  const std::shared_ptr<FakeVss>& fakeVss() const { return vss_; }

 private:
  std::shared_ptr<MockHost> host_;
  std::shared_ptr<FakeVss> vss_;
};

}  // namespace wsb::mock
