// Fuzz target for a dump framer and its row rewriter, built once per dialect
// (tests/fuzz/meson.build sets DBANON_FUZZ_DIALECT):
//   pg_copy_fuzz, pg_insert_fuzz   PgPlainFramer (COPY blocks, --inserts)
//   mysql_insert_fuzz              SqlScriptFramer, MySQL/MariaDB
//   sqlite_insert_fuzz             SqlScriptFramer, SQLite
// The two PostgreSQL targets differ only by their seed corpus.
//
// Properties (tests/fuzz/fuzz_util.h): with nothing configured the output is
// the input, byte for byte, or the error is clean; chunk boundaries change
// nothing; with every table configured the output parses again with the
// same number of rows per table, and rewriting it again succeeds.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_util.h"

#if DBANON_FUZZ_DIALECT == 0
#include "parsers/pg_plain_framer.h"
#else
#include "parsers/sql_script_framer.h"
#endif

namespace dbanon::fuzz {
namespace {

std::unique_ptr<Framer> MakeFramer(TableResolver* resolver) {
#if DBANON_FUZZ_DIALECT == 0
  return std::make_unique<PgPlainFramer>(resolver);
#elif DBANON_FUZZ_DIALECT == 1
  return std::make_unique<SqlScriptFramer>(MySqlDialect(), resolver);
#else
  return std::make_unique<SqlScriptFramer>(SqliteDialect(), resolver);
#endif
}

struct Run {
  absl::Status status;
  std::string output;
  std::map<TableName, int64_t> rows;
};

Run Frame(std::string_view input, size_t chunk, bool configure_all) {
  FuzzResolver resolver(configure_all);
  std::unique_ptr<Framer> framer = MakeFramer(&resolver);
  Run run;
  run.status = Drive(*framer, input, chunk, &run.output);
  run.rows = resolver.rows();
  (void)framer->TakeWarnings();
  return run;
}

// With rows being rewritten, an input with a bad row and a later framing
// error may report either first, depending on where the chunks end (the
// pipeline reports the first error of the first failing batch): only
// framing errors (`same_error`) must be identical.
void CheckSame(const Run& a, const Run& b, bool same_error) {
  FUZZ_CHECK(a.status.ok() == b.status.ok(), "chunk boundaries do not change success");
  if (a.status.ok()) {
    FUZZ_CHECK(a.output == b.output, "chunk boundaries do not change the output");
  } else if (same_error) {
    FUZZ_CHECK(a.status.message() == b.status.message(), "chunk boundaries do not change the error");
  }
}

}  // namespace
}  // namespace dbanon::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dbanon::fuzz;
  if (size > (size_t{1} << 20)) return -1;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const uint64_t h = Hash(input);
  // Small inputs are cut anywhere; large ones in a few pieces (a row that
  // waits for its end is rescanned on every call).
  const size_t chunk = size < 4096 ? 1 + h % 64 : size / (1 + h % 16);

  // Nothing configured: the output is the input.
  Run whole = Frame(input, size, false);
  if (whole.status.ok()) {
    FUZZ_CHECK(whole.output == input, "with nothing configured the output is the input");
  } else {
    CheckCleanError(whole.status);
  }
  CheckSame(whole, Frame(input, chunk, false), true);

  // Every table configured.
  Run conf = Frame(input, size, true);
  if (!conf.status.ok()) {
    CheckCleanError(conf.status);
  }
  CheckSame(conf, Frame(input, chunk, true), false);
  if (conf.status.ok()) {
    FUZZ_CHECK(whole.status.ok(), "input that fails with nothing configured fails when configured");
    Run again = Frame(conf.output, conf.output.size(), true);
    FUZZ_CHECK(again.status.ok(), "the anonymized output parses and rewrites again");
    FUZZ_CHECK(again.rows == conf.rows, "the anonymized output has the same rows per table");
  }
  return 0;
}
