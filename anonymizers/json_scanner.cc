// Grammar: RFC 8259, sections 2 (values, whitespace), 4 (objects),
// 5 (arrays), 6 (numbers) and 7 (strings).
#include "anonymizers/json_scanner.h"

#include "base/utf8.h"

namespace dbanon::json {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Length of a number starting at s[0], or 0 when there is none.
size_t NumberLength(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size()) return 0;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < s.size() && IsDigit(s[i])) ++i;
  } else {
    return 0;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i >= s.size() || !IsDigit(s[i])) return 0;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !IsDigit(s[i])) return 0;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  return i;
}

uint32_t Hex4(std::string_view s) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v * 16 + static_cast<uint32_t>(HexValue(s[i]));
  return v;
}

}  // namespace

bool Scanner::ScanString() {
  // pos_ is on the opening quote.
  size_t i = pos_ + 1;
  while (i < text_.size()) {
    char c = text_[i];
    if (c == '"') {
      pos_ = i + 1;
      return true;
    }
    if (static_cast<unsigned char>(c) < 0x20) {
      pos_ = i;
      return false;
    }
    if (c == '\\') {
      if (i + 1 >= text_.size()) break;
      char e = text_[i + 1];
      if (e == 'u') {
        if (i + 6 > text_.size()) break;
        for (size_t k = i + 2; k < i + 6; ++k) {
          if (HexValue(text_[k]) < 0) {
            pos_ = k;
            return false;
          }
        }
        i += 6;
        continue;
      }
      if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') {
        pos_ = i + 1;
        return false;
      }
      i += 2;
      continue;
    }
    ++i;
  }
  pos_ = text_.size();
  return false;
}

bool Scanner::ScanNumber() {
  size_t n = NumberLength(text_.substr(pos_));
  if (n == 0) return false;
  pos_ += n;
  return true;
}

bool Scanner::ScanLiteral(std::string_view word) {
  if (text_.substr(pos_, word.size()) != word) return false;
  pos_ += word.size();
  return true;
}

bool Scanner::Next(Token* token) {
  if (failed_) return false;
  for (;;) {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
    if (pos_ == text_.size()) {
      if (expect_ == Expect::kDone) return false;
      return Fail();
    }
    const char c = text_[pos_];
    const size_t begin = pos_;
    switch (expect_) {
      case Expect::kDone:
        return Fail();  // text after the value
      case Expect::kColon:
        if (c != ':') return Fail();
        ++pos_;
        expect_ = Expect::kValue;
        continue;
      case Expect::kCommaOrEnd:
        if (c == ',') {
          ++pos_;
          expect_ = stack_.back() == '{' ? Expect::kKey : Expect::kValue;
          continue;
        }
        if ((c == '}' && stack_.back() == '{') || (c == ']' && stack_.back() == '[')) {
          ++pos_;
          stack_.pop_back();
          *token = {c == '}' ? TokenKind::kEndObject : TokenKind::kEndArray, begin, pos_};
          AfterValue();
          return true;
        }
        return Fail();
      case Expect::kKeyOrEnd:
      case Expect::kKey:
        if (c == '}' && expect_ == Expect::kKeyOrEnd) {
          ++pos_;
          stack_.pop_back();
          *token = {TokenKind::kEndObject, begin, pos_};
          AfterValue();
          return true;
        }
        if (c != '"' || !ScanString()) return Fail();
        *token = {TokenKind::kKey, begin, pos_};
        expect_ = Expect::kColon;
        return true;
      case Expect::kValueOrEnd:
        if (c == ']') {
          ++pos_;
          stack_.pop_back();
          *token = {TokenKind::kEndArray, begin, pos_};
          AfterValue();
          return true;
        }
        [[fallthrough]];
      case Expect::kValue:
        switch (c) {
          case '{':
          case '[':
            if (stack_.size() >= max_depth_) return Fail();
            ++pos_;
            stack_.push_back(c);
            *token = {c == '{' ? TokenKind::kBeginObject : TokenKind::kBeginArray, begin, pos_};
            expect_ = c == '{' ? Expect::kKeyOrEnd : Expect::kValueOrEnd;
            return true;
          case '"':
            if (!ScanString()) return Fail();
            *token = {TokenKind::kString, begin, pos_};
            break;
          case 't':
            if (!ScanLiteral("true")) return Fail();
            *token = {TokenKind::kTrue, begin, pos_};
            break;
          case 'f':
            if (!ScanLiteral("false")) return Fail();
            *token = {TokenKind::kFalse, begin, pos_};
            break;
          case 'n':
            if (!ScanLiteral("null")) return Fail();
            *token = {TokenKind::kNull, begin, pos_};
            break;
          default:
            if (!ScanNumber()) return Fail();
            *token = {TokenKind::kNumber, begin, pos_};
            break;
        }
        AfterValue();
        return true;
    }
  }
}

bool IsValid(std::string_view text, size_t max_depth) {
  Scanner s(text, max_depth);
  Token t;
  while (s.Next(&t)) {
  }
  return s.ok();
}

bool IsNumber(std::string_view text) { return !text.empty() && NumberLength(text) == text.size(); }

void AppendUnescaped(std::string_view token, std::string* out) {
  std::string_view s = token.substr(1, token.size() - 2);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out->push_back(s[i]);
      continue;
    }
    char e = s[++i];
    switch (e) {
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'n': out->push_back('\n'); break;
      case 'r': out->push_back('\r'); break;
      case 't': out->push_back('\t'); break;
      case 'u': {
        uint32_t cp = Hex4(s.substr(i + 1));
        i += 4;
        if (cp >= 0xd800 && cp < 0xdc00 && i + 6 < s.size() && s.substr(i + 1, 2) == "\\u") {
          uint32_t low = Hex4(s.substr(i + 3));
          if (low >= 0xdc00 && low < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            i += 6;
          }
        }
        AppendUtf8(cp, out);
        break;
      }
      default: out->push_back(e); break;  // " \ /
    }
  }
}

void AppendQuoted(std::string_view value, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : value) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[(c >> 4) & 0xf]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

}  // namespace dbanon::json
