#include "src/run.h"

#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "base/exit_class.h"
#include "src/compression.h"
#include "tests/src/test_files.h"

namespace dbanon {
namespace {

using testing::TempFolder;  // a folder of its own for each test case, removed at the end

std::string Gzip(const std::string& data) {
  std::string out = DeflateHeader(Container::kGzip, CompressionSpec::kDefaultLevel);
  REQUIRE(DeflatePiece(data, CompressionSpec::kDefaultLevel, true, &out).ok());
  out += DeflateTrailer(Container::kGzip, PieceCheck(Container::kGzip, data), data.size());
  return out;
}

constexpr char kPgDump[] =
    "--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n"
    "COPY public.t (id) FROM stdin;\n1\n\\.\n\n";

TEST_CASE("a plain dump is opened as plain, its dialect detected, its first bytes kept") {
  TempFolder d;
  auto input = OpenInput(d.Write("dump.sql", kPgDump), std::nullopt);
  REQUIRE(input.ok());
  CHECK(input->kind == InputKind::kPlain);
  CHECK(input->format == DumpFormat::kPostgres);
  CHECK(!input->compression.has_value());
  CHECK(input->head == kPgDump);
  REQUIRE(input->file.has_value());
}

TEST_CASE("--format wins over the detection of a plain dump's dialect") {
  TempFolder d;
  auto input = OpenInput(d.Write("dump.sql", kPgDump), DumpFormat::kSqlite);
  REQUIRE(input.ok());
  CHECK(input->format == DumpFormat::kSqlite);
}

TEST_CASE("a gzip-compressed plain dump is read through its decompressor") {
  TempFolder d;
  auto input = OpenInput(d.Write("dump.sql.gz", Gzip(kPgDump)), std::nullopt);
  REQUIRE(input.ok());
  CHECK(input->kind == InputKind::kPlain);
  CHECK(input->compression == Algorithm::kGzip);
  CHECK(input->head == kPgDump);
}

TEST_CASE("pg_dump archives are told apart: custom by PGDMP, tar by ustar, directory by being a folder") {
  TempFolder d;
  auto custom = OpenInput(d.Write("a.dump", std::string("PGDMP\x01\x0f\x00", 8) + std::string(600, '\0')),
                          std::nullopt);
  REQUIRE(custom.ok());
  CHECK(custom->kind == InputKind::kCustomArchive);

  std::string tar(1024, '\0');
  tar.replace(0, 7, "toc.dat");
  tar.replace(257, 6, std::string("ustar\0", 6));
  auto tarred = OpenInput(d.Write("a.tar", tar), std::nullopt);
  REQUIRE(tarred.ok());
  CHECK(tarred->kind == InputKind::kTarArchive);

  auto folder = OpenInput(d.path(), std::nullopt);
  REQUIRE(folder.ok());
  CHECK(folder->kind == InputKind::kDirectoryArchive);
  CHECK(!folder->file.has_value());
}

TEST_CASE("an empty input and a twice-compressed input are refused with the file's name and exit class 3") {
  TempFolder d;
  const std::string empty = d.Write("empty.sql", "");
  auto none = OpenInput(empty, std::nullopt);
  REQUIRE(!none.ok());
  CHECK(none.status().message().substr(0, empty.size() + 5) == empty + ":1:1:");
  CHECK(ExitClassOf(none.status()) == ExitClass::kInput);

  const std::string twice = d.Write("twice.sql.gz.gz", Gzip(Gzip(kPgDump)));
  auto both = OpenInput(twice, std::nullopt);
  REQUIRE(!both.ok());
  CHECK(std::string(both.status().message()) == twice + ": the input is compressed twice");
  CHECK(ExitClassOf(both.status()) == ExitClass::kInput);
}

}  // namespace
}  // namespace dbanon
