#include "scenario.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <utility>

namespace sample {
namespace {

// A JSON value, just enough for scenario files. Errors are thrown as ScenarioError inside this
// file and turned into a message by parseScenario(); nothing escapes to a COM method.
struct Json {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::map<std::string, Json> object;

  const Json* find(const std::string& key) const {
    auto it = object.find(key);
    return it == object.end() ? nullptr : &it->second;
  }
};

struct ScenarioError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class JsonReader {
 public:
  explicit JsonReader(const std::string& text) : text_(text) {}

  Json document() {
    Json value = read(0);
    skipSpace();
    if (at_ != text_.size()) fail("unexpected characters after the document");
    return value;
  }

 private:
  static constexpr int kMaxDepth = 32;  // scenarios are shallow; this stops runaway recursion

  [[noreturn]] void fail(const std::string& what) const {
    throw ScenarioError(what + " at byte " + std::to_string(at_));
  }

  void skipSpace() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }

  bool take(char c) {
    skipSpace();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }

  void expect(char c) {
    if (!take(c)) fail(std::string("expected '") + c + "'");
  }

  bool word(const char* literal) {
    const std::string w(literal);
    if (text_.compare(at_, w.size(), w) != 0) return false;
    at_ += w.size();
    return true;
  }

  Json read(int depth) {
    if (depth > kMaxDepth) fail("nesting too deep");
    skipSpace();
    if (at_ >= text_.size()) fail("unexpected end of input");
    Json v;
    const char c = text_[at_];
    if (c == '{') {
      ++at_;
      v.type = Json::Type::kObject;
      if (take('}')) return v;
      do {
        skipSpace();
        std::string key = readString();
        expect(':');
        v.object[std::move(key)] = read(depth + 1);
      } while (take(','));
      expect('}');
    } else if (c == '[') {
      ++at_;
      v.type = Json::Type::kArray;
      if (take(']')) return v;
      do v.array.push_back(read(depth + 1));
      while (take(','));
      expect(']');
    } else if (c == '"') {
      v.type = Json::Type::kString;
      v.string = readString();
    } else if (word("true")) {
      v.type = Json::Type::kBool;
      v.boolean = true;
    } else if (word("false")) {
      v.type = Json::Type::kBool;
    } else if (word("null")) {
      v.type = Json::Type::kNull;
    } else {
      v.type = Json::Type::kNumber;
      v.number = readNumber();
    }
    return v;
  }

  double readNumber() {
    const char* begin = text_.c_str() + at_;
    char* end = nullptr;
    const double value = std::strtod(begin, &end);
    if (end == begin) fail("expected a JSON value");
    at_ += static_cast<std::size_t>(end - begin);
    return value;
  }

  unsigned hex4() {
    if (at_ + 4 > text_.size()) fail("truncated \\u escape");
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[at_++];
      value <<= 4;
      if (c >= '0' && c <= '9') value |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') value |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') value |= static_cast<unsigned>(c - 'A' + 10);
      else fail("bad \\u escape");
    }
    return value;
  }

  static void appendUtf8(char32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::string readString() {
    if (at_ >= text_.size() || text_[at_] != '"') fail("expected a string");
    ++at_;
    std::string out;
    while (true) {
      if (at_ >= text_.size()) fail("unterminated string");
      const char c = text_[at_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
      if (c != '\\') {
        out.push_back(c);  // UTF-8 passes through unchanged
        continue;
      }
      if (at_ >= text_.size()) fail("unterminated escape");
      const char e = text_[at_++];
      switch (e) {
        case '"': case '\\': case '/': out.push_back(e); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          char32_t cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // a surrogate pair encodes one code point
            if (!word("\\u")) fail("lone high surrogate");
            const unsigned low = hex4();
            if (low < 0xDC00 || low > 0xDFFF) fail("bad low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("lone low surrogate");
          }
          appendUtf8(cp, &out);
          break;
        }
        default: fail("bad escape");
      }
    }
  }

  const std::string& text_;
  std::size_t at_ = 0;
};

// Typed access to a member, naming the field on error (e.g. "applications[0].components.db.check").
class Fields {
 public:
  Fields(const Json& object, std::string path) : object_(object), path_(std::move(path)) {
    if (object.type != Json::Type::kObject) throw ScenarioError(path_ + " must be an object");
  }

  const Json& get(const std::string& key, Json::Type type) const {
    const Json* v = object_.find(key);
    if (v == nullptr || v->type != type) throw ScenarioError(path_ + "." + key + " is missing or has the wrong type");
    return *v;
  }
  bool has(const std::string& key) const { return object_.find(key) != nullptr; }
  bool isNull(const std::string& key) const {
    const Json* v = object_.find(key);
    return v == nullptr || v->type == Json::Type::kNull;
  }
  std::string text(const std::string& key) const { return get(key, Json::Type::kString).string; }
  bool flag(const std::string& key) const { return get(key, Json::Type::kBool).boolean; }

  // HRESULTs arrive as unsigned 32-bit numbers (normalisation did the parsing of symbols).
  Hresult hresult(const std::string& key) const {
    const double n = get(key, Json::Type::kNumber).number;
    if (!(n >= 0 && n <= 4294967295.0) || std::floor(n) != n) throw ScenarioError(path_ + "." + key + " is not an unsigned 32-bit HRESULT");
    return static_cast<Hresult>(static_cast<std::uint32_t>(n));
  }
  // An HRESULT, or the string "hang" (then *hangs is set and the HRESULT is S_OK).
  Hresult hresultOrHang(const std::string& key, bool* hangs) const {
    const Json* v = object_.find(key);
    *hangs = v != nullptr && v->type == Json::Type::kString && v->string == "hang";
    return *hangs ? 0 : hresult(key);
  }
  // Absent is false: a field added after older normalised files were written.
  bool optionalFlag(const std::string& key) const { return has(key) && flag(key); }
  std::uint32_t milliseconds(const std::string& key) const {
    if (!has(key)) return 0;
    const double n = get(key, Json::Type::kNumber).number;
    if (!(n >= 0 && n <= 86400000.0)) throw ScenarioError(path_ + "." + key + " is not a delay in milliseconds");
    return static_cast<std::uint32_t>(n);
  }
  Fields object(const std::string& key) const { return Fields(get(key, Json::Type::kObject), path_ + "." + key); }
  const std::string& path() const { return path_; }

 private:
  const Json& object_;
  std::string path_;
};

StatusStep stepFrom(const Fields& f) {
  const std::string kind = f.text("kind");
  StatusStep step;
  if (kind == "hang") step.kind = StatusStep::Kind::kHang;
  else if (kind == "crash") step.kind = StatusStep::Kind::kCrash;
  else if (kind == "unwritten") step.kind = StatusStep::Kind::kUnwritten;
  else if (kind == "status") step.kind = StatusStep::Kind::kStatus;
  else if (kind == "callFails") step.kind = StatusStep::Kind::kCallFails;
  else throw ScenarioError(f.path() + ".kind: unknown step kind \"" + kind + "\"");
  if (step.kind == StatusStep::Kind::kStatus || step.kind == StatusStep::Kind::kCallFails) step.hresult = f.hresult("hresult");
  step.delayMs = f.milliseconds("delayMs");
  return step;
}

ComponentScript componentFrom(const Fields& f) {
  ComponentScript c;
  const std::string check = f.text("check");
  if (check == "async") c.check = ComponentScript::Check::kAsync;
  else if (check == "no-async") c.check = ComponentScript::Check::kNoAsync;
  else if (check == "hang") c.check = ComponentScript::Check::kHang;
  else if (check == "fail") c.check = ComponentScript::Check::kFail;
  else throw ScenarioError(f.path() + ".check: unknown value \"" + check + "\"");
  c.checkHresult = f.hresult("checkHresult");
  const Json& steps = f.get("statuses", Json::Type::kArray);
  if (steps.array.empty()) throw ScenarioError(f.path() + ".statuses must not be empty");
  c.statuses.clear();
  for (std::size_t i = 0; i < steps.array.size(); ++i) {
    c.statuses.push_back(stepFrom(Fields(steps.array[i], f.path() + ".statuses[" + std::to_string(i) + "]")));
  }
  const Fields abort = f.object("abort");
  c.abort.returns = abort.hresult("returns");
  c.abort.delayMs = abort.milliseconds("delayMs");
  c.abort.hang = abort.flag("hang");
  c.abort.statusAfter = abort.hresult("statusAfter");
  c.preRestore = f.hresultOrHang("preRestore", &c.preRestoreHangs);
  c.postRestore = f.hresultOrHang("postRestore", &c.postRestoreHangs);
  return c;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

ApplicationScript applicationFrom(const Fields& f) {
  ApplicationScript app;
  app.writerId = upper(f.text("writerId"));
  app.identifier = f.text("identifier");
  if (!f.isNull("clsid")) app.clsid = upper(f.text("clsid"));
  app.activation = f.hresultOrHang("activation", &app.activationHangs);
  app.restoreSupport = f.flag("restoreSupport");
  const Fields roll = f.object("rollForward");
  app.rollForwardFails = roll.flag("fail");
  app.rollForwardHresult = roll.hresult("hresult");
  app.rollForwardSupported = roll.flag("supported");
  const Fields order = f.object("orderComponents");
  app.orderFails = order.flag("fail");
  app.orderHresult = order.hresult("hresult");
  app.orderHangs = order.optionalFlag("hang");
  app.hasOrder = !order.isNull("order");
  if (app.hasOrder) {
    for (const Json& name : order.get("order", Json::Type::kArray).array) {
      if (name.type != Json::Type::kString) throw ScenarioError(order.path() + ".order must hold component names");
      app.order.push_back(name.string);
    }
  }
  const Json& components = f.get("components", Json::Type::kObject);
  for (const auto& [name, script] : components.object) {
    app.components.emplace(name, componentFrom(Fields(script, f.path() + ".components[\"" + name + "\"]")));
  }
  return app;
}

}  // namespace

const ComponentScript& ApplicationScript::scriptFor(const std::string& component) const {
  static const ComponentScript kDefault;
  auto it = components.find(component);
  if (it == components.end()) it = components.find("*");
  return it == components.end() ? kDefault : it->second;
}

const ApplicationScript* Scenario::findByClsid(const std::string& clsid) const {
  const std::string wanted = upper(clsid);
  for (const ApplicationScript& app : applications) {
    if (app.clsid == wanted) return &app;
  }
  return nullptr;
}

bool parseScenario(const std::string& json, Scenario* out, std::string* error) {
  try {
    const Json root = JsonReader(json).document();
    const Fields top(root, "scenario");
    Scenario scenario;
    const Json& apps = top.get("applications", Json::Type::kArray);
    for (std::size_t i = 0; i < apps.array.size(); ++i) {
      scenario.applications.push_back(applicationFrom(Fields(apps.array[i], "scenario.applications[" + std::to_string(i) + "]")));
    }
    *out = std::move(scenario);
    return true;
  } catch (const std::exception& e) {  // ScenarioError, or bad_alloc on a huge file
    *error = e.what();
    return false;
  }
}

}  // namespace sample
