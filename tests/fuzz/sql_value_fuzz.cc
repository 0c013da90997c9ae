// Fuzz target for the INSERT value lexer (parsers/sql_literals.h): one value's
// literal in and out, in the three dialects. The first input byte picks the
// dialect (PostgreSQL with and without standard_conforming_strings, MySQL,
// SQLite) and whether the column is numeric; the rest is split, at a point
// derived from the input, into a value's text and a replacement.
//
// Properties, for a value that DecodeValue reads (other than DEFAULT):
//  * writing back the decoded bytes, or any replacement bytes, gives a
//    literal that reads back to exactly those bytes;
//  * when the original is one value to the tuple scanner (`(v)` is a tuple
//    of one value, `(v, v)` of two), so is that literal, whatever quotes,
//    commas, semicolons, backslashes or comment openers the bytes hold.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/sql_tuples.h"
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

// The events the tuple scanner reports over `tuple`, up to the first
// kOuter or the end; `*at_end` tells whether it consumed everything.
std::vector<TupleEvent> Events(const SqlDialect& d, const std::string& tuple, bool* at_end) {
  TupleScanState state;
  size_t pos = 0;
  std::vector<TupleEvent> events;
  while (events.size() < 8) {
    TupleEvent e = ScanTuples(d, &state, tuple, &pos, true);
    if (e == TupleEvent::kEnd) break;
    events.push_back(e);
    if (e == TupleEvent::kOuter) break;
  }
  *at_end = pos == tuple.size();
  return events;
}

// True when the tuple scanner reads `(lit)` as one tuple of one value and
// `(lit, lit)` as one tuple of two.
bool IsOneValue(const SqlDialect& d, std::string_view lit) {
  const std::string v(lit);
  bool end1, end2;
  const std::vector<TupleEvent> one = Events(d, "(" + v + ")", &end1);
  const std::vector<TupleEvent> two = Events(d, "(" + v + ", " + v + ")", &end2);
  return end1 && end2 && one == std::vector<TupleEvent>{TupleEvent::kOpen, TupleEvent::kClose} &&
         two == std::vector<TupleEvent>{TupleEvent::kOpen, TupleEvent::kComma, TupleEvent::kClose};
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
