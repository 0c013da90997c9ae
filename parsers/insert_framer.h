// What the framers of INSERT dumps share, whatever the dialect (PostgreSQL
// --inserts in pg_plain_framer, MySQL/MariaDB and SQLite in sql_script_framer):
//
//  * LineTracker / SegmentSink: emit segments with their line and column,
//    counting lines lazily with memchr.
//  * InsertValuesFramer: frames the VALUES list of one statement, tuple by
//    tuple: tuples of a configured table become kRows segments (whole tuples,
//    so workers share one huge statement batch by batch); a tuple longer than
//    kMaxTupleBytes is framed value by value instead, the values between the
//    configured ones streaming through; unconfigured tables stream through;
//    truncated tables are dropped. Only a partial tuple (or a partial run of
//    configured values) is ever carried over between calls.
//
// The statements around the tuples are read by parsers/sql_statements.h,
// their tables looked up in parsers/table_catalog.h.
//
// Thread-safety: one framer thread.
#ifndef DBANON_PARSERS_INSERT_FRAMER_H_
#define DBANON_PARSERS_INSERT_FRAMER_H_

#include <map>
#include <memory>
#include <set>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "parsers/framer.h"
#include "parsers/sql_tuples.h"
#include "parsers/table_catalog.h"

namespace dbanon {

// Line and column of byte offsets in one framing call's input, counted with
// memchr from an anchor. Offsets normally increase; an earlier one is
// recounted from the anchor.
class LineTracker {
 public:
  void Reset(std::string_view input, size_t pos, int64_t line, int64_t col);
  // 1-based line and column of input[pos].
  std::pair<int64_t, int64_t> At(size_t pos);

 private:
  std::string_view input_;
  size_t anchor_pos_ = 0;
  int64_t anchor_line_ = 1, anchor_col_ = 1;
  size_t pos_ = 0;
  int64_t line_ = 1, col_ = 1;
};

// Appends segments in order, merging neighbours of the same kind and plan.
class SegmentSink {
 public:
  void Reset(std::vector<Segment>* out, std::string_view input, size_t pos, int64_t line, int64_t col);
  void Emit(Segment::Kind kind, size_t begin, size_t end, const RowPlan* plan = nullptr,
            const RowRewriter* rewriter = nullptr);
  LineTracker& lines() { return lines_; }

 private:
  std::vector<Segment>* out_ = nullptr;
  LineTracker lines_;
};

class InsertValuesFramer {
 public:
  // A configured tuple longer than this is framed value by value.
  static constexpr size_t kMaxTupleBytes = size_t{8} << 20;
  // The configured values that one anonymizer reads, with what lies between
  // them, must fit in this many bytes.
  static constexpr size_t kMaxValueBytes = size_t{64} << 20;

  // Starts the VALUES list of a statement that began at `statement_line`.
  void Begin(const SqlDialect& d, const InsertTarget& target, int64_t statement_line);

  // Frames input[*pos ...]. On return either *done is true and *pos is the
  // first byte after the VALUES list (the statement goes on from there), or
  // the input ran out: *pos is where the caller must resume, with the bytes
  // from *pos passed again at the start of its next input (a partial tuple of
  // a configured table is carried this way). Errors: DataLoss
  // "LINE:COL: message" for malformed or cut-off input, naming the table.
  absl::Status Frame(std::string_view input, size_t* pos, bool eof, SegmentSink* sink, bool* done);

  int64_t rows() const { return rows_; }
  const TableName& table() const { return target_.table; }
  bool drop() const { return target_.drop; }

 private:
  struct Group {
    size_t first = 0, last = 0;  // column positions, inclusive
    std::unique_ptr<RowPlan> plan;
  };
  const std::vector<Group>& GroupsFor(const RowPlan* plan);
  // Between tuples, in code, outside any versioned comment, in a dialect
  // without multibyte rules: SkimTuples (parsers/sql_tuples.h) may pass the
  // next tuples. Skim does, and returns how many it passed.
  bool CanSkim() const;
  size_t Skim(std::string_view input, size_t* pos);
  absl::Status Error(SegmentSink* sink, size_t pos, std::string_view what);
  absl::Status EndOfInputError(SegmentSink* sink, size_t pos);
  absl::Status FramePassThrough(std::string_view input, size_t* pos, bool eof, SegmentSink* sink, bool* done);
  absl::Status FrameConfigured(std::string_view input, size_t* pos, bool eof, SegmentSink* sink, bool* done);
  // Value-by-value framing of one long tuple; returns with *streaming_ done
  // at its ')' or when input runs out.
  absl::Status FrameLongTuple(std::string_view input, size_t* p, size_t* raw_from, bool eof, SegmentSink* sink,
                              bool* stop, size_t* resume_at);

  const SqlDialect* d_ = nullptr;
  InsertTarget target_;
  const RowPlan* plan_ = nullptr;
  int64_t statement_line_ = 0;
  TupleScanState scan_;
  bool expect_tuple_ = true;   // after VALUES or a ',' between tuples
  bool first_checked_ = false;
  int64_t rows_ = 0;
  size_t values_ = 0;          // values seen in the current tuple
  // A partial tuple (or run of values) carried to the next call: scanning
  // resumes `resume_` bytes after the start of the next input.
  bool carrying_ = false;
  size_t resume_ = 0;
  // Value-by-value framing of a long tuple.
  bool streaming_ = false;
  size_t value_index_ = 0;
  int group_ = -1;             // the group whose values are being held, or -1
  std::map<const RowPlan*, std::vector<Group>> groups_;
};

}  // namespace dbanon

#endif  // DBANON_PARSERS_INSERT_FRAMER_H_
