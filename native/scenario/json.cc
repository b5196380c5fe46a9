#include "json.h"

#include <nlohmann/json.hpp>

#include "read.h"

namespace wsb::scenario {
namespace {

// read.h's Value over a node of a parsed document (which outlives every JsonValue).
class JsonValue {
 public:
  explicit JsonValue(const nlohmann::json* node) : node_(node) {}

  Type type() const {
    if (node_ == nullptr) return Type::kAbsent;
    switch (node_->type()) {
      case nlohmann::json::value_t::null: return Type::kNull;
      case nlohmann::json::value_t::boolean: return Type::kBool;
      case nlohmann::json::value_t::number_integer:
      case nlohmann::json::value_t::number_unsigned:
      case nlohmann::json::value_t::number_float: return Type::kNumber;
      case nlohmann::json::value_t::string: return Type::kString;
      case nlohmann::json::value_t::array: return Type::kArray;
      case nlohmann::json::value_t::object: return Type::kObject;
      default: return Type::kOther;
    }
  }
  bool boolean() const { return node_->get<bool>(); }
  double number() const { return node_->get<double>(); }
  std::string string() const { return node_->get<std::string>(); }
  std::size_t size() const { return node_->size(); }
  JsonValue at(std::size_t i) const { return JsonValue(&(*node_)[i]); }
  std::vector<std::string> keys() const {
    std::vector<std::string> names;
    for (const auto& item : node_->items()) names.push_back(item.key());
    return names;
  }
  JsonValue member(const std::string& key) const {
    const auto found = node_->find(key);
    return JsonValue(found == node_->end() ? nullptr : &*found);
  }

 private:
  const nlohmann::json* node_;
};

}  // namespace

Scenario parseScenarioJson(const std::string& text) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error: what() gives the byte offset
    throw InvalidScenario(std::string("not valid JSON: ") + e.what());
  }
  return readScenario(JsonValue(&document));
}

}  // namespace wsb::scenario
