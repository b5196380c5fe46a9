// The native mock as a Runtime: activation from the scenario instead of CoCreateInstance,
// cancellation through the mock host instead of CoCancelCall. Everything else is shared.
#pragma once

#include <memory>

#include "../com/runtime.h"
#include "mock_host.h"

namespace wsb::mock {

class MockRuntime final : public Runtime {
 public:
  explicit MockRuntime(std::shared_ptr<MockHost> host) : host_(std::move(host)) {}

  Failure listApplications(std::vector<Registration>* out) override;
  Failure activate(const Registration& application, ComPtr<IUnknown>* out) override;
  bool cancel(const CallThread& thread) noexcept override {
    host_->cancel(thread.id);
    return true;
  }
  void callFinished(const CallThread& thread) noexcept override { host_->callFinished(thread.id); }
  void shutdown() noexcept override { host_->tearDown(); }

 private:
  std::shared_ptr<MockHost> host_;
};

}  // namespace wsb::mock
