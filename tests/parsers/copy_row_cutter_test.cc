// CopyRowCutter (parsers/pg_copy.h): the one COPY row cutter of the plain
// framer and the archive road, fed the same block at every chunk boundary.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "parsers/pg_copy.h"
#include "tests/parsers/insert_test_util.h"

namespace dbanon {
namespace {

RowPlan PlanOf(size_t columns, std::vector<size_t> configured) {
  RowPlan plan;
  plan.table = TableName{"public", "t"};
  plan.num_columns = columns;
  plan.configured.assign(columns, false);
  for (size_t c : configured) plan.configured[c] = true;
  for (size_t i = 0; i < columns; ++i) plan.column_names.push_back(absl::StrCat("c", i));
  return plan;
}

struct Cutting {
  std::string listing;  // "kind[text]" per run of one kind, merged across calls
  std::string stop;     // how the last call stopped, or the error
  int64_t rows = 0;
};

const char* KindName(const Segment& s) {
  switch (s.kind) {
    case Segment::Kind::kRaw: return "raw";
    case Segment::Kind::kDrop: return "drop";
    case Segment::Kind::kRows: return s.rewriter == CopyTextRewriter() ? "rows" : "fields";
  }
  return "?";
}

// Feeds `data` `chunk` bytes at a time the way the framers do: the bytes a
// call does not cut come again at the start of the next call's input.
Cutting Cut(std::string_view data, size_t chunk, const RowPlan* plan, bool drop = false, size_t whole_row = 0,
            size_t max_row = 0, std::string* rewritten = nullptr) {
  CopyRowCutter cutter;
  if (whole_row != 0) cutter.set_limits(whole_row, max_row);
  cutter.Start("public.t", plan, drop, 1, 2, 1);
  Cutting result;
  Scratch scratch;
  std::string pending;
  std::string last_kind;
  size_t fed = 0;
  while (true) {
    size_t n = std::min(chunk, data.size() - fed);
    pending.append(data.substr(fed, n));
    fed += n;
    const bool eof = fed == data.size();
    std::vector<Segment> segments;
    size_t pos = 0;
    auto stop = cutter.Cut(pending, &pos, eof, &segments);
    if (!stop.ok()) {
      result.stop = std::string(stop.status().message());
      return result;
    }
    for (const Segment& s : segments) {
      if (rewritten != nullptr) {
        std::string_view bytes = std::string_view(pending).substr(s.begin, s.end - s.begin);
        if (s.kind == Segment::Kind::kRaw) rewritten->append(bytes);
        if (s.kind == Segment::Kind::kRows) {
          absl::Status st = s.rewriter->Rewrite(*s.plan, bytes, s.first_line, s.first_col, rewritten, scratch);
          if (!st.ok()) rewritten->append("ERROR: " + std::string(st.message()));
        }
      }
      std::string kind = KindName(s);
      if (kind != last_kind) {
        if (!last_kind.empty()) result.listing += "]";
        result.listing += kind + "[";
        last_kind = kind;
      }
      result.listing += pending.substr(s.begin, s.end - s.begin);
    }
    pending.erase(0, pos);
    switch (*stop) {
      case CopyRowCutter::Stop::kMore: result.stop = "more"; break;
      case CopyRowCutter::Stop::kEnd: result.stop = "end"; break;
      case CopyRowCutter::Stop::kEndNoNewline: result.stop = "end without newline"; break;
      case CopyRowCutter::Stop::kCutOff: result.stop = "cut off at col " + std::to_string(cutter.col()); break;
    }
    if (*stop != CopyRowCutter::Stop::kMore || eof) {
      pending.append(data.substr(fed));  // what follows the block
      if (!last_kind.empty()) result.listing += "]";
      if (!pending.empty()) result.listing += " left[" + pending + "]";
      result.rows = cutter.rows();
      return result;
    }
  }
}

TEST_CASE("a COPY block is cut into the same rows and end line at every chunk boundary") {
  const RowPlan plan = PlanOf(2, {1});
  const std::string block = "1\ta@x\n2\t\\N\n3\tc\\\\d\n\\.\nSELECT 1;\n";
  for (size_t chunk = 1; chunk <= block.size(); ++chunk) {
    CAPTURE(chunk);
    Cutting c = Cut(block, chunk, &plan);
    CHECK(c.stop == "end");
    CHECK(c.rows == 3);
    CHECK(c.listing == "rows[1\ta@x\n2\t\\N\n3\tc\\\\d\n]raw[\\.\n] left[SELECT 1;\n]");
    Cutting pass = Cut(block, chunk, nullptr);
    CHECK(pass.listing == "raw[1\ta@x\n2\t\\N\n3\tc\\\\d\n\\.\n] left[SELECT 1;\n]");
    Cutting drop = Cut(block, chunk, nullptr, true);
    CHECK(drop.listing == "drop[1\ta@x\n2\t\\N\n3\tc\\\\d\n]raw[\\.\n] left[SELECT 1;\n]");
  }
}

TEST_CASE("the whole rows one call cuts are one segment that starts at its first row's line") {
  const RowPlan plan = PlanOf(2, {1});
  for (const RowPlan* p : {&plan, static_cast<const RowPlan*>(nullptr)}) {
    CopyRowCutter cutter;
    cutter.Start("public.t", p, false, 1, 2, 1);
    std::vector<Segment> segments;
    size_t pos = 0;
    const std::string first = "1\ta\n2\tb\n3\tc";
    auto stop = cutter.Cut(first, &pos, false, &segments);
    REQUIRE(stop.ok());
    CHECK(*stop == CopyRowCutter::Stop::kMore);
    CHECK(pos == 8);
    REQUIRE(segments.size() == 1);
    CHECK(segments[0].begin == 0);
    CHECK(segments[0].end == 8);
    CHECK(segments[0].first_line == 2);
    // The next call starts inside its input, at the row left over.
    const std::string second = "xx3\tc\n4\td\n\\.\n";
    segments.clear();
    pos = 2;
    stop = cutter.Cut(second, &pos, false, &segments);
    REQUIRE(stop.ok());
    CHECK(*stop == CopyRowCutter::Stop::kEnd);
    REQUIRE(segments.size() == (p != nullptr ? 2 : 1));  // passed through, the end line joins the rows
    CHECK(segments[0].begin == 2);
    CHECK(segments[0].end == (p != nullptr ? 10 : second.size()));
    CHECK(segments[0].first_line == 4);
    if (p != nullptr) CHECK(segments[1].first_line == 6);
    CHECK(cutter.rows() == 4);
  }
}

TEST_CASE("the end line of a COPY block may end in CR LF, or the input without a newline") {
  const RowPlan plan = PlanOf(2, {1});
  for (size_t chunk : {1, 2, 3, 100}) {
    CAPTURE(chunk);
    CHECK(Cut("1\ta\r\n\\.\r\n", chunk, &plan).listing == "rows[1\ta\r\n]raw[\\.\r\n]");
    Cutting c = Cut("1\ta\n\\.", chunk, &plan);
    CHECK(c.stop == "end without newline");
    CHECK(c.listing == "rows[1\ta\n]raw[\\.]");
    // `\.` inside a row, or followed by more text, is data.
    CHECK(Cut("\\.x\n\\.\n", chunk, &plan).listing == "rows[\\.x\n]raw[\\.\n]");
  }
}

TEST_CASE("a COPY block cut off by the end of input says where") {
  const RowPlan plan = PlanOf(2, {1});
  CHECK(Cut("1\ta\n2\tb", 3, &plan).stop == "cut off at col 4");
  CHECK(Cut("1\ta\n", 3, &plan).stop == "more");
}

TEST_CASE("the rows of one COPY block keep the line ending of its first row") {
  const RowPlan plan = PlanOf(2, {1});
  CHECK(Cut("1\ta\r\n2\tb\n\\.\n", 4, &plan).stop ==
        "3:4: a row of table public.t ends with LF but the first row of its COPY block (started at line 1) with "
        "CR LF: COPY refuses mixed line endings");
  CHECK(Cut("1\ta\n2\tb\r\n\\.\n", 4, &plan).stop ==
        "3:4: a row of table public.t ends with CR LF but the first row of its COPY block (started at line 1) with "
        "LF: COPY refuses mixed line endings");
}

TEST_CASE("a long line of a table that is not configured passes through in pieces") {
  const std::string line(1000, 'x');
  Cutting c = Cut("1\t" + line + "\n\\.\n", 64, nullptr);
  CHECK(c.stop == "end");
  CHECK(c.listing == "raw[1\t" + line + "\n\\.\n]");
  CHECK(c.rows == 1);
}

RowPlan PlanWith(std::vector<RowPlan::Step> steps, size_t columns) {
  RowPlan plan = PlanOf(columns, {});
  for (const RowPlan::Step& step : steps) {
    for (size_t c : step.columns) plan.configured[c] = true;
  }
  plan.steps = std::move(steps);
  return plan;
}

std::string RewriteWhole(const RowPlan& plan, std::string_view rows) {
  Scratch scratch;
  std::string out;
  absl::Status st = RewriteCopyRows(plan, rows, 2, &out, scratch);
  return st.ok() ? out : "ERROR: " + std::string(st.message());
}

TEST_CASE("a row longer than the whole-row limit is cut field by field and rewritten as a whole row would be") {
  auto wrap = testing::Wrap("c1");
  auto wrap3 = testing::Wrap("c3");
  auto swap = std::make_unique<testing::SwapPair>("c1", "c3");
  const RowPlan one = PlanWith({{wrap.get(), {1}}}, 4);
  const RowPlan two = PlanWith({{wrap.get(), {1}}, {wrap3.get(), {3}}}, 4);
  const RowPlan first = PlanWith({{wrap.get(), {0}}}, 2);
  const RowPlan pair = PlanWith({{swap.get(), {1, 3}}}, 4);
  const std::string long_field(40, 'x');
  const std::string rows = "1\ta@x\t" + long_field + "\tz\\tq\n2\t\\N\tshort\t\\\\\n3\tb\\\\\\tc\t" + long_field +
                           "\\n\t" + long_field + "\n";
  for (const RowPlan* plan : {&one, &two, &pair}) {
    const std::string want = RewriteWhole(*plan, rows) + "\\.\n";
    for (size_t chunk = 1; chunk <= 70; ++chunk) {
      CAPTURE(chunk);
      std::string got;
      Cutting c = Cut(rows + "\\.\n", chunk, plan, false, 16, 1 << 20, &got);
      CHECK(c.stop == "end");
      CHECK(c.rows == 3);
      CHECK(got == want);
    }
  }
  const std::string crlf = long_field + "\t" + long_field + "\r\nab\tcd\r\n\\.\r\n";
  for (size_t chunk : {1, 2, 3, 7, 64}) {
    CAPTURE(chunk);
    std::string got;
    CHECK(Cut(crlf, chunk, &first, false, 16, 1 << 20, &got).stop == "end");
    CHECK(got == "<" + long_field + ">\t" + long_field + "\r\n<ab>\tcd\r\n\\.\r\n");
  }
  // The fields no anonymizer reads pass on as they come: a held piece never
  // holds the long field.
  Cutting c = Cut(rows + "\\.\n", 8, &one, false, 16, 1 << 20);
  CHECK(c.listing.find("fields[a@x]") != std::string::npos);
  CHECK(c.listing.find("fields[b\\\\\\tc]") != std::string::npos);
}

TEST_CASE("a long row with a wrong field count, a bad escape or a cut-off end is refused with its position") {
  auto wrap = testing::Wrap("c1");
  const RowPlan plan = PlanWith({{wrap.get(), {1}}}, 3);
  const std::string x(40, 'x');
  for (size_t chunk : {1, 5, 16}) {
    CAPTURE(chunk);
    CHECK(Cut("1\t" + x + "\n\\.\n", chunk, &plan, false, 16, 1 << 20).stop ==
          "2:43: row of table public.t has 2 fields, expected 3");
    CHECK(Cut("1\t" + x + "\t2\t3\n\\.\n", chunk, &plan, false, 16, 1 << 20).stop ==
          "2:45: row of table public.t has more than 3 fields, expected 3");
    CHECK(Cut("1\t" + x + "\t2\\\n\\.\n", chunk, &plan, false, 16, 1 << 20).stop ==
          "2:45: invalid escape: backslash at the end of a row of table public.t");
    CHECK(Cut("1\t" + x + "\t2", chunk, &plan, false, 16, 1 << 20).stop == "cut off at col 45");
  }
  // An anonymizer of two columns around a long third one holds no more than
  // the limit.
  auto swap = std::make_unique<testing::SwapPair>("c0", "c2");
  const RowPlan pair = PlanWith({{swap.get(), {0, 2}}}, 3);
  CHECK(Cut("1\t" + x + x + "\t3\n\\.\n", 8, &pair, false, 16, 64).stop.find(
            "2:1: a row of configured table public.t is too long to hold") == 0);
}

TEST_CASE("the client encodings whose characters hold ASCII bytes are known by PostgreSQL's names") {
  CHECK(PgCharLayoutNamed("SJIS") == CharLayout::kSjis);
  CHECK(PgCharLayoutNamed("Shift_JIS_2004") == CharLayout::kSjis);
  CHECK(PgCharLayoutNamed("win932") == CharLayout::kSjis);
  CHECK(PgCharLayoutNamed("BIG5") == CharLayout::kTwoByte);
  CHECK(PgCharLayoutNamed("gbk") == CharLayout::kTwoByte);
  CHECK(PgCharLayoutNamed("UHC") == CharLayout::kTwoByte);
  CHECK(PgCharLayoutNamed("GB18030") == CharLayout::kGb18030);
  CHECK(PgCharLayoutNamed("JOHAB") == CharLayout::kJohab);
  CHECK(PgCharLayoutNamed("UTF8") == CharLayout::kAsciiSafe);
  CHECK(PgCharLayoutNamed("EUC_JP") == CharLayout::kAsciiSafe);  // every byte of a character >= 0x80
  CHECK(PgClientEncodingLayout("SET client_encoding = 'SJIS';") == CharLayout::kSjis);
  CHECK(PgClientEncodingLayout("SET client_encoding TO 'LATIN1';") == CharLayout::kAsciiSafe);
  CHECK(!PgClientEncodingLayout("SELECT 1;").has_value());
}

// SJIS '表' is 0x95 0x5C: its second byte is an ASCII backslash.
constexpr char kHyo[] = "\x95\x5c";

TEST_CASE("in SJIS a 0x5C second byte is part of its character, not a backslash") {
  std::vector<std::string_view> fields;
  const std::string row = std::string("1\t") + kHyo + "\t" + kHyo + kHyo + "\\\\x\t" + kHyo;
  REQUIRE(SplitCopyRow(row, CharLayout::kSjis, &fields) == CopySplit::kOk);
  REQUIRE(fields.size() == 4);
  CHECK(fields[1] == kHyo);
  CHECK(fields[3] == kHyo);
  std::string value;
  CopyUnescape(fields[2], &value, CharLayout::kSjis);
  CHECK(value == std::string(kHyo) + kHyo + "\\x");
  // Read as ASCII, the same row ends in an unpaired backslash (today's refusal).
  CHECK_FALSE(SplitCopyRow(row, &fields));
  CHECK(SplitCopyRow(std::string(kHyo) + "\tx", &fields));
  CHECK(fields.size() == 1);  // an escaped TAB
  // Half-width katakana (0xA1..0xDF) are one byte: the 0x5C after one is a backslash.
  CHECK(SplitCopyRow("\xb1\\t", CharLayout::kSjis, &fields) == CopySplit::kOk);
  CHECK(fields.size() == 1);
  CHECK(SplitCopyRow("a\\\x95\x5c", CharLayout::kSjis, &fields) == CopySplit::kEscapedMultibyte);
  CHECK(SplitCopyRow("a\x95", CharLayout::kSjis, &fields) == CopySplit::kCutCharacter);
  CHECK(SplitCopyRow("a\\", CharLayout::kSjis, &fields) == CopySplit::kTrailingBackslash);
  // BIG5 '功' (0xA5 0x5C), GB18030 four-byte characters, JOHAB's three-byte 0x8F.
  CHECK(SplitCopyRow("\xa5\x5c\tb", CharLayout::kTwoByte, &fields) == CopySplit::kOk);
  CHECK(fields.size() == 2);
  CHECK(SplitCopyRow("\x81\x30\x81\x5c\tb", CharLayout::kGb18030, &fields) == CopySplit::kOk);
  CHECK(fields.size() == 2);
  CHECK(SplitCopyRow("b\t\x81\x30\x81", CharLayout::kGb18030, &fields) == CopySplit::kCutCharacter);
  CHECK(SplitCopyRow("\x81\x30\x81\x30\tb", CharLayout::kGb18030, &fields) == CopySplit::kOk);
  CHECK(fields.size() == 2);
  CHECK(SplitCopyRow("\x8f\x5c\x5c\tb", CharLayout::kJohab, &fields) == CopySplit::kOk);
  CHECK(fields.size() == 2);
}

TEST_CASE("SJIS rows are rewritten character by character, whole and field by field") {
  auto wrap = testing::Wrap("c1");
  const RowPlan plan = PlanWith({{wrap.get(), {1}}}, 3);
  const std::string hyo(kHyo);
  const std::string rows = "1\t" + hyo + "a" + hyo + "\t" + hyo + "\n2\t" + std::string(40, 'x') + hyo + "\t" +
                           std::string(40, 'y') + hyo + "\n";
  std::string whole;
  Scratch scratch;
  REQUIRE(CopyTextRewriter(CharLayout::kSjis)->Rewrite(plan, rows, 2, 1, &whole, scratch).ok());
  // The value handed to the anonymizer is the characters, 0x5C bytes kept:
  // the rewriter escapes the '\' of the result, and only that one.
  CHECK(whole == "1\t<" + hyo + "a" + hyo + ">\t" + hyo + "\n2\t<" + std::string(40, 'x') + hyo + ">\t" +
                     std::string(40, 'y') + hyo + "\n");
  for (size_t chunk : {1, 2, 3, 5, 16, 200}) {
    CAPTURE(chunk);
    CopyRowCutter cutter;
    cutter.set_limits(16, 1 << 20);
    cutter.Start("public.t", &plan, false, 1, 2, 1, CharLayout::kSjis);
    std::string pending, got;
    size_t fed = 0;
    const std::string data = rows + "\\.\n";
    while (true) {
      size_t n = std::min(chunk, data.size() - fed);
      pending.append(data, fed, n);
      fed += n;
      std::vector<Segment> segments;
      size_t pos = 0;
      auto stop = cutter.Cut(pending, &pos, fed == data.size(), &segments);
      REQUIRE(stop.ok());
      for (const Segment& s : segments) {
        std::string_view bytes = std::string_view(pending).substr(s.begin, s.end - s.begin);
        if (s.kind == Segment::Kind::kRows) {
          REQUIRE(s.rewriter->Rewrite(*s.plan, bytes, s.first_line, s.first_col, &got, scratch).ok());
        } else {
          got.append(bytes);
        }
      }
      pending.erase(0, pos);
      if (*stop != CopyRowCutter::Stop::kMore) break;
      REQUIRE(fed < data.size());
    }
    CHECK(got == whole + "\\.\n");
  }
}

}  // namespace
}  // namespace dbanon
