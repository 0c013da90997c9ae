#include "parsers/column_fit.h"

#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "parsers/pg_identifier.h"

namespace dbanon {
namespace {

std::string Where(const RowPlan& plan, size_t col) {
  return absl::StrCat(plan.table.Display(), ".", QuoteIdentifierIfNeeded(plan.column_names[col]), ": ");
}

std::string TypeName(const ColumnLimit& limit) {
  if (limit.max_chars > 0) return absl::StrCat("varchar(", limit.max_chars, ")");
  if (limit.numeric_precision > 0) return absl::StrCat("numeric(", limit.numeric_precision, ",", limit.numeric_scale, ")");
  switch (limit.integer_bits) {
    case 8: return "tinyint";
    case 16: return "smallint";
    case 24: return "mediumint";
    case 32: return "integer";
    default: return "bigint";
  }
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.15g", v);
  return buf;
}

}  // namespace

absl::Status CheckColumnFit(const RowPlan& plan, bool types_enforced) {
  if (plan.truncate) return absl::OkStatus();
  for (const RowPlan::Step& step : plan.steps) {
    const Anonymizer& a = *step.anonymizer;
    for (size_t j = 0; j < step.columns.size(); ++j) {
      const size_t col = step.columns[j];
      if (col >= plan.column_info.size() || col >= plan.column_names.size()) continue;
      const RowPlan::ColumnInfo& info = plan.column_info[col];
      const ColumnLimit& limit = info.limit;
      if (info.not_null && a.writes_null()) {
        return absl::InvalidArgumentError(absl::StrCat(
            Where(plan, col), "the column is NOT NULL and its anonymizer writes NULL; the restore would refuse "
            "every row (use 'constant' or another anonymizer)"));
      }
      if (!types_enforced) continue;
      const Anonymizer::Output out = a.Writes(j);
      // An anonymizer made outside the registry (a test's own) has no name
      // and says nothing of its type.
      if (!a.name().empty() && (out.families & FamilyBit(limit.family)) == 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            Where(plan, col), "the anonymizer '", a.name(), "' writes ", out.what, ", not ", limit.type,
            "; the restore would refuse the value (choose an anonymizer for the column's type, or keep it)"));
      }
      if (limit.max_chars > 0) {
        const size_t min = a.MinChars(j);
        if (min > limit.max_chars) {
          return absl::InvalidArgumentError(absl::StrCat(
              Where(plan, col), "the column is ", TypeName(limit), " but the shortest valid value its anonymizer "
              "writes has ", min, " characters; cutting it would write an invalid value (widen the column or "
              "choose another anonymizer)"));
        }
        const bool unique = a.unique() || (info.unique_key && a.output_bits() >= kUniqueBits);
        const size_t max = a.MaxChars(j);
        if (unique && (max == 0 || max > limit.max_chars) && a.BitsAt(j, limit.max_chars) < kFittedUniqueBits) {
          size_t need = limit.max_chars + 1;
          while (need < 4096 && a.BitsAt(j, need) < kFittedUniqueBits) ++need;
          return absl::InvalidArgumentError(absl::StrCat(
              Where(plan, col), "the column is ", TypeName(limit), " and ",
              a.unique() ? "the config asks unique = true" : "the CREATE TABLE makes it UNIQUE",
              ", but values cut to ", limit.max_chars, " characters keep ",
              static_cast<int>(a.BitsAt(j, limit.max_chars)), " keyed bits, fewer than the ",
              static_cast<int>(kFittedUniqueBits), " that keep distinct values distinct",
              need < 4096 ? absl::StrCat(" (it needs ", need, " characters)") : std::string()));
        }
      }
      // numeric(p,s) only: integer types clamp, as they always did (README).
      const double top = limit.numeric_precision > 0 ? limit.NumericMax() : 0;
      if (top > 0) {
        if (auto range = a.OutputRange(j)) {
          if (range->first < -top || range->second > top) {
            return absl::InvalidArgumentError(absl::StrCat(
                Where(plan, col), "the column is ", TypeName(limit), " (values from -", Number(top), " to ",
                Number(top), ") but its anonymizer's min and max are ", Number(range->first), " and ",
                Number(range->second), "; the restore would refuse the values outside (narrow min and max)"));
          }
        }
      }
    }
  }
  return absl::OkStatus();
}

std::string_view FitCellSlow(const Anonymizer& anonymizer, size_t part, const ColumnLimit& limit,
                             std::string_view value, std::string* narrowed, std::string* buf) {
  if (limit.family == TypeFamily::kInteger || limit.family == TypeFamily::kDecimal) {
    // A number column takes digits (with a sign): a phone number or card
    // number written with separators is narrowed to its digits.
    size_t digits = 0;
    for (char c : value) digits += c >= '0' && c <= '9' ? 1 : 0;
    const size_t sign = !value.empty() && (value[0] == '+' || value[0] == '-') ? 1 : 0;
    if (digits > 0 && digits + sign < value.size() && value.find('.') == std::string_view::npos &&
        value.find_first_of("eE") == std::string_view::npos) {
      value = anonymizer.Narrow(part, value, digits + sign, narrowed);
    }
  }
  if (limit.max_chars > 0 && value.size() > limit.max_chars) {
    value = anonymizer.Narrow(part, value, limit.max_chars, narrowed);
  }
  return FitView(limit, value, buf);
}

}  // namespace dbanon
