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

TEST_CASE("replacements in SJIS, GBK and BIG5 are ASCII: no byte of theirs can be read as part of a character") {
  for (const char* name : {"sjis", "cp932", "gbk", "big5", "gb18030"}) {
    INFO(name);
    CHECK(MySqlCharsetNamed(name) == TextEncoding::kAscii);
  }
  for (const char* name : {"SJIS", "SHIFT_JIS_2004", "BIG5", "GBK", "UHC", "GB18030", "JOHAB"}) {
    INFO(name);
    CHECK(PgEncodingNamed(name) == TextEncoding::kAscii);
  }
  // SJIS bytes of the original value kept by an anonymizer: the first byte of
  // '表' becomes '?', its 0x5C a plain backslash (escaped when written).
  CHECK(Enc(TextEncoding::kAscii, "\x95\\aé") == "?\\a?");
}

TEST_CASE("SET client_encoding of an encoding PostgreSQL does not know is told apart") {
  CHECK(PgClientEncodingKnown("SET client_encoding = 'SJIS';"));
  CHECK(PgClientEncodingKnown("SET client_encoding TO 'iso_8859_5';"));
  CHECK(PgClientEncodingKnown("SET client_encoding = DEFAULT;"));
  CHECK(PgClientEncodingKnown("SET standard_conforming_strings = on;"));
  CHECK_FALSE(PgClientEncodingKnown("SET client_encoding = 'KLINGON';"));
  CHECK_FALSE(PgClientEncodingKnown("SET client_encoding = 'UTF16';"));
}

}  // namespace
}  // namespace dbanon
