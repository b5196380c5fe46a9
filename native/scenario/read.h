// Reads a normalised scenario into the model, checking it again (types, ranges, unknown keys):
// the addon's binding can be called without the TypeScript normalisation in front, and the
// sample add-in reads whatever file it is given. One reader over any document representation:
// `Value` adapts a JS value (native/bridge/scenario_arg.cc) or a JSON document
// (native/scenario/json.cc). It must offer
//   Type type() const;                        Type below
//   bool boolean() const; double number() const; std::string string() const;   // UTF-8
//   std::size_t size() const; Value at(std::size_t i) const;                   // arrays
//   std::vector<std::string> keys() const; Value member(const std::string& key) const;  // objects
// The first problem throws InvalidScenario naming the JSON path ("scenario.applications[0].
// components[\"db\"].check"); exceptions of the adapter itself (a throwing JS getter) pass through.
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "model.h"

namespace wsb::scenario {

enum class Type { kAbsent, kNull, kBool, kNumber, kString, kArray, kObject, kOther };

// The most entries any array of a scenario may have (statuses, applications, names).
constexpr std::size_t kMaxEntries = 1000000;

template <class Value>
class Reader {
 public:
  static Scenario scenario(const Value& root) {
    const std::string path = "scenario";
    object(root, path, {"normalized", "applications", "vss"});
    if (root.member("normalized").type() != Type::kAbsent) boolean(root.member("normalized"), path + ".normalized");
    const Value apps = array(root.member("applications"), path + ".applications");
    Scenario out;
    for (std::size_t i = 0; i < apps.size(); ++i) out.applications.push_back(application(apps.at(i), indexed(path + ".applications", i)));
    if (root.member("vss").type() != Type::kAbsent) out.vss = vss(root.member("vss"), path + ".vss");
    return out;
  }

 private:
  static std::vector<std::string> texts(const Value& value, const std::string& path) {
    const Value items = array(value, path);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < items.size(); ++i) out.push_back(text(items.at(i), indexed(path, i)));
    return out;
  }

  static VssCallScript vssCall(const Value& value, const std::string& path) {
    object(value, path, {"hresult", "times", "delayMs", "hang", "ignoresCancel"});
    VssCallScript out;
    out.hresult = hresult(value.member("hresult"), path + ".hresult");
    expect(value.member("times"), Type::kNumber, path + ".times");
    const double times = value.member("times").number();
    if (!(times >= -1 && times <= kMaxDelayMs) || std::floor(times) != times)
      fail(path + ".times", "must be a whole number of calls, or -1");
    out.times = static_cast<std::int64_t>(times);
    out.delayMs = delay(value.member("delayMs"), path + ".delayMs");
    out.hang = boolean(value.member("hang"), path + ".hang");
    out.ignoresCancel = boolean(value.member("ignoresCancel"), path + ".ignoresCancel");
    if (out.ignoresCancel && !out.hang && out.delayMs == 0) fail(path + ".ignoresCancel", "needs hang or a delayMs");
    return out;
  }

  static VssWriterScript vssWriter(const Value& value, const std::string& path) {
    object(value, path, {"writerId", "instanceId", "name", "state", "lastError", "failsAt", "components", "metadataXml"});
    VssWriterScript out;
    out.writerId = text(value.member("writerId"), path + ".writerId");
    out.instanceId = text(value.member("instanceId"), path + ".instanceId");
    out.name = text(value.member("name"), path + ".name");
    out.state =
        static_cast<std::uint32_t>(whole(value.member("state"), path + ".state", kLastWriterState, "a VSS_WRITER_STATE in [0, 15]"));
    out.lastError = hresult(value.member("lastError"), path + ".lastError");
    if (value.member("failsAt").type() != Type::kNull)
      out.failsAt = static_cast<VssWriterScript::FailsAt>(1 + choice(value.member("failsAt"), path + ".failsAt", {"prepare", "snapshot"}));
    const Value components = array(value.member("components"), path + ".components");
    for (std::size_t i = 0; i < components.size(); ++i) {
      const std::string at = indexed(path + ".components", i);
      object(components.at(i), at, {"name", "logicalPath", "files"});
      out.components.push_back({text(components.at(i).member("name"), at + ".name"),
                                text(components.at(i).member("logicalPath"), at + ".logicalPath"),
                                texts(components.at(i).member("files"), at + ".files")});
    }
    out.metadataXml = text(value.member("metadataXml"), path + ".metadataXml");
    return out;
  }

  static VssScript vss(const Value& value, const std::string& path) {
    object(value, path, {"writers", "volumes", "calls"});
    VssScript out;
    const Value writers = array(value.member("writers"), path + ".writers");
    for (std::size_t i = 0; i < writers.size(); ++i) out.writers.push_back(vssWriter(writers.at(i), indexed(path + ".writers", i)));
    const Value volumes = array(value.member("volumes"), path + ".volumes");
    for (std::size_t i = 0; i < volumes.size(); ++i) {
      const std::string at = indexed(path + ".volumes", i);
      object(volumes.at(i), at, {"mountPoint", "volume"});
      out.volumes.emplace_back(text(volumes.at(i).member("mountPoint"), at + ".mountPoint"),
                               text(volumes.at(i).member("volume"), at + ".volume"));
    }
    const Value calls = value.member("calls");
    expect(calls, Type::kObject, path + ".calls");
    for (const char* call : kVssCalls) out.calls[call] = vssCall(calls.member(call), path + ".calls." + call);
    for (const std::string& key : calls.keys())
      if (out.calls.count(key) == 0) fail(path + ".calls", "has an unknown key '" + key + "'");
    return out;
  }

  [[noreturn]] static void fail(const std::string& path, const std::string& problem) { throw InvalidScenario(path + " " + problem); }

  static std::string indexed(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

  static const char* expected(Type type) {
    switch (type) {
      case Type::kBool: return "must be a boolean";
      case Type::kNumber: return "must be a number";
      case Type::kString: return "must be a string";
      case Type::kArray: return "must be an array";
      case Type::kObject: return "must be an object";
      default: return "has the wrong type";
    }
  }

  static void expect(const Value& value, Type type, const std::string& path) {
    if (value.type() == Type::kAbsent) fail(path, "is missing");
    if (value.type() != type) fail(path, expected(type));
  }

  // An object whose keys are all in `allowed`.
  static void object(const Value& value, const std::string& path, std::initializer_list<const char*> allowed) {
    expect(value, Type::kObject, path);
    for (const std::string& key : value.keys()) {
      bool known = false;
      for (const char* name : allowed) known = known || key == name;
      if (!known) fail(path, "has an unknown key '" + key + "'");
    }
  }

  // At most kMaxEntries entries: a sparse JS array with a length of 2^32 - 1 must not hang the reader.
  static Value array(const Value& value, const std::string& path) {
    expect(value, Type::kArray, path);
    if (value.size() > kMaxEntries) fail(path, "has more than " + std::to_string(kMaxEntries) + " entries");
    return value;
  }

  static bool boolean(const Value& value, const std::string& path) {
    expect(value, Type::kBool, path);
    return value.boolean();
  }

  static std::string text(const Value& value, const std::string& path) {
    expect(value, Type::kString, path);
    return value.string();
  }

  static double whole(const Value& value, const std::string& path, double max, const char* what) {
    expect(value, Type::kNumber, path);
    const double n = value.number();
    if (!(n >= 0 && n <= max) || std::floor(n) != n) fail(path, std::string("must be ") + what);
    return n;
  }

  static Hresult hresult(const Value& value, const std::string& path) {
    return static_cast<Hresult>(static_cast<std::uint32_t>(whole(value, path, 4294967295.0, "an unsigned 32-bit HRESULT")));
  }

  static std::uint32_t delay(const Value& value, const std::string& path) {
    return static_cast<std::uint32_t>(whole(value, path, kMaxDelayMs, "a whole number of milliseconds in [0, 2147483647]"));
  }

  // One of `names` (a string), as its position.
  static std::size_t choice(const Value& value, const std::string& path, std::initializer_list<const char*> names) {
    const std::string chosen = text(value, path);
    std::size_t at = 0;
    std::string list;
    for (const char* name : names) {
      if (chosen == name) return at;
      list += (at++ == 0 ? "" : ", ") + std::string(name);
    }
    fail(path, "must be one of " + list + ", got '" + chosen + "'");
  }

  static Answer answer(const Value& value, const std::string& path) {
    object(value, path, {"hang", "hresult"});
    return Answer{boolean(value.member("hang"), path + ".hang"), hresult(value.member("hresult"), path + ".hresult")};
  }

  static StatusStep step(const Value& value, const std::string& path) {
    object(value, path, {"kind", "hresult", "delayMs", "afterMs"});
    StatusStep out;
    out.kind =
        static_cast<StatusStep::Kind>(choice(value.member("kind"), path + ".kind", {"status", "callFails", "unwritten", "hang", "crash"}));
    const bool hasHresult = out.kind == StatusStep::Kind::kStatus || out.kind == StatusStep::Kind::kCallFails;
    const bool hasDelay = hasHresult || out.kind == StatusStep::Kind::kUnwritten;
    if (hasHresult) out.hresult = hresult(value.member("hresult"), path + ".hresult");
    if (!hasHresult && value.member("hresult").type() != Type::kAbsent) fail(path + ".hresult", "is not allowed for this kind");
    if (hasDelay) out.delayMs = delay(value.member("delayMs"), path + ".delayMs");
    if (!hasDelay && value.member("delayMs").type() != Type::kAbsent) fail(path + ".delayMs", "is not allowed for this kind");
    if (out.kind == StatusStep::Kind::kCrash) out.afterMs = delay(value.member("afterMs"), path + ".afterMs");
    if (out.kind != StatusStep::Kind::kCrash && value.member("afterMs").type() != Type::kAbsent)
      fail(path + ".afterMs", "is not allowed for this kind");
    return out;
  }

  static ComponentScript component(const Value& value, const std::string& path) {
    object(value, path, {"check", "checkHresult", "checkOperation", "statuses", "abort", "preRestore", "postRestore"});
    ComponentScript out;
    out.check = static_cast<ComponentScript::Check>(choice(value.member("check"), path + ".check", {"async", "no-async", "hang", "fail"}));
    out.checkHresult = hresult(value.member("checkHresult"), path + ".checkHresult");
    out.checkOperation = boolean(value.member("checkOperation"), path + ".checkOperation");
    const Value steps = array(value.member("statuses"), path + ".statuses");
    if (steps.size() == 0) fail(path + ".statuses", "must not be empty");
    out.statuses.clear();
    for (std::size_t i = 0; i < steps.size(); ++i) out.statuses.push_back(step(steps.at(i), indexed(path + ".statuses", i)));
    const std::string abortPath = path + ".abort";
    const Value abort = value.member("abort");
    object(abort, abortPath, {"returns", "delayMs", "hang", "statusAfter"});
    out.abort.returns = hresult(abort.member("returns"), abortPath + ".returns");
    out.abort.delayMs = delay(abort.member("delayMs"), abortPath + ".delayMs");
    out.abort.hang = boolean(abort.member("hang"), abortPath + ".hang");
    out.abort.statusAfter = hresult(abort.member("statusAfter"), abortPath + ".statusAfter");
    out.preRestore = answer(value.member("preRestore"), path + ".preRestore");
    out.postRestore = answer(value.member("postRestore"), path + ".postRestore");
    return out;
  }

  static RollForwardScript rollForward(const Value& value, const std::string& path) {
    object(value, path, {"kind", "hresult", "supported"});
    RollForwardScript out;
    out.kind = static_cast<RollForwardScript::Kind>(choice(value.member("kind"), path + ".kind", {"answer", "fail", "hang"}));
    out.hresult = hresult(value.member("hresult"), path + ".hresult");
    out.supported = boolean(value.member("supported"), path + ".supported");
    return out;
  }

  static OrderScript order(const Value& value, const std::string& path) {
    object(value, path, {"kind", "hresult", "order", "returns"});
    OrderScript out;
    out.kind = static_cast<OrderScript::Kind>(choice(value.member("kind"), path + ".kind", {"any", "order", "returns", "fail", "hang"}));
    out.hresult = hresult(value.member("hresult"), path + ".hresult");
    out.order = texts(value.member("order"), path + ".order");
    const Value refs = array(value.member("returns"), path + ".returns");
    for (std::size_t i = 0; i < refs.size(); ++i) {
      const std::string at = indexed(path + ".returns", i);
      object(refs.at(i), at, {"name", "logicalPath"});
      out.returns.push_back(
          ComponentRef{text(refs.at(i).member("name"), at + ".name"), text(refs.at(i).member("logicalPath"), at + ".logicalPath")});
    }
    return out;
  }

  static ApplicationScript application(const Value& value, const std::string& path) {
    object(value, path,
           {"writerId", "identifier", "clsid", "activation", "restoreSupport", "lifetime", "rollForward", "orderComponents", "components"});
    ApplicationScript out;
    out.writerId = text(value.member("writerId"), path + ".writerId");
    out.identifier = text(value.member("identifier"), path + ".identifier");
    if (out.writerId.empty()) fail(path + ".writerId", "must not be empty");
    if (out.identifier.empty()) fail(path + ".identifier", "must not be empty");
    if (value.member("clsid").type() != Type::kNull) out.clsid = text(value.member("clsid"), path + ".clsid");
    out.activation = answer(value.member("activation"), path + ".activation");
    out.restoreSupport = boolean(value.member("restoreSupport"), path + ".restoreSupport");
    out.lifetime = static_cast<ApplicationScript::Lifetime>(choice(value.member("lifetime"), path + ".lifetime", {"pooled", "single-use"}));
    out.rollForward = rollForward(value.member("rollForward"), path + ".rollForward");
    out.orderComponents = order(value.member("orderComponents"), path + ".orderComponents");
    const Value components = value.member("components");
    expect(components, Type::kObject, path + ".components");  // keyed by component name
    for (const std::string& name : components.keys()) {
      out.components[name] = component(components.member(name), path + ".components[\"" + name + "\"]");
    }
    return out;
  }
};

// The scenario in `root`, checked; throws InvalidScenario on the first problem.
template <class Value>
Scenario readScenario(const Value& root) {
  return Reader<Value>::scenario(root);
}

}  // namespace wsb::scenario
