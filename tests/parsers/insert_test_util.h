// Test helpers for the INSERT framers: a resolver configured in code, simple
// anonymizers with visible outputs, and a driver that frames a dump in chunks
// and applies the rewriters as the pipeline does.
#ifndef DBANON_TESTS_PARSERS_INSERT_TEST_UTIL_H_
#define DBANON_TESTS_PARSERS_INSERT_TEST_UTIL_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "parsers/framer.h"

namespace dbanon::testing {

// Returns f(value) for non-NULL values; NULL stays NULL.
class FnAnonymizer : public Anonymizer {
 public:
  FnAnonymizer(std::string column, std::function<std::string(std::string_view)> f) : f_(std::move(f)) {
    columns_.push_back(std::move(column));
  }
  void Anonymize(std::span<const Cell> in, Scratch& scratch, std::span<Cell> out) const override {
    if (in[0].is_null) {
      out[0] = Cell::Null();
      return;
    }
    std::string& s = scratch.String(0);
    s = f_(in[0].value);
    out[0] = Cell{s, false};
  }

 private:
  std::function<std::string(std::string_view)> f_;
};

// Always NULL.
class NullOut : public Anonymizer {
 public:
  explicit NullOut(std::string column) { columns_.push_back(std::move(column)); }
  void Anonymize(std::span<const Cell>, Scratch&, std::span<Cell> out) const override { out[0] = Cell::Null(); }
};

// Two columns at once: swaps their values (to test multi-column steps).
class SwapPair : public Anonymizer {
 public:
  SwapPair(std::string a, std::string b) {
    columns_.push_back(std::move(a));
    columns_.push_back(std::move(b));
  }
  void Anonymize(std::span<const Cell> in, Scratch&, std::span<Cell> out) const override {
    out[0] = in[1];
    out[1] = in[0];
  }
};

inline std::unique_ptr<Anonymizer> Wrap(std::string column) {
  return std::make_unique<FnAnonymizer>(std::move(column), [](std::string_view v) {
    std::string s;  // not "<" + ... + ">": GCC 12 warns falsely (-Wrestrict) on it at -O3
    s.reserve(v.size() + 2);
    s.push_back('<');
    s.append(v);
    s.push_back('>');
    return s;
  });
}
inline std::unique_ptr<Anonymizer> Const(std::string column, std::string value) {
  return std::make_unique<FnAnonymizer>(std::move(column), [value](std::string_view) { return value; });
}

class TestResolver : public TableResolver {
 public:
  // Configures `anonymizer` on `table` (unqualified names are in public).
  void Add(TableName table, std::unique_ptr<Anonymizer> anonymizer) {
    tables_[Key(table)].anonymizers.push_back(std::move(anonymizer));
  }
  void Truncate(TableName table) { tables_[Key(table)].truncate = true; }

  absl::StatusOr<const RowPlan*> Resolve(const TableName& table, const std::vector<std::string>& columns) override {
    auto it = tables_.find(Key(table));
    if (it == tables_.end()) return nullptr;
    auto plan = std::make_unique<RowPlan>();
    plan->table = table;
    plan->num_columns = columns.size();
    plan->column_names = columns;
    plan->configured.assign(columns.size(), false);
    plan->truncate = it->second.truncate;
    if (!plan->truncate) {
      for (const auto& a : it->second.anonymizers) {
        RowPlan::Step step{a.get(), {}};
        for (const std::string& c : a->columns()) {
          size_t k = 0;
          while (k < columns.size() && columns[k] != c) ++k;
          if (k == columns.size()) {
            return absl::InvalidArgumentError("column '" + c + "' of table " + table.Display() + " is not in the dump");
          }
          step.columns.push_back(k);
          plan->configured[k] = true;
        }
        plan->steps.push_back(std::move(step));
      }
    }
    plans_.push_back(std::move(plan));
    return plans_.back().get();
  }
  bool IsConfigured(const TableName& table) const override { return tables_.count(Key(table)) > 0; }
  void CountRows(const TableName& table, int64_t rows) override { rows_[Key(table).Display()] += rows; }
  void SawTable(const TableName& table) override { ++blocks_[Key(table).Display()]; }

  std::map<std::string, int64_t> rows_;    // by "schema.table"
  std::map<std::string, int64_t> blocks_;

 private:
  struct Entry {
    std::vector<std::unique_ptr<Anonymizer>> anonymizers;
    bool truncate = false;
  };
  static TableName Key(const TableName& t) { return t.schema.empty() ? TableName{"public", t.table} : t; }
  std::map<TableName, Entry> tables_;
  std::vector<std::unique_ptr<RowPlan>> plans_;
};

struct Run {
  absl::Status status;
  std::string output;   // what the pipeline would write
  std::string rows;     // the bytes of kRows segments, concatenated
  std::string dropped;  // the bytes of kDrop segments
  std::vector<std::string> warnings;
};

// Frames `input` fed `chunk` bytes at a time (unconsumed bytes are passed
// again in front of the next chunk, as the pipeline does) and rewrites the
// kRows segments.
inline Run FrameAndRewrite(Framer& framer, std::string_view input, size_t chunk) {
  Run run;
  std::string pending;
  size_t fed = 0;
  Scratch scratch;
  while (true) {
    size_t take = std::min(chunk, input.size() - fed);
    pending.append(input.substr(fed, take));
    fed += take;
    const bool eof = fed == input.size();
    std::vector<Segment> segments;
    auto consumed = framer.Frame(pending, eof, &segments);
    if (!consumed.ok()) {
      run.status = consumed.status();
      return run;
    }
    size_t covered = 0;
    for (const Segment& s : segments) {
      if (s.begin != covered) {
        run.status = absl::InternalError("segments do not cover the input in order");
        return run;
      }
      covered = s.end;
      std::string_view bytes = std::string_view(pending).substr(s.begin, s.end - s.begin);
      if (s.kind == Segment::Kind::kRaw) {
        run.output.append(bytes);
      } else if (s.kind == Segment::Kind::kDrop) {
        run.dropped.append(bytes);
      } else {
        run.rows.append(bytes);
        absl::Status st = s.rewriter->Rewrite(*s.plan, bytes, s.first_line, s.first_col, &run.output, scratch);
        if (!st.ok()) {
          run.status = st;
          return run;
        }
      }
    }
    if (covered != *consumed) {
      run.status = absl::InternalError("segments do not end at the consumed offset");
      return run;
    }
    pending.erase(0, *consumed);
    if (eof) {
      if (!pending.empty()) run.status = absl::InternalError("bytes left at the end of input");
      run.warnings = framer.TakeWarnings();
      return run;
    }
  }
}

}  // namespace dbanon::testing

#endif  // DBANON_TESTS_PARSERS_INSERT_TEST_UTIL_H_
