// pattern: DbToolsBundle's text template (shared/docs/dbtoolsbundle.md,
// part 1; StringPattern.php for the grammar):
//   [min,max]       an integer drawn in the range; the separator may also be
//                   '-', ';' or ':', bounds may be negative and are swapped when
//                   given in reverse ([9,1] is [1,9])
//   {name}          the output of the single-column anonymizer `name`
//   {name:part}     the part `part` of the multi-column anonymizer `name`; all
//                   the parts of one anonymizer in a template come from one call,
//                   so they stay coherent (street, postal code and city match)
//   anything else   copied as it is; a '[' or '{' without its closing bracket too
// Referenced anonymizers run with their default options, under this
// anonymizer's keyed PRF, and never see the value: each gets a keyed
// pseudonym of it (64 hex characters) instead, so that `{keep}` or `{mask}`
// cannot leak it while the output stays a function of the value.
#include <algorithm>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "anonymizers/anonymizer_internal.h"
#include "base/status_macros.h"
#include "base/string_view_compat.h"

namespace dbanon::internal {
namespace {

// One piece of the template.
struct Piece {
  enum Kind { kText, kRange, kRef } kind = kText;
  std::string text;        // kText
  int64_t min = 0, max = 0;  // kRange
  size_t source = 0;       // kRef: index into the anonymizers
  size_t column = 0;       // kRef: output column of that anonymizer
};

// A referenced anonymizer and the parts the template reads from it.
struct Source {
  std::string name;
  bool multi = false;              // referenced as {name:part}
  std::vector<std::string> parts;  // for multi
  std::unique_ptr<Anonymizer> anonymizer;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool ParseInt(std::string_view s, size_t& pos, int64_t* out) {
  bool negative = pos < s.size() && s[pos] == '-';
  size_t p = pos + (negative ? 1 : 0), start = p;
  __int128 v = 0;
  while (p < s.size() && IsDigit(s[p])) {
    v = v * 10 + (s[p++] - '0');
    if (v > (static_cast<__int128>(1) << 63)) return false;
  }
  if (p == start) return false;
  if (negative) v = -v;
  if (v > std::numeric_limits<int64_t>::max()) return false;
  *out = static_cast<int64_t>(v);
  pos = p;
  return true;
}

// "[a,b]" body between the brackets.
bool ParseRange(std::string_view body, int64_t* min, int64_t* max) {
  size_t pos = 0;
  if (!ParseInt(body, pos, min) || pos == body.size()) return false;
  char sep = body[pos++];
  if (sep != ',' && sep != '-' && sep != ';' && sep != ':') return false;
  if (!ParseInt(body, pos, max) || pos != body.size()) return false;
  if (*min > *max) std::swap(*min, *max);
  return true;
}

absl::Status PatternError(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("option 'pattern': ", ToAbsl(what)));
}

class PatternAnonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"", kAllFamilies}; }
  PatternAnonymizer(std::string target, std::vector<Piece> pieces, std::vector<Source> sources,
                    std::shared_ptr<const Prf> prf)
      : SingleColumnAnonymizer(std::move(target)),
        pieces_(std::move(pieces)),
        sources_(std::move(sources)),
        prf_(std::move(prf)) {}

  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override {
    // The referenced anonymizers write into the same scratch, so their
    // outputs are copied out before the next one runs.
    std::vector<std::vector<std::string>> outputs(sources_.size());
    for (size_t i = 0; i < sources_.size(); ++i) {
      const Anonymizer& a = *sources_[i].anonymizer;
      Prf::Digest d = prf_->Mac(value, static_cast<uint32_t>(i));
      std::string pseudonym = HexLower(d.data(), d.size());
      std::vector<Cell> in(a.columns().size(), Cell{pseudonym, false}), out(a.columns().size());
      a.Anonymize(in, scratch, out);
      for (const Cell& c : out) outputs[i].emplace_back(c.is_null ? std::string_view() : c.value);
    }
    std::string text;
    uint32_t range_index = 0;
    for (const Piece& p : pieces_) {
      switch (p.kind) {
        case Piece::kText:
          text.append(p.text);
          break;
        case Piece::kRange: {
          // Counters from 2^31 up keep the range draws apart from the pseudonyms.
          Prf::Block d = prf_->Cmac(value, (uint32_t{1} << 31) + range_index++);
          uint64_t bits = 0;
          for (int b = 0; b < 8; ++b) bits = bits << 8 | d[b];
          absl::StrAppend(&text, UniformInRange(bits, p.min, p.max));
          break;
        }
        case Piece::kRef:
          text.append(outputs[p.source][p.column]);
          break;
      }
    }
    std::string& out = scratch.String(0);
    out.swap(text);
    return out;
  }

 private:
  std::vector<Piece> pieces_;
  std::vector<Source> sources_;
  std::shared_ptr<const Prf> prf_;
};

absl::StatusOr<std::unique_ptr<Anonymizer>> MakePattern(Options& o, const AnonymizerContext& ctx) {
  // DbToolsBundle's code reads `pattern`, its documentation shows `value`.
  if (o.Has("pattern") && o.Has("value")) {
    return absl::InvalidArgumentError("options 'pattern' and 'value' are the same option; give one");
  }
  const char* key = o.Has("value") ? "value" : "pattern";
  DBANON_ASSIGN_OR_RETURN(pattern, o.GetRequiredString(key));

  std::vector<Piece> pieces;
  std::vector<Source> sources;
  auto add_text = [&pieces](std::string_view t) {
    if (t.empty()) return;
    if (pieces.empty() || pieces.back().kind != Piece::kText) pieces.push_back(Piece{});
    pieces.back().text.append(t);
  };
  std::string_view s = pattern;
  for (size_t pos = 0; pos < s.size();) {
    char open = s[pos];
    size_t close = std::string_view::npos;
    if (open == '[') close = s.find(']', pos + 1);
    if (open == '{') {
      close = s.find_first_of("{}", pos + 1);
      if (close != std::string_view::npos && s[close] == '{') close = std::string_view::npos;
    }
    if (close == std::string_view::npos) {
      add_text(s.substr(pos, 1));
      ++pos;
      continue;
    }
    std::string_view body = s.substr(pos + 1, close - pos - 1);
    pos = close + 1;
    Piece piece;
    if (open == '[') {
      piece.kind = Piece::kRange;
      if (!ParseRange(body, &piece.min, &piece.max)) {
        return PatternError("a [...] must be an integer range such as [1,100]");
      }
      pieces.push_back(std::move(piece));
      continue;
    }
    size_t colon = body.find(':');
    std::string name(body.substr(0, colon));
    std::string part(colon == std::string_view::npos ? std::string_view() : body.substr(colon + 1));
    if (name.empty() || (colon != std::string_view::npos && part.empty())) {
      return PatternError("a {...} must name an anonymizer, such as {firstname} or {address:locality}");
    }
    if (FindAnonymizer(name) == nullptr) {
      return PatternError(absl::StrCat("unknown anonymizer '", name, "' (see 'dbanon list')"));
    }
    // One instance per anonymizer (DbToolsBundle's key is the name), so every
    // part of it comes from the same call.
    bool multi = !part.empty();
    size_t index = 0;
    while (index < sources.size() && sources[index].name != name) ++index;
    if (index == sources.size()) sources.push_back(Source{name, multi, {}, nullptr});
    Source& source = sources[index];
    if (source.multi != multi) {
      return PatternError(absl::StrCat("anonymizer '", name, "' is referenced both with and without a part"));
    }
    piece.kind = Piece::kRef;
    piece.source = index;
    if (multi) {
      auto it = std::find(source.parts.begin(), source.parts.end(), part);
      piece.column = static_cast<size_t>(it - source.parts.begin());
      if (it == source.parts.end()) source.parts.push_back(part);
    }
    pieces.push_back(std::move(piece));
  }

  for (Source& source : sources) {
    // A multi-column anonymizer maps each part to a column (part = "column");
    // naming the column after the part lets the output be found by part.
    OptionTable options;
    for (const std::string& part : source.parts) options[part] = OptionValue{part};
    auto made = CreateAnonymizer(source.name, Options(std::move(options)), *ctx.prf, ctx.target);
    if (!made.ok()) {
      return PatternError(absl::StrCat("anonymizer '", source.name, "' with its default options: ",
                                       made.status().message()));
    }
    source.anonymizer = *std::move(made);
    const std::vector<std::string>& columns = source.anonymizer->columns();
    if (!source.multi && columns.size() != 1) {
      return PatternError(absl::StrCat("anonymizer '", source.name, "' has several parts; name one, as {",
                                       source.name, ":part}"));
    }
    if (source.multi) {
      // Part k of the template was given column name parts[k]; find where the
      // anonymizer put it among its columns.
      std::vector<size_t> where(source.parts.size());
      for (size_t k = 0; k < source.parts.size(); ++k) {
        auto it = std::find(columns.begin(), columns.end(), source.parts[k]);
        if (it == columns.end()) {
          return PatternError(absl::StrCat("anonymizer '", source.name, "' has no part '", source.parts[k], "'"));
        }
        where[k] = static_cast<size_t>(it - columns.begin());
      }
      size_t index = static_cast<size_t>(&source - sources.data());
      for (Piece& piece : pieces) {
        if (piece.kind == Piece::kRef && piece.source == index) piece.column = where[piece.column];
      }
    }
  }
  return std::make_unique<PatternAnonymizer>(ctx.target, std::move(pieces), std::move(sources), ctx.prf);
}

}  // namespace

void AddPatternAnonymizers(std::vector<AnonymizerInfo>* out) {
  out->push_back({"pattern",
                  "text from a template: [1,100] draws an integer, {firstname} inserts another anonymizer's "
                  "output, {address:locality} one part of a multi-column anonymizer",
                  {"pattern (required): the template; other anonymizers run with their default options",
                   "value (none): another name for pattern, as in DbToolsBundle's documentation"},
                  MakePattern,
                  "{ pattern = \"{firstname} {lastname} #[1,999]\" }"});
}

}  // namespace dbanon::internal
