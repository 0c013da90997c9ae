// CopyRowCutter (parsers/pg_copy.h): the one COPY row cutter of the plain
// framer and the archive road, fed the same block at every chunk boundary.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "parsers/pg_copy.h"

namespace dbanon {
namespace {

RowPlan PlanOf(size_t columns, std::vector<size_t> configured) {
  RowPlan plan;
  plan.table = TableName{"public", "t"};
  plan.num_columns = columns;
  plan.configured.assign(columns, false);
  for (size_t c : configured) plan.configured[c] = true;
  for (size_t i = 0; i < columns; ++i) plan.column_names.push_back("c" + std::to_string(i));
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
Cutting Cut(std::string_view data, size_t chunk, const RowPlan* plan, bool drop = false) {
  CopyRowCutter cutter;
  cutter.Start("public.t", plan, drop, 1, 2, 1);
  Cutting result;
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

}  // namespace
}  // namespace dbanon
