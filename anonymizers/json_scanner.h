// A small validating JSON scanner (RFC 8259) that yields tokens with their
// byte positions, for the json anonymizer: it rewrites a few tokens in place
// and copies every other byte unchanged, which a DOM parser cannot do.
//
// The scanner is iterative: its only per-level state is one byte on a heap
// stack, so deep nesting cannot overflow the call stack; `max_depth` bounds
// the memory. Bytes >= 0x80 inside strings are passed through without UTF-8
// validation (the database checks the encoding of what it loads).
//
// Thread-safety: a Scanner is used by one thread; the free functions are pure.
#ifndef DBANON_ANONYMIZERS_JSON_SCANNER_H_
#define DBANON_ANONYMIZERS_JSON_SCANNER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dbanon::json {

enum class TokenKind : uint8_t {
  kBeginObject,
  kEndObject,
  kBeginArray,
  kEndArray,
  kKey,     // a member name, quotes included
  kString,  // quotes included
  kNumber,
  kTrue,
  kFalse,
  kNull,
};

struct Token {
  TokenKind kind;
  size_t begin;  // byte offsets in the text: [begin, end)
  size_t end;
};

class Scanner {
 public:
  static constexpr size_t kDefaultMaxDepth = 100000;

  explicit Scanner(std::string_view text, size_t max_depth = kDefaultMaxDepth) : text_(text), max_depth_(max_depth) {}

  // Reads the next token. Returns false at the end of the text or at the
  // first error; ok() then tells which. After an error Next keeps returning
  // false.
  bool Next(Token* token);
  bool ok() const { return !failed_; }
  // Byte offset of the first error (meaningful when !ok()).
  size_t error_offset() const { return pos_; }
  // Number of containers open after the last token returned.
  size_t depth() const { return stack_.size(); }

 private:
  enum class Expect : uint8_t { kValue, kValueOrEnd, kKeyOrEnd, kKey, kColon, kCommaOrEnd, kDone };

  bool Fail() {
    failed_ = true;
    return false;
  }
  bool ScanString();
  bool ScanNumber();
  bool ScanLiteral(std::string_view word);
  void AfterValue() { expect_ = stack_.empty() ? Expect::kDone : Expect::kCommaOrEnd; }

  std::string_view text_;
  size_t max_depth_;
  size_t pos_ = 0;
  std::vector<char> stack_;  // '{' or '['
  Expect expect_ = Expect::kValue;
  bool failed_ = false;
};

// True when `text` is one complete JSON value (surrounding whitespace
// allowed) nested at most `max_depth` deep.
bool IsValid(std::string_view text, size_t max_depth = Scanner::kDefaultMaxDepth);
// True when `text` is exactly one JSON number (no whitespace).
bool IsNumber(std::string_view text);
// Appends the decoded contents of a string or key token (quotes included),
// as UTF-8. A lone surrogate escape is written as its 3-byte encoding.
// REQUIRES: `token` was accepted by the Scanner.
void AppendUnescaped(std::string_view token, std::string* out);
// Appends `value` as a JSON string: quotes, `"` `\` and control characters
// escaped, every other byte copied.
void AppendQuoted(std::string_view value, std::string* out);

}  // namespace dbanon::json

#endif  // DBANON_ANONYMIZERS_JSON_SCANNER_H_
