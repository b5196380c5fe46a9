#include "json.h"

#include <cstdlib>
#include <utility>

#include "../com/wide_string.h"

namespace wsb::mock {
namespace {

constexpr int kMaxDepth = 64;  // scenarios are shallow; this only stops runaway recursion

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  bool document(JsonValue* out) {
    if (!value(out, 0)) return false;
    skipSpace();
    return at_ == text_.size() || fail("unexpected trailing characters");
  }

  std::string error() const { return error_ + " at offset " + std::to_string(at_); }

 private:
  bool fail(const char* message) {
    if (error_.empty()) error_ = message;
    return false;
  }

  void skipSpace() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) ++at_;
  }

  bool consume(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  bool value(JsonValue* out, int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    skipSpace();
    if (at_ == text_.size()) return fail("unexpected end of input");
    const char c = text_[at_];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') {
      std::string s;
      if (!string(&s)) return false;
      *out = JsonValue::makeString(std::move(s));
      return true;
    }
    if (consume("null")) return *out = JsonValue(), true;
    if (consume("true")) return *out = JsonValue::makeBool(true), true;
    if (consume("false")) return *out = JsonValue::makeBool(false), true;
    return number(out);
  }

  bool number(JsonValue* out) {
    const std::size_t start = at_;
    while (at_ < text_.size() && std::string_view("+-0123456789.eE").find(text_[at_]) != std::string_view::npos) ++at_;
    if (start == at_) return fail("unexpected character");
    const std::string token(text_.substr(start, at_ - start));
    char* end = nullptr;
    const double parsed = std::strtod(token.c_str(), &end);
    if (end != token.c_str() + token.size()) return fail("malformed number");
    *out = JsonValue::makeNumber(parsed);
    return true;
  }

  bool hex4(unsigned* unit) {
    if (text_.size() - at_ < 4) return fail("truncated \\u escape");
    *unit = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[at_++];
      const int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (digit < 0) return fail("bad \\u escape");
      *unit = (*unit << 4) | static_cast<unsigned>(digit);
    }
    return true;
  }

  // \uXXXX, joining a surrogate pair; a lone surrogate is refused (it has no UTF-8 form).
  bool unicodeEscape(std::string* out) {
    unsigned first = 0;
    if (!hex4(&first)) return false;
    char32_t cp = first;
    if (first >= 0xDC00 && first <= 0xDFFF) return fail("lone low surrogate");
    if (first >= 0xD800 && first <= 0xDBFF) {
      unsigned second = 0;
      if (!consume("\\u") || !hex4(&second) || second < 0xDC00 || second > 0xDFFF) return fail("lone high surrogate");
      cp = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
    }
    appendUtf8(cp, out);
    return true;
  }

  bool string(std::string* out) {
    ++at_;  // opening quote
    while (at_ < text_.size()) {
      const char c = text_[at_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (at_ == text_.size()) break;
      const char e = text_[at_++];
      const std::string_view simple("\"\\/bfnrt");
      const std::string_view decoded("\"\\/\b\f\n\r\t");
      const auto which = simple.find(e);
      if (which != std::string_view::npos) {
        out->push_back(decoded[which]);
      } else if (e != 'u' || !unicodeEscape(out)) {
        return fail("bad escape");
      }
    }
    return fail("unterminated string");
  }

  bool array(JsonValue* out, int depth) {
    ++at_;
    std::vector<JsonValue> items;
    skipSpace();
    if (consume("]")) return *out = JsonValue::makeArray(std::move(items)), true;
    for (;;) {
      JsonValue item;
      if (!value(&item, depth + 1)) return false;
      items.push_back(std::move(item));
      skipSpace();
      if (consume("]")) return *out = JsonValue::makeArray(std::move(items)), true;
      if (!consume(",")) return fail("expected , or ]");
    }
  }

  bool object(JsonValue* out, int depth) {
    ++at_;
    std::map<std::string, JsonValue> members;
    skipSpace();
    if (consume("}")) return *out = JsonValue::makeObject(std::move(members)), true;
    for (;;) {
      skipSpace();
      std::string key;
      if (at_ == text_.size() || text_[at_] != '"' || !string(&key)) return fail("expected a string key");
      skipSpace();
      if (!consume(":")) return fail("expected :");
      JsonValue member;
      if (!value(&member, depth + 1)) return false;
      members[std::move(key)] = std::move(member);
      skipSpace();
      if (consume("}")) return *out = JsonValue::makeObject(std::move(members)), true;
      if (!consume(",")) return fail("expected , or }");
    }
  }

  std::string_view text_;
  std::size_t at_ = 0;
  std::string error_;
};

}  // namespace

const JsonValue* JsonValue::find(const std::string& key) const {
  if (type_ != Type::kObject) return nullptr;
  const auto found = object_.find(key);
  return found == object_.end() ? nullptr : &found->second;
}

JsonValue JsonValue::makeBool(bool value) {
  JsonValue v;
  v.type_ = Type::kBool;
  v.boolean_ = value;
  return v;
}

JsonValue JsonValue::makeNumber(double value) {
  JsonValue v;
  v.type_ = Type::kNumber;
  v.number_ = value;
  return v;
}

JsonValue JsonValue::makeString(std::string value) {
  JsonValue v;
  v.type_ = Type::kString;
  v.string_ = std::move(value);
  return v;
}

JsonValue JsonValue::makeArray(std::vector<JsonValue> items) {
  JsonValue v;
  v.type_ = Type::kArray;
  v.array_ = std::move(items);
  return v;
}

JsonValue JsonValue::makeObject(std::map<std::string, JsonValue> members) {
  JsonValue v;
  v.type_ = Type::kObject;
  v.object_ = std::move(members);
  return v;
}

bool parseJson(std::string_view text, JsonValue* out, std::string* error) {
  Parser parser(text);
  if (parser.document(out)) return true;
  *error = parser.error();
  return false;
}

}  // namespace wsb::mock
