#include "parsers/text_encoding.h"

#include <doctest/doctest.h>

#include <string>

#include "parsers/column_types.h"

namespace dbanon {
namespace {

std::string Enc(TextEncoding e, std::string_view v) {
  std::string buf;
  return std::string(EncodeReplacement(e, v, &buf));
}

TEST_CASE("encoding names as pg_dump and mysqldump write them") {
  CHECK(PgEncodingNamed("UTF8") == TextEncoding::kUtf8);
  CHECK(PgEncodingNamed("LATIN1") == TextEncoding::kLatin1);
  CHECK(PgEncodingNamed("iso_8859_1") == TextEncoding::kLatin1);
  CHECK(PgEncodingNamed("WIN1252") == TextEncoding::kWin1252);
  CHECK(PgEncodingNamed("SQL_ASCII") == TextEncoding::kBytes);
  CHECK(PgEncodingNamed("SJIS") == TextEncoding::kAscii);
  CHECK(PgEncodingNamed("LATIN2") == TextEncoding::kAscii);
  CHECK(MySqlCharsetNamed("utf8mb4") == TextEncoding::kUtf8);
  CHECK(MySqlCharsetNamed("latin1") == TextEncoding::kWin1252);  // MySQL's latin1 is Windows-1252
  CHECK(MySqlCharsetNamed("binary") == TextEncoding::kBytes);
  CHECK(MySqlCharsetNamed("cp1250") == TextEncoding::kAscii);
}

TEST_CASE("a generated UTF-8 replacement is written in the dump's encoding, '?' where it has no such character") {
  CHECK(Enc(TextEncoding::kUtf8, "Łódź €") == "Łódź €");
  CHECK(Enc(TextEncoding::kLatin1, "Zoé") == "Zo\xE9");
  CHECK(Enc(TextEncoding::kLatin1, "Łódź €") == "?\xF3" "d? ?");
  CHECK(Enc(TextEncoding::kWin1252, "Łódź €") == "?\xF3" "d? \x80");
  CHECK(Enc(TextEncoding::kAscii, "Zoé") == "Zo?");
  CHECK(Enc(TextEncoding::kBytes, "Zoé") == "Zoé");
  CHECK(Enc(TextEncoding::kLatin1, "plain ascii") == "plain ascii");
  // A byte of the original value (LATIN1 already) kept by an anonymizer stays.
  CHECK(Enc(TextEncoding::kLatin1, "M\xFCller") == "M\xFCller");
  CHECK(Enc(TextEncoding::kAscii, "M\xFCller") == "M?ller");
}

TEST_CASE("varchar(n) counts characters of the dump's encoding: one byte each in LATIN1 and SQL_ASCII") {
  ColumnLimit latin1{"c", 6, 0, TextEncoding::kLatin1};
  std::string buf;
  CHECK(FitView(latin1, "Müller", &buf) == "M\xFCller");   // 6 characters, 6 bytes: fits
  CHECK(FitView(latin1, "Müllerin", &buf) == "M\xFCller");
  ColumnLimit bytes{"c", 6, 0, TextEncoding::kBytes};
  CHECK(FitView(bytes, "Müller", &buf) == "M\xC3\xBC" "lle");  // 7 bytes in SQL_ASCII: cut to 6
  CHECK(FitView(bytes, "Mülléé", &buf) == "M\xC3\xBC" "ll");  // never half a character
  ColumnLimit utf8{"c", 6, 0, TextEncoding::kUtf8};
  CHECK(FitView(utf8, "Müller", &buf) == "Müller");
  ColumnLimit unlimited{"c", 0, 0, TextEncoding::kLatin1};
  CHECK(FitView(unlimited, "Zoé", &buf) == "Zo\xE9");
}

}  // namespace
}  // namespace dbanon
