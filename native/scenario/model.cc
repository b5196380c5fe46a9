#include "model.h"

#include <algorithm>

namespace wsb::scenario {

const ComponentScript& ApplicationScript::component(const std::string& name) const {
  static const ComponentScript kDefault;  // immutable: the script of an unlisted component
  auto found = components.find(name);
  if (found == components.end()) found = components.find("*");
  return found == components.end() ? kDefault : found->second;
}

const ApplicationScript* Scenario::find(const std::string& writerId, const std::string& clsid) const {
  auto app = std::find_if(applications.begin(), applications.end(), [&](const ApplicationScript& a) { return a.writerId == writerId; });
  if (app == applications.end()) {
    app = std::find_if(applications.begin(), applications.end(), [&](const ApplicationScript& a) { return a.clsid == clsid; });
  }
  return app == applications.end() ? nullptr : &*app;
}

}  // namespace wsb::scenario
