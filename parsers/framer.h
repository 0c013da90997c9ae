// The interface between the pipeline and the dump dialects. Read this header
// first when adding a dump format.
//
// A Framer cuts the input byte stream into Segments: raw spans that go to the
// output unchanged, spans of whole data rows of a configured table that a
// worker thread rewrites (see RowRewriter), and spans that are dropped (the
// data of a truncated table). Framing is sequential (one framer per input, on
// one thread); rewriting runs on many threads.
//
// Thread-safety: a Framer is used by one thread. RowPlans it hands out are
// immutable and stay valid for the framer's lifetime; they may be read from
// any thread.
#ifndef DBANON_PARSERS_FRAMER_H_
#define DBANON_PARSERS_FRAMER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "anonymizers/anonymizer.h"
#include "base/source_position.h"
#include "parsers/column_types.h"
#include "parsers/pg_identifier.h"

namespace dbanon {

// How one table's rows are rewritten: which column positions each configured
// anonymizer reads and writes.
struct RowPlan {
  TableName table;
  size_t num_columns = 0;
  std::vector<std::string> column_names;
  struct Step {
    const Anonymizer* anonymizer;
    std::vector<size_t> columns;  // positions in the row, in anonymizer->columns() order
  };
  std::vector<Step> steps;
  // Per column position: true when some step writes it.
  std::vector<bool> configured;
  // The table's data is dropped: COPY keeps its header and `\.` without rows,
  // INSERT statements disappear. `steps` is empty then.
  bool truncate = false;
  // What the dump's DDL says of each column (filled by the framer from the
  // table's CREATE TABLE in the dump, or the TABLE entry of an archive):
  // empty, or one entry per column (default facts where the DDL is
  // unknown). Readers check the size.
  struct ColumnInfo {
    bool numeric = false;                  // a number type: values are bare literals
    bool generated = false;                // GENERATED ALWAYS AS / AS (...)
    // A generated column whose expression reads a configured column
    // (directly or through another such column): INSERT rewriters write the
    // keyword DEFAULT in its place, so the server recomputes it from the
    // anonymized values and the dumped value (derived from the original)
    // goes. Such a column is also marked in `configured`, without a step.
    bool write_default = false;
    std::vector<std::string> enum_labels;  // MySQL ENUM('a','b'): the only values allowed
    // MySQL: the versioned comment (/*!NNNNN ... */, VersionedCommentTag in
    // parsers/sql_dialect.h) that holds the ',' or ')' after the column in
    // the CREATE TABLE or column list, 0 when none: each value of a tuple
    // must sit in the same comment, or the row is refused.
    int version = 0;
    // varchar(n)/char(n) length or integer range: the rewriters fit every
    // replacement to it (FitView), so the dump loads back.
    ColumnLimit limit;
    // NOT NULL (or PRIMARY KEY), directly or through a domain.
    bool not_null = false;
    // UNIQUE or PRIMARY KEY on this column alone, when the CREATE TABLE says
    // so (MySQL's UNIQUE KEY lines; pg_dump adds its constraints after the
    // data, so a plain pg_dump leaves this false).
    bool unique_key = false;
  };
  std::vector<ColumnInfo> column_info;
};

// Decides, when a framer meets the data of a table, whether and how its rows
// are rewritten. Implemented by the config (src/plan.h).
class TableResolver {
 public:
  virtual ~TableResolver() = default;
  // Returns the plan for `table` whose data rows have `columns` in this
  // order, or nullptr when nothing of the table is configured. The plan
  // stays valid for the resolver's lifetime.
  // Errors: InvalidArgument when a configured column is not in `columns`
  // (the message names the table and column, without a position).
  virtual absl::StatusOr<const RowPlan*> Resolve(const TableName& table, const std::vector<std::string>& columns) = 0;
  // True when some column of `table` is configured (or the table is to be
  // truncated).
  virtual bool IsConfigured(const TableName& table) const = 0;
  // Row counting, for the run summary.
  virtual void CountRows(const TableName& table, int64_t rows) = 0;
  // Called once per data block (COPY block or INSERT statement) seen.
  virtual void SawTable(const TableName& table) = 0;
  // The dump's DDL (or the --schema dump) declares `child` a partition or an
  // INHERITS child of `parent` (parsers/sql_statements.h PgParentLinks). In
  // the database an UPDATE of `parent` reaches `child`'s rows: so does a
  // config on `parent`, from the next Resolve/IsConfigured on.
  virtual void NoteParent(const TableName& child, const TableName& parent) {
    (void)child;
    (void)parent;
  }
  // The dump's DDL (or the --schema dump) creates `table`.
  virtual void NoteCreated(const TableName& table) { (void)table; }
  // The dump's DDL declares `column` of `table` generated (PostgreSQL's
  // GENERATED ALWAYS AS (...), MySQL's and SQLite's AS (...)): the server
  // computes its value on restore. Coverage counts it as covered (strict
  // mode, `dbanon check`), and a `keep` for it is accepted; an anonymizer on
  // it stays an error (configure the columns it is computed from).
  virtual void NoteGenerated(const TableName& table, const std::string& column) {
    (void)table;
    (void)column;
  }
  // The dump's DDL declares `column` of `table` INVISIBLE (MariaDB, MySQL
  // 8): an INSERT without a column list carries no value for it, so a
  // configured invisible column absent from a statement's columns is not
  // an error (Resolve skips its anonymizer for those rows).
  virtual void NoteInvisible(const TableName& table, const std::string& column) {
    (void)table;
    (void)column;
  }
  // The dump's DDL (CREATE TABLE, an archive's TABLE entry, the --schema
  // dump) types `column` of `table` with a type of `family`
  // (parsers/column_types.h; kUnknown for a type dbanon does not know).
  // `dbanon check --suggest` reads it: a text or JSON column without a hint
  // is left for review, never suggested `keep`.
  virtual void NoteColumnType(const TableName& table, const std::string& column, TypeFamily family) {
    (void)table;
    (void)column;
    (void)family;
  }
  // Whether the config names `column` of `table` (an anonymizer or `keep`,
  // or the table's keep/truncate), for a resolver whose RowPlans mark other
  // columns than those (`dbanon check`'s sampling plans); nullopt: the
  // RowPlan's `configured` says it (the default).
  virtual std::optional<bool> ConfigNames(const TableName& table, const std::string& column) {
    (void)table;
    (void)column;
    return std::nullopt;
  }
  // The dump holds PostgreSQL large objects (parsers/pg_large_objects.h),
  // which no config rewrites: `created` more objects created (lo_create, a
  // BLOB entry), `opened` more whose data follows (lo_open), `bytes` more
  // bytes written into them (lowrite); -1: the bytes are not counted (an
  // archive's TOC). Errors: InvalidArgument (without a position: the
  // caller adds it) when strict mode asks the config to decide and it does
  // not (src/plan.h).
  virtual absl::Status NoteLargeObjects(int64_t created, int64_t opened, int64_t bytes) {
    (void)created;
    (void)opened;
    (void)bytes;
    return absl::OkStatus();
  }
  // The dump has data of `table` (every table, configured or not; SawTable
  // implies it).
  virtual void NoteData(const TableName& table) { (void)table; }
  // Once every row has been rewritten (the workers done), before the output
  // is committed: an error that must keep it from being committed (src/plan.h:
  // a configured JSON path that matched nothing).
  virtual absl::Status DataComplete() { return absl::OkStatus(); }
  // Once every data block has been seen (an archive: once its TOC is read):
  // an error that must keep the output from being committed (src/plan.h).
  virtual absl::Status Finish() const { return absl::OkStatus(); }

  // Coverage (strict mode, `dbanon check`, -v). The default versions do
  // nothing, for resolvers that do not track coverage.
  //
  // The columns of `table` as the dump's CREATE TABLE (`data` false) or a
  // data block's column list (COPY header, INSERT column list; `data` true)
  // name them; empty when the dump does not say.
  virtual void SawColumns(const TableName& table, const std::vector<std::string>& columns, bool data) {
    (void)table;
    (void)columns;
    (void)data;
  }
  // Called by a framer before it lets the first byte of a data block
  // through. Errors: InvalidArgument (without a position: the framer adds
  // the block's) when the config asks for strict coverage and a column seen
  // so far is not covered; the message lists every such table.column.
  virtual absl::Status CheckCoverage() { return absl::OkStatus(); }
  // Called once the dump's whole schema is known: after an archive's TOC,
  // at the end of a plain dump. Errors: InvalidArgument for a configured
  // table or column the dump does not hold (naming the closest name it
  // holds), and for uncovered columns in strict mode.
  virtual absl::Status SchemaComplete() { return absl::OkStatus(); }
};

// Rewrites a span of whole data rows of one configured table in one dump
// syntax (COPY text rows, INSERT tuples, ...). Both roads call it the same
// way, on a kRows Segment with its position: the plain road (src/pipeline.h)
// on the framer's segments, the archive road (src/archive_engine.h) on those
// of CopyRowCutter (parsers/pg_copy.h), lines counted from the start of the
// data stream.
// Thread-safety: Rewrite is const and called from many worker threads.
class RowRewriter {
 public:
  virtual ~RowRewriter() = default;
  // Appends the rewritten `rows` to `out`. The first byte of `rows` is at
  // 1-based line `first_line`, column `first_col` of the input, for
  // messages (an INSERT tuple may start in the middle of a line; COPY rows
  // start at column 1). Errors are DataLoss with "LINE:COL: message" naming
  // the table, never a value.
  virtual absl::Status Rewrite(const RowPlan& plan, std::string_view rows, int64_t first_line, int64_t first_col,
                               std::string* out, Scratch& scratch) const = 0;
};

struct Segment {
  // kRaw: copied to the output; kRows: rewritten by `rewriter`; kDrop: not
  // written at all (a truncated table's data).
  enum class Kind : uint8_t { kRaw, kRows, kDrop };
  Kind kind = Kind::kRaw;
  size_t begin = 0;  // byte offsets into the framed buffer
  size_t end = 0;
  int64_t first_line = 0;  // 1-based line number of the byte at `begin`
  const RowPlan* plan = nullptr;          // kRows only
  const RowRewriter* rewriter = nullptr;  // kRows only
  int64_t first_col = 1;                  // 1-based column of the byte at `begin`
};

// Errors carry their position as a payload (base/source_position.h) and in
// their message as "LINE:COL: what"; the roads add the input's name to both
// (InFile). Codes: DataLoss for malformed input, InvalidArgument for a
// config/dump mismatch.
inline absl::Status PositionedError(absl::StatusCode code, int64_t line, int64_t col, std::string_view message) {
  return ErrorAt(code, SourcePosition::LineColumn(line, col), message);
}
// The same for an error `cause` found at LINE:COL: its code and payloads (the
// exit class, base/exit_class.h) are kept, its message gets the position.
inline absl::Status PositionedError(const absl::Status& cause, int64_t line, int64_t col) {
  return ErrorAt(cause, SourcePosition::LineColumn(line, col));
}

class Framer {
 public:
  virtual ~Framer() = default;

  // Frames `input`. Appends segments covering [0, consumed) in order and
  // returns `consumed`; the bytes after it were not framed yet (an incomplete
  // row) and must be passed again, at the start of the next call's input,
  // followed by more data. When `eof` is true every byte must be consumed or
  // an error returned. Segment offsets are relative to this call's `input`.
  virtual absl::StatusOr<size_t> Frame(std::string_view input, bool eof, std::vector<Segment>* segments) = 0;

  // Warnings collected while framing (no cell values in them).
  virtual std::vector<std::string> TakeWarnings() { return {}; }
};

}  // namespace dbanon

#endif  // DBANON_PARSERS_FRAMER_H_
