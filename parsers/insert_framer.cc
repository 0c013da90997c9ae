#include "parsers/insert_framer.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/char_class.h"
#include "base/exit_class.h"
#include "base/string_view_compat.h"

namespace dbanon {

void LineTracker::Reset(std::string_view input, size_t pos, int64_t line, int64_t col) {
  input_ = input;
  anchor_pos_ = pos_ = pos;
  anchor_line_ = line_ = line;
  anchor_col_ = col_ = col;
}

std::pair<int64_t, int64_t> LineTracker::At(size_t pos) {
  if (pos < anchor_pos_) return {anchor_line_, anchor_col_};
  if (pos < pos_) {
    // Back to an earlier byte (a held statement's start): step back over the
    // lines in between rather than count again from the anchor.
    int64_t lines = 0;
    for (size_t k = pos; k < pos_;) {
      const void* nl = std::memchr(input_.data() + k, '\n', pos_ - k);
      if (nl == nullptr) break;
      ++lines;
      k = static_cast<size_t>(static_cast<const char*>(nl) - input_.data()) + 1;
    }
    if (lines == 0) {
      col_ -= static_cast<int64_t>(pos_ - pos);
    } else {
      line_ -= lines;
      const void* nl = memrchr(input_.data() + anchor_pos_, '\n', pos - anchor_pos_);
      col_ = nl == nullptr ? anchor_col_ + static_cast<int64_t>(pos - anchor_pos_)
                           : static_cast<int64_t>(pos - static_cast<size_t>(static_cast<const char*>(nl) - input_.data()));
    }
    pos_ = pos;
    return {line_, col_};
  }
  size_t k = pos_;
  size_t last_nl = std::string_view::npos;
  while (k < pos) {
    const void* nl = std::memchr(input_.data() + k, '\n', pos - k);
    if (nl == nullptr) break;
    last_nl = static_cast<size_t>(static_cast<const char*>(nl) - input_.data());
    ++line_;
    k = last_nl + 1;
  }
  if (last_nl != std::string_view::npos) {
    col_ = static_cast<int64_t>(pos - last_nl);
  } else {
    col_ += static_cast<int64_t>(pos - pos_);
  }
  pos_ = pos;
  return {line_, col_};
}

void SegmentSink::Reset(std::vector<Segment>* out, std::string_view input, size_t pos, int64_t line, int64_t col) {
  out_ = out;
  lines_.Reset(input, pos, line, col);
}

void SegmentSink::Emit(Segment::Kind kind, size_t begin, size_t end, const RowPlan* plan,
                       const RowRewriter* rewriter) {
  if (begin >= end) return;
  if (!out_->empty()) {
    Segment& last = out_->back();
    if (last.kind == kind && last.plan == plan && last.rewriter == rewriter && last.end == begin) {
      last.end = end;
      return;
    }
  }
  auto [line, col] = lines_.At(begin);
  out_->push_back(Segment{kind, begin, end, line, plan, rewriter, col});
}

void InsertValuesFramer::Begin(const SqlDialect& d, const InsertTarget& target, int64_t statement_line) {
  d_ = &d;
  target_ = target;
  plan_ = target.plan;
  statement_line_ = statement_line;
  scan_ = TupleScanState();
  expect_tuple_ = true;
  first_checked_ = false;
  rows_ = 0;
  values_ = 0;
  carrying_ = false;
  resume_ = 0;
  streaming_ = false;
  value_index_ = 0;
  group_ = -1;
}

absl::Status InsertValuesFramer::Error(SegmentSink* sink, size_t pos, std::string_view what) {
  auto [line, col] = sink->lines().At(pos);
  return PositionedError(absl::StatusCode::kDataLoss, line, col,
                         absl::StrCat(ToAbsl(what), " in the INSERT statement for table ", target_.table.Display(),
                                      " (started at line ", statement_line_, ")"));
}

absl::Status InsertValuesFramer::EndOfInputError(SegmentSink* sink, size_t pos) {
  const char* where = "a tuple";
  switch (scan_.lex.state()) {
    case SqlLexer::State::kQuoted: where = scan_.lex.quote() == '\'' ? "a string literal" : "a quoted name"; break;
    case SqlLexer::State::kBlockComment: where = "a comment"; break;
    case SqlLexer::State::kDollar: where = "a dollar-quoted string"; break;
    default:
      if (scan_.depth == 0) where = "the VALUES list (a tuple is missing)";
  }
  auto [line, col] = sink->lines().At(pos);
  return PositionedError(absl::StatusCode::kDataLoss, line, col,
                         absl::StrCat("unexpected end of input inside ", where, " of table ", target_.table.Display(),
                                      " (INSERT statement started at line ", statement_line_, ")"));
}

absl::Status InsertValuesFramer::Frame(std::string_view input, size_t* pos, bool eof, SegmentSink* sink, bool* done) {
  *done = false;
  if (plan_ == nullptr || target_.drop) return FramePassThrough(input, pos, eof, sink, done);
  return FrameConfigured(input, pos, eof, sink, done);
}

absl::Status InsertValuesFramer::FramePassThrough(std::string_view input, size_t* pos, bool eof, SegmentSink* sink,
                                                  bool* done) {
  const Segment::Kind kind = target_.drop ? Segment::Kind::kDrop : Segment::Kind::kRaw;
  const size_t from = *pos;
  size_t p = from;
  scan_.commas = false;  // only tuples matter here
  while (true) {
    if (!expect_tuple_ && CanSkim()) {
      rows_ += static_cast<int64_t>(Skim(input, &p));
    }
    TupleEvent ev = ScanTuples(*d_, &scan_, input, &p, eof);
    switch (ev) {
      case TupleEvent::kOpen:
        if (!expect_tuple_) {
          sink->Emit(kind, from, p);
          return Error(sink, p - 1, "expected ',' or the end of the statement after a tuple");
        }
        expect_tuple_ = false;
        continue;
      case TupleEvent::kClose:
        ++rows_;
        continue;
      case TupleEvent::kComma:
        continue;
      case TupleEvent::kOuter:
        if (input[p] == ',' && !expect_tuple_) {
          expect_tuple_ = true;
          ++p;
          continue;
        }
        sink->Emit(kind, from, p);
        if (expect_tuple_) return Error(sink, p, "expected a tuple");
        *pos = p;
        *done = true;
        return absl::OkStatus();
      case TupleEvent::kEnd:
      case TupleEvent::kNeedMore:
        sink->Emit(kind, from, p);
        *pos = p;
        if (ev == TupleEvent::kEnd && eof) {
          if (expect_tuple_ || scan_.depth > 0 || scan_.lex.state() != SqlLexer::State::kCode) {
            return EndOfInputError(sink, p);
          }
          *done = true;
        }
        return absl::OkStatus();
    }
  }
}

bool InsertValuesFramer::CanSkim() const {
  return scan_.depth == 0 && scan_.lex.state() == SqlLexer::State::kCode && scan_.lex.versioned() == 0 &&
         d_->multibyte == MultibyteRule::kNone;
}

size_t InsertValuesFramer::Skim(std::string_view input, size_t* pos) {
  const size_t tuples = SkimTuples(*d_, input, pos);
  if (tuples > 0) {
    // What ScanTuples remembers of the bytes before its position.
    scan_.prev = ')';
    scan_.prev2 = static_cast<unsigned char>(input[*pos - 2]);
  }
  return tuples;
}

const std::vector<InsertValuesFramer::Group>& InsertValuesFramer::GroupsFor(const RowPlan* plan) {
  auto it = groups_.find(plan);
  if (it != groups_.end()) return it->second;
  std::vector<std::pair<size_t, size_t>> spans;
  for (const RowPlan::Step& step : plan->steps) {
    if (step.columns.empty()) continue;
    auto [lo, hi] = std::minmax_element(step.columns.begin(), step.columns.end());
    spans.emplace_back(*lo, *hi);
  }
  for (size_t i = 0; i < plan->column_info.size(); ++i) {
    if (plan->column_info[i].write_default) spans.emplace_back(i, i);
  }
  std::sort(spans.begin(), spans.end());
  std::vector<Group> groups;
  for (auto [lo, hi] : spans) {
    if (!groups.empty() && lo <= groups.back().last) {
      groups.back().last = std::max(groups.back().last, hi);
    } else {
      groups.push_back(Group{lo, hi, nullptr});
    }
  }
  for (Group& g : groups) {
    auto sub = std::make_unique<RowPlan>();
    sub->table = plan->table;
    sub->num_columns = g.last - g.first + 1;
    sub->column_names.assign(plan->column_names.begin() + g.first, plan->column_names.begin() + g.last + 1);
    sub->configured.assign(plan->configured.begin() + g.first, plan->configured.begin() + g.last + 1);
    if (!plan->column_info.empty()) {
      sub->column_info.assign(plan->column_info.begin() + g.first, plan->column_info.begin() + g.last + 1);
    }
    for (const RowPlan::Step& step : plan->steps) {
      if (step.columns.empty() || step.columns[0] < g.first || step.columns[0] > g.last) continue;
      RowPlan::Step s{step.anonymizer, {}};
      for (size_t c : step.columns) s.columns.push_back(c - g.first);
      sub->steps.push_back(std::move(s));
    }
    g.plan = std::move(sub);
  }
  return groups_.emplace(plan, std::move(groups)).first->second;
}

absl::Status InsertValuesFramer::FrameConfigured(std::string_view input, size_t* pos, bool eof, SegmentSink* sink,
                                                 bool* done) {
  constexpr size_t kNone = std::string_view::npos;
  const RowRewriter* rewriter = InsertTupleRewriter(*d_);
  size_t p = *pos;
  size_t raw_from = p;                    // bytes before this are emitted
  size_t run_begin = kNone, run_end = kNone;  // whole tuples for one kRows segment
  size_t tuple_begin = kNone;
  size_t hold_begin = kNone;              // value-by-value: start of the held values
  if (carrying_) {
    // The input starts with the partial tuple (or held values) carried over.
    carrying_ = false;
    if (streaming_) {
      hold_begin = p;
    } else {
      tuple_begin = run_begin = p;
    }
    p += resume_;
  }
  auto flush_run = [&] {
    if (run_begin != kNone && run_end != kNone) {
      sink->Emit(Segment::Kind::kRows, run_begin, run_end, plan_, rewriter);
      raw_from = run_end;
    }
    run_begin = run_end = kNone;
  };
  // Value by value: when value `value_index_` starts at p and an anonymizer
  // reads it first, hold it (and the values up to its group's last).
  auto start_value = [&] {
    const std::vector<Group>& groups = GroupsFor(plan_);
    for (size_t g = 0; g < groups.size(); ++g) {
      if (groups[g].first != value_index_) continue;
      sink->Emit(Segment::Kind::kRaw, raw_from, p);
      raw_from = hold_begin = p;
      group_ = static_cast<int>(g);
    }
  };

  while (true) {
    // Values are counted in the first tuple (which column list applies) and
    // when a long tuple is framed value by value; elsewhere only tuples matter.
    scan_.commas = streaming_ || !first_checked_;
    if (streaming_) {
      // One tuple too long to hold, framed value by value: the values that
      // configured anonymizers read (with what lies between them) are held
      // and become a kRows segment each; everything else streams through.
      const std::vector<Group>& groups = GroupsFor(plan_);
      const RowRewriter* values_rewriter = InsertValuesRewriter(*d_);
      TupleEvent ev = ScanTuples(*d_, &scan_, input, &p, eof);
      if (ev == TupleEvent::kComma || ev == TupleEvent::kClose) {
        const size_t end = p - 1;
        if (value_index_ < plan_->column_info.size()) {
          const int got = scan_.lex.version();
          const int want = plan_->column_info[value_index_].version;
          if (got != want) {
            auto [line, col] = sink->lines().At(end);
            return PositionedError(absl::StatusCode::kDataLoss, line, col,
                                   VersionedMismatchMessage(*plan_, value_index_, got, want));
          }
        }
        if (group_ >= 0 && value_index_ == groups[group_].last) {
          sink->Emit(Segment::Kind::kRows, hold_begin, end, groups[group_].plan.get(), values_rewriter);
          raw_from = end;
          hold_begin = kNone;
          group_ = -1;
        }
        ++value_index_;
        if (ev == TupleEvent::kClose || value_index_ >= plan_->num_columns) {
          if (ev != TupleEvent::kClose || group_ >= 0 || value_index_ != plan_->num_columns) {
            return Error(sink, end, absl::StrCat("a tuple with a number of values other than ", plan_->num_columns));
          }
          ++rows_;
          first_checked_ = true;
          streaming_ = false;
          continue;
        }
        start_value();
        continue;
      }
      // The input ran out (kOpen and kOuter cannot happen inside a tuple).
      if (eof) {
        sink->Emit(Segment::Kind::kRaw, raw_from, hold_begin == kNone ? p : hold_begin);
        return EndOfInputError(sink, p);
      }
      if (group_ >= 0) {
        if (p - hold_begin > kMaxValueBytes) {
          auto [line, col] = sink->lines().At(hold_begin);
          return PositionedError(
              absl::StatusCode::kDataLoss, line, col,
              absl::StrCat("the configured values of a tuple of table ", target_.table.Display(), " (column ",
                           plan_->column_names[groups[group_].first], ") are longer than ", kMaxValueBytes >> 20,
                           " MiB"));
        }
        sink->Emit(Segment::Kind::kRaw, raw_from, hold_begin);
        carrying_ = true;
        resume_ = p - hold_begin;
        *pos = hold_begin;
        return absl::OkStatus();
      }
      sink->Emit(Segment::Kind::kRaw, raw_from, p);
      *pos = p;
      return absl::OkStatus();
    }

    if (!expect_tuple_ && first_checked_ && run_begin != kNone && tuple_begin == kNone && CanSkim()) {
      // Between two tuples of a run: the tuples that follow in the shapes
      // dump tools write are passed at once, and join the run.
      const size_t skimmed = Skim(input, &p);
      if (skimmed > 0) {
        rows_ += static_cast<int64_t>(skimmed);
        run_end = p;
      }
    }
    TupleEvent ev = ScanTuples(*d_, &scan_, input, &p, eof);
    switch (ev) {
      case TupleEvent::kOpen:
        if (!expect_tuple_) {
          flush_run();
          sink->Emit(Segment::Kind::kRaw, raw_from, p - 1);
          return Error(sink, p - 1, "expected ',' or the end of the statement after a tuple");
        }
        if (scan_.lex.versioned() > 0) {
          // MySQL runs /*!50705 (...),*/, MariaDB skips it: a row for some
          // servers only. Its values are read as code (VersionedCommentTag),
          // but a row that only some servers load is not a dump to guess at.
          flush_run();
          sink->Emit(Segment::Kind::kRaw, raw_from, p - 1);
          return Error(sink, p - 1,
                       "a tuple inside a MySQL versioned comment (/*!NNNNN ... */): servers disagree whether it is "
                       "a row");
        }
        expect_tuple_ = false;
        tuple_begin = p - 1;
        values_ = 1;
        if (run_begin == kNone) {
          sink->Emit(Segment::Kind::kRaw, raw_from, tuple_begin);
          raw_from = run_begin = tuple_begin;
        }
        continue;
      case TupleEvent::kComma:
        ++values_;
        continue;
      case TupleEvent::kClose:
        ++rows_;
        run_end = p;
        tuple_begin = kNone;
        if (!first_checked_) {
          // MariaDB dumps the generated columns' values, MySQL leaves them
          // out: the first tuple tells which column list applies.
          first_checked_ = true;
          if (values_ != plan_->num_columns && target_.alt_plan != nullptr &&
              values_ == target_.alt_plan->num_columns) {
            plan_ = target_.alt_plan;
          }
        }
        continue;
      case TupleEvent::kOuter: {
        if (input[p] == ',' && !expect_tuple_) {
          expect_tuple_ = true;
          ++p;
          continue;
        }
        flush_run();
        sink->Emit(Segment::Kind::kRaw, raw_from, p);
        if (expect_tuple_) return Error(sink, p, "expected a tuple");
        // After the tuples: the statement's end or a clause that may follow
        // them (ON DUPLICATE KEY UPDATE, ON CONFLICT, MySQL's AS alias,
        // RETURNING). Anything else would be passed through unread.
        const unsigned char c = static_cast<unsigned char>(input[p]);
        if (IsSqlIdentStart(c)) {
          size_t e = p;
          while (e < input.size() && IsSqlIdentChar(static_cast<unsigned char>(input[e]))) ++e;
          if (e == input.size() && !eof) {
            *pos = p;  // the word goes on in the next input
            return absl::OkStatus();
          }
          const std::string word = absl::AsciiStrToLower(ToAbsl(input.substr(p, e - p)));
          if (word != "on" && word != "as" && word != "returning") {
            return Error(sink, p, "unexpected text after the tuples");
          }
        } else if (c == '\'' || c == '"' || c == '`' || c == '[' || (c >= '0' && c <= '9')) {
          return Error(sink, p, "unexpected text after the tuples");
        }
        *pos = p;
        *done = true;
        return absl::OkStatus();
      }
      case TupleEvent::kEnd:
      case TupleEvent::kNeedMore: {
        if (tuple_begin == kNone) {  // between tuples
          flush_run();
          sink->Emit(Segment::Kind::kRaw, raw_from, p);
          *pos = p;
          if (ev == TupleEvent::kEnd && eof) {
            if (expect_tuple_ || scan_.lex.state() != SqlLexer::State::kCode) return EndOfInputError(sink, p);
            *done = true;
          }
          return absl::OkStatus();
        }
        flush_run();
        sink->Emit(Segment::Kind::kRaw, raw_from, tuple_begin);
        raw_from = tuple_begin;
        if (eof) return EndOfInputError(sink, p);
        if (p - tuple_begin > kMaxTupleBytes) {
          // Too long to hold: start again at its '(' value by value.
          streaming_ = true;
          scan_ = TupleScanState();
          scan_.depth = 1;
          scan_.prev = '(';
          p = tuple_begin + 1;
          tuple_begin = kNone;
          value_index_ = 0;
          group_ = -1;
          start_value();
          continue;
        }
        carrying_ = true;
        resume_ = p - tuple_begin;
        *pos = tuple_begin;
        return absl::OkStatus();
      }
    }
  }
}

}  // namespace dbanon
