#include "parsers/dump_format.h"

#include <algorithm>
#include <string>
#include <vector>

#include "parsers/pg_plain_framer.h"
#include "parsers/sql_script_framer.h"
#include "parsers/sql_tuples.h"

namespace dbanon {

std::optional<DumpFormat> ParseDumpFormat(std::string_view name) {
  if (name == "pg" || name == "postgres" || name == "postgresql") return DumpFormat::kPostgres;
  if (name == "mysql" || name == "mariadb") return DumpFormat::kMySql;
  if (name == "sqlite" || name == "sqlite3") return DumpFormat::kSqlite;
  return std::nullopt;
}

std::string_view DumpFormatName(DumpFormat format) {
  switch (format) {
    case DumpFormat::kMySql: return "mysql";
    case DumpFormat::kSqlite: return "sqlite";
    default: return "pg";
  }
}

std::optional<DumpFormat> DetectDumpFormat(std::string_view head) {
  auto starts = [](std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; };
  head = head.substr(0, kDetectBytes);
  if (starts(head, "\xEF\xBB\xBF")) head.remove_prefix(3);  // a UTF-8 byte order mark
  // The tools' banners (docs/formats.md A.1, C.1, D).
  if (starts(head, "-- MySQL dump") || starts(head, "-- MariaDB dump") || starts(head, "/*M!999999") ||
      starts(head, "/*!999999")) {
    return DumpFormat::kMySql;
  }
  if (starts(head, "PRAGMA foreign_keys=OFF;") || starts(head, "BEGIN TRANSACTION;")) return DumpFormat::kSqlite;
  // Else the first statement-looking line that only one dialect writes.
  // The sqlite3 shell's INSERTs (`.dump`, `.mode insert TABLE`, with
  // `.headers on` a column list) put no space between VALUES and its
  // parenthesis (shell.c: "INSERT INTO %s VALUES(" / "%s(...) VALUES("),
  // where pg_dump and mysqldump write `VALUES (`: SQLite when no line of
  // another dialect is seen (`.schema` + `.mode insert` writes no banner).
  bool shell_insert = false;
  size_t pos = 0;
  while (pos < head.size()) {
    size_t nl = head.find('\n', pos);
    std::string_view line = head.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? head.size() : nl + 1;
    while (!line.empty() && (line[0] == ' ' || line[0] == '\t')) line.remove_prefix(1);
    for (std::string_view m : {"INSERT INTO `", "REPLACE INTO `", "INSERT IGNORE INTO `", "CREATE TABLE `",
                               "LOCK TABLES `", "DROP TABLE IF EXISTS `", "/*!", "/*M!", "USE `", "DELIMITER "}) {
      if (starts(line, m)) return DumpFormat::kMySql;
    }
    for (std::string_view m : {"PRAGMA ", "BEGIN TRANSACTION;"}) {
      if (starts(line, m)) return DumpFormat::kSqlite;
    }
    for (std::string_view m : {"COPY ", "SET standard_conforming_strings", "SET client_encoding", "SET search_path",
                               "SELECT pg_catalog.", "\\connect", "\\restrict", "-- PostgreSQL database dump"}) {
      if (starts(line, m)) return DumpFormat::kPostgres;
    }
    if (!shell_insert && starts(line, "INSERT INTO ")) {
      // ` VALUES(` before any quote: in the statement's head, not in a value.
      const size_t values = line.find(" VALUES(");
      shell_insert = values != std::string_view::npos && line.substr(0, values).find('\'') == std::string_view::npos;
    }
  }
  if (shell_insert) return DumpFormat::kSqlite;
  return std::nullopt;
}

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Passes a UTF-8 byte order mark at the very start of the input through as
// raw bytes and frames the rest with `inner`, as if the mark were not there.
// The clients skip it too (checked with the Debian 12 clients: psql strips it
// from the first line of a UTF-8 script, see psql's mainloop.c; the mariadb
// client and the sqlite3 shell run such a script as well).
class BomSkippingFramer : public Framer {
 public:
  explicit BomSkippingFramer(std::unique_ptr<Framer> inner) : inner_(std::move(inner)) {}

  absl::StatusOr<size_t> Frame(std::string_view input, bool eof, std::vector<Segment>* segments) override {
    size_t skip = 0;
    if (first_) {
      const size_t n = std::min(input.size(), kUtf8Bom.size());
      if (input.substr(0, n) == kUtf8Bom.substr(0, n)) {
        if (n < kUtf8Bom.size() && !eof) return 0;  // too few bytes to tell
        if (n == kUtf8Bom.size()) skip = n;
      }
      first_ = false;
    }
    if (skip == 0) return inner_->Frame(input, eof, segments);
    segments->push_back(Segment{Segment::Kind::kRaw, 0, skip, 1, nullptr, nullptr});
    const size_t first_new = segments->size();
    absl::StatusOr<size_t> consumed = inner_->Frame(input.substr(skip), eof, segments);
    if (!consumed.ok()) return consumed;
    for (size_t i = first_new; i < segments->size(); ++i) {
      (*segments)[i].begin += skip;
      (*segments)[i].end += skip;
    }
    return *consumed + skip;
  }

  std::vector<std::string> TakeWarnings() override { return inner_->TakeWarnings(); }

 private:
  std::unique_ptr<Framer> inner_;
  bool first_ = true;
};

std::unique_ptr<Framer> MakeDialectFramer(DumpFormat format, TableResolver* resolver) {
  switch (format) {
    case DumpFormat::kMySql: return std::make_unique<SqlScriptFramer>(MySqlDialect(), resolver);
    case DumpFormat::kSqlite: return std::make_unique<SqlScriptFramer>(SqliteDialect(), resolver);
    default: return std::make_unique<PgPlainFramer>(resolver);
  }
}

}  // namespace

std::unique_ptr<Framer> MakeFramer(DumpFormat format, TableResolver* resolver,
                                   const std::vector<std::string>& pg_schema, PgOrigin origin) {
  std::unique_ptr<Framer> framer = MakeDialectFramer(format, resolver);
  if (format == DumpFormat::kPostgres) {
    if (origin == PgOrigin::kUnknown) static_cast<PgPlainFramer*>(framer.get())->SetOriginUnknown();
    for (const std::string& statement : pg_schema) static_cast<PgPlainFramer*>(framer.get())->AddSchema(statement);
  }
  return std::make_unique<BomSkippingFramer>(std::move(framer));
}

}  // namespace dbanon
