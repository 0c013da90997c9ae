#include "parsers/dump_format.h"

#include "parsers/pg_plain_framer.h"
#include "parsers/sql_script_framer.h"
#include "parsers/sql_values.h"

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

DumpFormat DetectDumpFormat(std::string_view head) {
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
  }
  return DumpFormat::kPostgres;
}

std::unique_ptr<Framer> MakeFramer(DumpFormat format, TableResolver* resolver) {
  switch (format) {
    case DumpFormat::kMySql: return std::make_unique<SqlScriptFramer>(MySqlDialect(), resolver);
    case DumpFormat::kSqlite: return std::make_unique<SqlScriptFramer>(SqliteDialect(), resolver);
    default: return std::make_unique<PgPlainFramer>(resolver);
  }
}

}  // namespace dbanon
