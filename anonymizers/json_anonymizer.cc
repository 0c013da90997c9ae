// json: applies anonymizers to the values at JSON paths inside a json, jsonb
// or text value. DbToolsBundle has no JSON-path targets (its docs list them
// as absent); the option shape follows dbanon's config.
//
//   paths = { "$.email" = "email", "$.items[*].name" = "lastname",
//             "$.contact" = { anonymizer = "email", options = { domain = "example.org" } } }
//
// Paths: `$`, then any of `.key`, `.*`, `["key"]` (or single quotes), `[N]`,
// `[*]` (`*` matches every member or element). A key step that meets an
// array applies to the array's elements, as in PostgreSQL's default lax mode
// (PostgreSQL docs, "The SQL/JSON Path Language", strict and lax modes:
// `$.who` finds "x" in `[{"who": "x"}]`); PostgreSQL unwraps one level of
// array, dbanon every level, so that a path never misses a value the
// database would find. Each path names a
// single-column anonymizer, with default options or with an inline
// { anonymizer, options } table.
//
// Rewriting: only the string and number tokens at matched paths change;
// every other byte (whitespace, key order, escapes, other values) is copied
// unchanged. A path that ends at an object or array applies its anonymizer to
// every string and number inside it. When several paths match a value, the
// one that matches deepest wins, then the first in sorted path order. A
// string token gets the anonymizer's output as a JSON string; a number token
// gets it bare when it is a JSON number, else as a string. The anonymizer
// sees a string's decoded text and a number's text. null stays null, true
// and false are kept, and an anonymizer returning NULL writes null.
//
// Input that is not valid JSON (or nests deeper than 100000 levels) is
// replaced by the JSON literal `null`: valid in json and jsonb columns,
// acceptable in NOT NULL columns, and it leaks nothing. The value is never
// copied through unparsed.
//
// The nested anonymizers are keyed by this anonymizer's PRF (salt, "json"
// and all its options), so "$.email" = "email" does not give the same output
// as an `email` column of the same run.
#include <atomic>

#include "anonymizers/generate_internal.h"
#include "anonymizers/json_scanner.h"

namespace dbanon::internal {
namespace {

struct Step {
  enum Kind { kKey, kIndex, kAny } kind;
  std::string key;
  uint64_t index = 0;
  bool element = false;  // [*] (kAny) or [N] (kIndex): an array step
};

// PostgreSQL's lax mode wraps a value that is not an array in an array of
// one when an array step meets it: `$.email[0]` and `$.email[*]` find the
// string of {"email": "x"} (PostgreSQL docs, "The SQL/JSON Path Language",
// lax mode). Only [0] and [*] reach that one element.
bool WrapsNonArray(const Step& s) {
  return s.element && (s.kind == Step::kAny || (s.kind == Step::kIndex && s.index == 0));
}

struct Pattern {
  std::vector<Step> steps;
  int target;        // index into JsonAnonymizer::targets_
  std::string text;  // as the config writes it, for UnmatchedTargets
};

absl::Status BadPath(std::string_view path) {
  return absl::InvalidArgumentError(absl::StrCat(
      "option 'paths': invalid JSON path '", ToAbsl(path),
      "' (expected $ followed by .key, .\"key\", .*, [\"key\"], [N] or [*]; a key with spaces, quotes, dots, "
      "brackets or other punctuation is written quoted: $.\"first name\")"));
}

// A key step's bare name: PostgreSQL's jsonpath takes letters, digits, _
// and $ (and any non-ASCII character); dbanon also takes '-' and the other
// punctuation that cannot start another step, but not whitespace, quotes
// or brackets, so that `$."email"` or `$.a b` never silently names a key
// that no document holds.
bool BareKeyChar(unsigned char c) {
  return c >= 0x80 || (c > ' ' && c != '"' && c != '\'' && c != '.' && c != '[' && c != ']' && c != 0x7f);
}

// A quoted key, from the quote at path[*i]: backslash escapes the next
// character (\" and \\); *i ends after the closing quote.
bool ReadQuotedKey(std::string_view path, size_t* i, std::string* key) {
  const char quote = path[(*i)++];
  while (*i < path.size() && path[*i] != quote) {
    if (path[*i] == '\\' && *i + 1 < path.size()) ++*i;
    key->push_back(path[(*i)++]);
  }
  if (*i >= path.size()) return false;
  ++*i;  // closing quote
  return true;
}

absl::StatusOr<std::vector<Step>> ParsePath(std::string_view written) {
  // Whitespace around the path is not part of it (jsonpath allows it).
  std::string_view path = written;
  while (!path.empty() && (path.front() == ' ' || path.front() == '\t')) path.remove_prefix(1);
  while (!path.empty() && (path.back() == ' ' || path.back() == '\t')) path.remove_suffix(1);
  std::vector<Step> steps;
  if (path.empty() || path.front() != '$') return BadPath(written);
  size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      if (i < path.size() && path[i] == '*') {
        steps.push_back({Step::kAny, "", 0});
        ++i;
        continue;
      }
      if (i < path.size() && path[i] == '"') {
        // `$."key"`: PostgreSQL's and MySQL's quoted member name.
        std::string key;
        if (!ReadQuotedKey(path, &i, &key)) return BadPath(written);
        steps.push_back({Step::kKey, std::move(key), 0});
        continue;
      }
      size_t end = i;
      while (end < path.size() && path[end] != '.' && path[end] != '[') {
        if (!BareKeyChar(static_cast<unsigned char>(path[end]))) return BadPath(written);
        ++end;
      }
      if (end == i) return BadPath(written);
      steps.push_back({Step::kKey, std::string(path.substr(i, end - i)), 0});
      i = end;
    } else if (path[i] == '[') {
      ++i;
      if (i >= path.size()) return BadPath(written);
      if (path[i] == '*') {
        steps.push_back({Step::kAny, "", 0, true});
        ++i;
      } else if (path[i] == '"' || path[i] == '\'') {
        std::string key;
        if (!ReadQuotedKey(path, &i, &key)) return BadPath(written);
        steps.push_back({Step::kKey, std::move(key), 0});
      } else {
        uint64_t n = 0;
        size_t start = i;
        while (i < path.size() && path[i] >= '0' && path[i] <= '9' && i - start < 18) n = n * 10 + (path[i++] - '0');
        if (i == start) return BadPath(written);
        steps.push_back({Step::kIndex, "", n, true});
      }
      if (i >= path.size() || path[i] != ']') return BadPath(written);
      ++i;
    } else {
      return BadPath(written);
    }
  }
  return steps;
}

// The Scratch handed to the nested anonymizers of a json anonymizer running
// at `depth` (json inside json nests): per thread, kept across calls so that
// their value caches (anonymizers/value_cache.h) are built once, not per value.
class NestedScratch {
 public:
  NestedScratch() : depth_(depth_now_++) {
    thread_local std::vector<std::unique_ptr<Scratch>> pool;
    if (pool.size() <= depth_) pool.resize(depth_ + 1);
    if (!pool[depth_]) pool[depth_] = std::make_unique<Scratch>();
    scratch_ = pool[depth_].get();
  }
  ~NestedScratch() { --depth_now_; }
  NestedScratch(const NestedScratch&) = delete;
  NestedScratch& operator=(const NestedScratch&) = delete;
  Scratch& get() { return *scratch_; }

 private:
  static thread_local size_t depth_now_;
  size_t depth_;
  Scratch* scratch_;
};
thread_local size_t NestedScratch::depth_now_ = 0;

class JsonAnonymizer : public SingleColumnAnonymizer {
 public:
  Output Writes(size_t) const override { return {"a JSON document", kTextFamilies | FamilyBit(TypeFamily::kJson)}; }
  JsonAnonymizer(std::string target, std::vector<Pattern> patterns, std::vector<std::unique_ptr<Anonymizer>> targets)
      : SingleColumnAnonymizer(std::move(target)),
        patterns_(std::move(patterns)),
        targets_(std::move(targets)),
        matched_(new std::atomic<bool>[patterns_.size()]) {
    for (size_t p = 0; p < patterns_.size(); ++p) matched_[p].store(false, std::memory_order_relaxed);
  }

  std::string_view AnonymizeValue(std::string_view value, Scratch& scratch) const override;

  std::vector<std::string> UnmatchedTargets() const override {
    std::vector<std::string> out;
    if (!saw_document_.load(std::memory_order_relaxed)) return out;
    for (size_t p = 0; p < patterns_.size(); ++p) {
      if (!matched_[p].load(std::memory_order_relaxed)) out.push_back(patterns_[p].text);
    }
    return out;
  }

 private:
  // One open container (or the virtual parent of the top-level value).
  struct Frame {
    size_t alive_begin;  // the entries alive[alive_begin, alive_end) match the path so far
    size_t alive_end;
    int inherited;       // targets_ index applied to everything inside, -1 for none
    uint64_t index;      // next element index (arrays)
    size_t key_begin;    // last key token (objects)
    size_t key_end;
  };

  std::vector<Pattern> patterns_;
  std::vector<std::unique_ptr<Anonymizer>> targets_;
  // Per pattern: it matched a value of some document. Read before written,
  // and written once, so that the worker threads share the cache line
  // without bouncing it (a relaxed load per completed match).
  std::unique_ptr<std::atomic<bool>[]> matched_;
  mutable std::atomic<bool> saw_document_{false};  // a valid document was read
  void Matched(size_t pattern) const {
    if (!matched_[pattern].load(std::memory_order_relaxed)) matched_[pattern].store(true, std::memory_order_relaxed);
  }
};

std::string_view JsonAnonymizer::AnonymizeValue(std::string_view value, Scratch& scratch) const {
  scratch.String(2);  // size the scratch first: growing it later would move the strings
  std::string& out = scratch.String(0);
  std::string& decoded = scratch.String(1);
  std::string& key = scratch.String(2);
  out.clear();
  size_t copied = 0;  // bytes of `value` before this offset are in `out`
  bool changed = false;
  NestedScratch nested_scratch;
  Scratch& nested = nested_scratch.get();

  // Matching state: `alive` is a stack holding, for each open frame, the
  // patterns whose first `step` steps match the path to the frame; the
  // frame's children are compared with that step. `step` is the frame's
  // depth, less the arrays a key step was carried through (lax mode).
  struct Alive {
    size_t pattern;
    size_t step;
  };
  std::vector<Alive> alive;
  std::vector<Frame> frames;
  alive.reserve(patterns_.size());
  for (size_t p = 0; p < patterns_.size(); ++p) alive.push_back({p, 0});
  frames.push_back({0, alive.size(), -1, 0, 0, 0});
  bool root = true;  // the next value is the top-level one

  json::Scanner scanner(value);
  json::Token t;
  while (scanner.Next(&t)) {
    if (t.kind == json::TokenKind::kEndObject || t.kind == json::TokenKind::kEndArray) {
      alive.resize(frames.back().alive_begin);
      frames.pop_back();
      continue;
    }
    Frame& parent = frames.back();
    if (t.kind == json::TokenKind::kKey) {
      parent.key_begin = t.begin;
      parent.key_end = t.end;
      continue;
    }
    // A value: find the patterns that reach it and the anonymizer it gets.
    const size_t child_begin = alive.size();
    int target = parent.inherited;
    if (parent.alive_begin != parent.alive_end) {
      bool key_decoded = false;
      int complete = -1;
      for (size_t a = parent.alive_begin; a < parent.alive_end; ++a) {
        const Alive entry = alive[a];
        const Pattern& p = patterns_[entry.pattern];
        bool match;
        size_t matched = entry.step;  // steps matched once this value is reached
        if (root) {
          match = true;
        } else {
          const Step& s = p.steps[entry.step];
          ++matched;
          if (s.kind == Step::kAny) {
            match = true;
          } else if (s.kind == Step::kIndex) {
            match = parent.key_end == 0 && s.index == parent.index;
          } else if (parent.key_end == 0) {
            // A key step meeting an array: lax mode compares the elements'
            // members with the same step.
            match = true;
            matched = entry.step;
          } else {
            std::string_view raw = value.substr(parent.key_begin + 1, parent.key_end - parent.key_begin - 2);
            if (raw.find('\\') == std::string_view::npos) {
              match = raw == s.key;
            } else {
              if (!key_decoded) {
                key.clear();
                json::AppendUnescaped(value.substr(parent.key_begin, parent.key_end - parent.key_begin), &key);
                key_decoded = true;
              }
              match = key == s.key;
            }
          }
        }
        if (!match) continue;
        // The steps left, and, for a value that is not an array, also the
        // steps after each array step it takes as its own one element.
        for (size_t m = matched;; ++m) {
          if (p.steps.size() == m) {
            if (complete < 0) complete = p.target;
            Matched(entry.pattern);
            break;
          }
          alive.push_back({entry.pattern, m});
          if (t.kind == json::TokenKind::kBeginArray || !WrapsNonArray(p.steps[m])) break;
        }
      }
      if (complete >= 0) target = complete;
    }
    if (!root && parent.key_end == 0) ++parent.index;
    root = false;

    switch (t.kind) {
      case json::TokenKind::kBeginObject:
      case json::TokenKind::kBeginArray:
        frames.push_back({child_begin, alive.size(), target, 0, 0, 0});
        break;
      case json::TokenKind::kString:
      case json::TokenKind::kNumber: {
        if (target < 0) break;
        std::string_view token = value.substr(t.begin, t.end - t.begin);
        Cell in;
        if (t.kind == json::TokenKind::kString) {
          decoded.clear();
          json::AppendUnescaped(token, &decoded);
          in = Cell{decoded, false};
        } else {
          in = Cell{token, false};
        }
        Cell result;
        targets_[target]->Anonymize(std::span<const Cell>(&in, 1), nested, std::span<Cell>(&result, 1));
        out.append(value.substr(copied, t.begin - copied));
        if (result.is_null) {
          out.append("null");
        } else if (t.kind == json::TokenKind::kNumber && json::IsNumber(result.value)) {
          out.append(result.value);
        } else {
          json::AppendQuoted(result.value, &out);
        }
        copied = t.end;
        changed = true;
        break;
      }
      default:
        break;  // true, false, null: kept
    }
    alive.resize(frames.back().alive_end);  // drop a scalar's leftover patterns
  }
  if (!scanner.ok()) return out.assign("null");
  if (!saw_document_.load(std::memory_order_relaxed)) saw_document_.store(true, std::memory_order_relaxed);
  if (!changed) return value;
  out.append(value.substr(copied));
  return out;
}

absl::StatusOr<std::unique_ptr<Anonymizer>> MakeJson(Options& o, const AnonymizerContext& ctx) {
  const OptionValue* paths = o.Find("paths");
  // Marks 'paths' as read; the table is walked below because its values may
  // be inline tables, which GetStringTable does not accept.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> as_strings = o.GetStringTable("paths");
  if (paths == nullptr) return absl::InvalidArgumentError("option 'paths' is required");
  const OptionTable* table = std::get_if<OptionTable>(&paths->v);
  if (table == nullptr) return as_strings.status();
  if (table->empty()) return absl::InvalidArgumentError("option 'paths' must not be empty");

  std::vector<Pattern> patterns;
  std::vector<std::unique_ptr<Anonymizer>> targets;
  for (const auto& [path, spec] : *table) {
    DBANON_ASSIGN_OR_RETURN(steps, ParsePath(path));
    std::string where = absl::StrCat("option 'paths': path '", path, "'");
    std::string name;
    OptionTable sub_options;
    if (const std::string* s = std::get_if<std::string>(&spec.v)) {
      name = *s;
    } else if (const OptionTable* t = std::get_if<OptionTable>(&spec.v)) {
      for (const auto& [k, v] : *t) {
        if (k == "anonymizer" && std::holds_alternative<std::string>(v.v)) {
          name = std::get<std::string>(v.v);
        } else if (k == "options" && std::holds_alternative<OptionTable>(v.v)) {
          sub_options = std::get<OptionTable>(v.v);
        } else {
          return absl::InvalidArgumentError(absl::StrCat(
              where, ": unexpected key '", k, "' (expected anonymizer = \"name\" and options = { ... })"));
        }
      }
      if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(where, ": 'anonymizer' is required"));
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " must map to an anonymizer name or { anonymizer = ..., options = { ... } }"));
    }
    auto made = CreateAnonymizer(name, Options(std::move(sub_options)), *ctx.prf, ctx.target);
    if (!made.ok()) return absl::InvalidArgumentError(absl::StrCat(where, ": ", made.status().message()));
    if ((*made)->columns().size() != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": anonymizer '", name, "' writes several columns; use a single-column anonymizer"));
    }
    patterns.push_back({std::move(steps), static_cast<int>(targets.size()), path});
    targets.push_back(*std::move(made));
  }
  return std::make_unique<JsonAnonymizer>(ctx.target, std::move(patterns), std::move(targets));
}

}  // namespace

void AddJsonAnonymizers(std::vector<AnonymizerInfo>* out) {
  out->push_back({"json",
                  "applies anonymizers to the strings and numbers at JSON paths, copying every other byte; invalid "
                  "JSON becomes the literal null",
                  {"paths (required): table of JSON path ($, .key, .*, [\"key\"], [N], [*]) to an anonymizer name or "
                   "{ anonymizer = \"name\", options = { ... } }"},
                  &MakeJson,
                  "{ paths = { \"$.email\" = \"email\", \"$.items[*].name\" = \"lastname\" } }"});
}

}  // namespace dbanon::internal
