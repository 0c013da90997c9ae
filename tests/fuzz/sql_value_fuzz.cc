// Fuzz target for the INSERT value lexer (parsers/sql_values.h): one value's
// literal in and out, in the three dialects. The first input byte picks the
// dialect (PostgreSQL with and without standard_conforming_strings, MySQL,
// SQLite) and whether the column is numeric; the rest is split, at a point
// derived from the input, into a value's text and a replacement.
//
// Properties, for a value that DecodeValue reads (other than DEFAULT):
//  * writing back the decoded bytes, or any replacement bytes, gives a
//    literal that reads back to exactly those bytes;
//  * that literal is one value to the tuple scanner: `(lit, lit)` is one
//    tuple of two values, whatever quotes, commas, semicolons, backslashes
//    or comment openers the bytes hold.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/sql_values.h"
#include "tests/fuzz/fuzz_util.h"

namespace dbanon::fuzz {
namespace {

const SqlDialect& DialectOf(uint8_t b) {
  switch (b % 4) {
    case 0: return PostgresDialect(true);
    case 1: return PostgresDialect(false);
    case 2: return MySqlDialect();
    default: return SqliteDialect();
  }
}

// True when the tuple scanner reads `(lit, lit)` as one tuple of two values.
bool IsOneValue(const SqlDialect& d, std::string_view lit) {
  std::string tuple = "(" + std::string(lit) + ", " + std::string(lit) + ")";
  TupleScanState state;
  size_t pos = 0;
  TupleEvent events[4];
  int n = 0;
  while (n < 4) {
    TupleEvent e = ScanTuples(d, &state, tuple, &pos, true);
    if (e == TupleEvent::kEnd) break;
    events[n++] = e;
    if (e == TupleEvent::kOuter) break;
  }
  return n == 3 && events[0] == TupleEvent::kOpen && events[1] == TupleEvent::kComma &&
         events[2] == TupleEvent::kClose && pos == tuple.size();
}

// Writes `replacement` in the form of `text` and checks it reads back, as
// one value when `text` was one.
void CheckRoundTrip(const SqlDialect& d, std::string_view text, const SqlValue& v, bool numeric,
                    std::string_view replacement) {
  std::string lit;
  EncodeValue(d, text, v, numeric, Cell{replacement, false}, &lit);
  SqlValue back;
  std::string decoded;
  absl::Status s = DecodeValue(d, lit, &back, &decoded);
  FUZZ_CHECK(s.ok(), "an encoded value decodes");
  FUZZ_CHECK(decoded == replacement, "an encoded value decodes to the replacement");
  if (IsOneValue(d, text)) FUZZ_CHECK(IsOneValue(d, lit), "an encoded value is one value to the tuple scanner");
}

}  // namespace
}  // namespace dbanon::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dbanon;
  using namespace dbanon::fuzz;
  if (size < 1 || size > 65536) return -1;
  const SqlDialect& d = DialectOf(data[0]);
  const bool numeric = (data[0] & 4) != 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t cut = rest.empty() ? 0 : Hash(rest) % (rest.size() + 1);
  std::string_view text = rest.substr(0, cut);
  std::string_view replacement = rest.substr(cut);

  SqlValue v;
  std::string decoded;
  absl::Status s = DecodeValue(d, text, &v, &decoded);
  if (!s.ok()) {
    FUZZ_CHECK(s.code() == absl::StatusCode::kInvalidArgument, "value errors are InvalidArgument");
    // Any replacement still has a literal, as a plain string.
    SqlValue plain;
    std::string dummy;
    FUZZ_CHECK(DecodeValue(d, "NULL", &plain, &dummy).ok(), "NULL decodes");
    CheckRoundTrip(d, "NULL", plain, numeric, replacement);
    return 0;
  }
  if (v.kind == SqlValue::Kind::kDefault) return 0;
  CheckRoundTrip(d, text, v, numeric, decoded);
  CheckRoundTrip(d, text, v, numeric, replacement);
  return 0;
}
