#include "scenario.h"

#include <cmath>
#include <utility>

#include "json.h"

namespace wsb::mock {
namespace {

// Reads one field of the document; the first failure keeps its message, later ones are no-ops,
// so the readers below stay linear instead of checking after every field.
class Reader {
 public:
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  bool fail(const std::string& field, const char* expected) {
    if (error_.empty()) error_ = field + " must be " + expected;
    return false;
  }

  const JsonValue& member(const JsonValue& object, const std::string& key, const std::string& field) {
    static const JsonValue kNull;  // immutable: stands in for an absent member
    if (object.type() != JsonValue::Type::kObject) return fail(field, "an object"), kNull;
    const JsonValue* found = object.find(key);
    return found != nullptr ? *found : kNull;
  }

  HRESULT hresult(const JsonValue& value, const std::string& field) {
    const double n = value.number();
    if (value.type() != JsonValue::Type::kNumber || n < 0 || n > 4294967295.0 || std::floor(n) != n) {
      return fail(field, "an unsigned 32-bit HRESULT"), kE_FAIL;
    }
    return static_cast<HRESULT>(static_cast<std::uint32_t>(n));
  }

  std::uint32_t delay(const JsonValue& value, const std::string& field) {
    const double n = value.number();
    if (value.type() != JsonValue::Type::kNumber || !(n >= 0) || n > 4294967295.0) {
      return fail(field, "a number of milliseconds >= 0"), 0;
    }
    return static_cast<std::uint32_t>(std::ceil(n));
  }

  // An HRESULT, or the string "hang" (then *hangs is set and the HRESULT is S_OK).
  HRESULT hresultOrHang(const JsonValue& value, const std::string& field, bool* hangs) {
    *hangs = value.type() == JsonValue::Type::kString && value.string() == "hang";
    return *hangs ? kS_OK : hresult(value, field);
  }

  // An optional boolean: absent is false (fields added after older normalised files were written).
  bool optionalBoolean(const JsonValue& value, const std::string& field) {
    return value.isNull() ? false : boolean(value, field);
  }

  bool boolean(const JsonValue& value, const std::string& field) {
    if (value.type() != JsonValue::Type::kBool) return fail(field, "a boolean");
    return value.boolean();
  }

  std::string text(const JsonValue& value, const std::string& field) {
    if (value.type() != JsonValue::Type::kString) return fail(field, "a string"), std::string();
    return value.string();
  }

 private:
  std::string error_;
};

StepKind stepKind(Reader& r, const std::string& kind, const std::string& field) {
  if (kind == "status") return StepKind::kStatus;
  if (kind == "callFails") return StepKind::kCallFails;
  if (kind == "unwritten") return StepKind::kUnwritten;
  if (kind == "hang") return StepKind::kHang;
  if (kind == "crash") return StepKind::kCrash;
  r.fail(field, "one of status, callFails, unwritten, hang, crash");
  return StepKind::kStatus;
}

StatusStep readStep(Reader& r, const JsonValue& json, const std::string& field) {
  StatusStep step;
  step.kind = stepKind(r, r.text(r.member(json, "kind", field), field + ".kind"), field + ".kind");
  if (step.kind == StepKind::kStatus || step.kind == StepKind::kCallFails) {
    step.hresult = r.hresult(r.member(json, "hresult", field), field + ".hresult");
  }
  if (step.kind != StepKind::kHang && step.kind != StepKind::kCrash) {
    step.delayMs = r.delay(r.member(json, "delayMs", field), field + ".delayMs");
  }
  return step;
}

CheckKind checkKind(Reader& r, const std::string& check, const std::string& field) {
  if (check == "async") return CheckKind::kAsync;
  if (check == "no-async") return CheckKind::kNoAsync;
  if (check == "hang") return CheckKind::kHang;
  if (check == "fail") return CheckKind::kFail;
  r.fail(field, "\"async\", \"no-async\", \"hang\" or \"fail\"");
  return CheckKind::kAsync;
}

ComponentScript readComponent(Reader& r, const JsonValue& json, const std::string& field) {
  ComponentScript c;
  c.check = checkKind(r, r.text(r.member(json, "check", field), field + ".check"), field + ".check");
  c.checkHresult = r.hresult(r.member(json, "checkHresult", field), field + ".checkHresult");
  const JsonValue& statuses = r.member(json, "statuses", field);
  if (statuses.type() != JsonValue::Type::kArray || statuses.array().empty()) {
    r.fail(field + ".statuses", "a non-empty array");
  } else {
    c.statuses.clear();
    for (std::size_t i = 0; i < statuses.array().size(); ++i) {
      c.statuses.push_back(readStep(r, statuses.array()[i], field + ".statuses[" + std::to_string(i) + "]"));
    }
  }
  const std::string abortField = field + ".abort";
  const JsonValue& abort = r.member(json, "abort", field);
  c.abort.returns = r.hresult(r.member(abort, "returns", abortField), abortField + ".returns");
  c.abort.delayMs = r.delay(r.member(abort, "delayMs", abortField), abortField + ".delayMs");
  c.abort.hang = r.boolean(r.member(abort, "hang", abortField), abortField + ".hang");
  c.abort.statusAfter = r.hresult(r.member(abort, "statusAfter", abortField), abortField + ".statusAfter");
  c.preRestore = r.hresultOrHang(r.member(json, "preRestore", field), field + ".preRestore", &c.preRestoreHangs);
  c.postRestore = r.hresultOrHang(r.member(json, "postRestore", field), field + ".postRestore", &c.postRestoreHangs);
  return c;
}

std::optional<std::vector<std::string>> readOrder(Reader& r, const JsonValue& json, const std::string& field) {
  if (json.isNull()) return std::nullopt;
  std::vector<std::string> names;
  if (json.type() != JsonValue::Type::kArray) return r.fail(field, "an array of names or null"), names;
  for (const JsonValue& name : json.array()) names.push_back(r.text(name, field + "[]"));
  return names;
}

ApplicationScript readApplication(Reader& r, const JsonValue& json, const std::string& field) {
  ApplicationScript a;
  a.writerId = r.text(r.member(json, "writerId", field), field + ".writerId");
  a.identifier = r.text(r.member(json, "identifier", field), field + ".identifier");
  const JsonValue& clsid = r.member(json, "clsid", field);
  if (!clsid.isNull()) a.clsid = r.text(clsid, field + ".clsid");
  a.activation = r.hresultOrHang(r.member(json, "activation", field), field + ".activation", &a.activationHangs);
  a.restoreSupport = r.boolean(r.member(json, "restoreSupport", field), field + ".restoreSupport");
  const std::string rollField = field + ".rollForward";
  const JsonValue& roll = r.member(json, "rollForward", field);
  a.rollForwardFails = r.boolean(r.member(roll, "fail", rollField), rollField + ".fail");
  a.rollForwardHresult = r.hresult(r.member(roll, "hresult", rollField), rollField + ".hresult");
  a.rollForwardSupported = r.boolean(r.member(roll, "supported", rollField), rollField + ".supported");
  const std::string orderField = field + ".orderComponents";
  const JsonValue& order = r.member(json, "orderComponents", field);
  a.orderFails = r.boolean(r.member(order, "fail", orderField), orderField + ".fail");
  a.orderHresult = r.hresult(r.member(order, "hresult", orderField), orderField + ".hresult");
  a.orderHangs = r.optionalBoolean(r.member(order, "hang", orderField), orderField + ".hang");
  a.order = readOrder(r, r.member(order, "order", orderField), orderField + ".order");
  const JsonValue& components = r.member(json, "components", field);
  if (components.type() != JsonValue::Type::kObject) {
    r.fail(field + ".components", "an object");
    return a;
  }
  for (const auto& [name, component] : components.object()) {
    a.components[name] = readComponent(r, component, field + ".components[\"" + name + "\"]");
  }
  return a;
}

}  // namespace

const ComponentScript& ApplicationScript::component(const std::string& name) const {
  static const ComponentScript kDefault;  // immutable: the script of an unlisted component
  auto found = components.find(name);
  if (found == components.end()) found = components.find("*");
  return found == components.end() ? kDefault : found->second;
}

bool parseScenario(const std::string& json, Scenario* out, std::string* error) {
  JsonValue document;
  if (!parseJson(json, &document, error)) {
    *error = "scenario is not valid JSON: " + *error;
    return false;
  }
  Reader r;
  const JsonValue& applications = r.member(document, "applications", "scenario");
  if (applications.type() != JsonValue::Type::kArray) r.fail("scenario.applications", "an array");
  Scenario scenario;
  if (r.ok()) {
    for (std::size_t i = 0; i < applications.array().size(); ++i) {
      scenario.applications.push_back(
          readApplication(r, applications.array()[i], "scenario.applications[" + std::to_string(i) + "]"));
    }
  }
  if (!r.ok()) {
    *error = r.error();
    return false;
  }
  *out = std::move(scenario);
  return true;
}

}  // namespace wsb::mock
