// The character encoding a dump's text is written in, and writing generated
// replacement values (UTF-8) in it.
//
// A pg_dump of a LATIN1, WIN1252 or SQL_ASCII database says so in
// `SET client_encoding = '...'` (pg_dump writes the database's encoding, or
// the one given with -E); mysqldump/mariadb-dump say `SET NAMES ...` (the
// connection character set of --default-character-set). The anonymizers
// write UTF-8, so each replacement is written in the dump's encoding before
// it is fitted to its column (by characters of that encoding): a character the
// encoding lacks becomes '?', the character the servers themselves substitute
// when converting. Single-byte encodings count one character per byte; so
// does SQL_ASCII, whose values are bytes (PostgreSQL docs, "Character Set
// Support": SQL_ASCII does no conversion or validation).
//
// Sources: PostgreSQL docs, "Character Set Support", table "PostgreSQL
// Character Sets" (names; the server compares them ignoring case and
// punctuation: pg_char_to_encoding in src/common/encnames.c); MariaDB docs,
// "Supported Character Sets and Collations" (MySQL's latin1 is Windows-1252).
//
// Thread-safety: pure functions.
#ifndef DBANON_PARSERS_TEXT_ENCODING_H_
#define DBANON_PARSERS_TEXT_ENCODING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dbanon {

enum class TextEncoding : uint8_t {
  kUtf8,     // UTF8, utf8mb3, utf8mb4: replacements are written as they are
  kLatin1,   // ISO 8859-1: U+0000..U+00FF, one byte each
  kWin1252,  // Windows-1252 (PostgreSQL WIN1252, MySQL/MariaDB latin1)
  kBytes,    // PostgreSQL SQL_ASCII, MySQL binary: bytes, counted as bytes
  kAscii,    // any other encoding: replacements are restricted to ASCII
};

// The encoding named in `SET client_encoding` (any case, '_' and '-'
// ignored); kAscii for an encoding dbanon does not write beyond ASCII.
TextEncoding PgEncodingNamed(std::string_view name);
// The encoding that `SET client_encoding = 'LATIN1';` (and TO, quotes,
// case, SESSION) sets: pg_dump writes it near the top of a plain dump and as
// the defn of an archive's ENCODING TOC entry (pg_dump.c dumpEncoding).
// nullopt for any other statement.
std::optional<TextEncoding> PgClientEncodingSetting(std::string_view statement);
// False when `statement` is a `SET client_encoding` that names an encoding
// PostgreSQL does not know (psql refuses it; dbanon must not guess how its
// bytes make characters); true for any other statement.
bool PgClientEncodingKnown(std::string_view statement);
// The character set named in mysqldump's `SET NAMES`.
TextEncoding MySqlCharsetNamed(std::string_view name);

// True when every character of `encoding` is one byte.
inline bool OneBytePerChar(TextEncoding encoding) { return encoding != TextEncoding::kUtf8; }

// `utf8` (a replacement) written in `encoding`: returns `utf8` itself when it
// needs no change, else the converted copy made in `*buf`. A byte that is not
// part of valid UTF-8 (a byte of the original value kept by an anonymizer) is
// kept where the encoding is single-byte, else replaced by '?'.
std::string_view EncodeReplacement(TextEncoding encoding, std::string_view utf8, std::string* buf);

}  // namespace dbanon

#endif  // DBANON_PARSERS_TEXT_ENCODING_H_
