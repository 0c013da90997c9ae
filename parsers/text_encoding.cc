#include "parsers/text_encoding.h"

#include "parsers/char_layout.h"

#include "absl/strings/ascii.h"
#include "base/char_class.h"

namespace dbanon {
namespace {

// Lower case, letters and digits only: "ISO_8859-1" -> "iso88591".
std::string Clean(std::string_view name) {
  std::string s;
  for (char c : name) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) s.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

// Windows-1252 bytes 0x80..0x9F: the code point of each (0: undefined).
constexpr uint16_t kWin1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// Decodes one UTF-8 sequence at s[i]; returns its length, 0 when invalid.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  uint32_t v = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) {
    const unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    v = (v << 6) | (d & 0x3F);
  }
  static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

}  // namespace

TextEncoding PgEncodingNamed(std::string_view name) {
  const std::string n = Clean(name);
  if (n == "utf8" || n == "unicode") return TextEncoding::kUtf8;
  if (n == "latin1" || n == "iso88591") return TextEncoding::kLatin1;
  if (n == "win1252" || n == "windows1252") return TextEncoding::kWin1252;
  if (n == "sqlascii") return TextEncoding::kBytes;
  return TextEncoding::kAscii;
}

TextEncoding MySqlCharsetNamed(std::string_view name) {
  const std::string n = Clean(name);
  if (n == "utf8" || n == "utf8mb3" || n == "utf8mb4") return TextEncoding::kUtf8;
  if (n == "latin1") return TextEncoding::kWin1252;
  if (n == "binary") return TextEncoding::kBytes;
  return TextEncoding::kAscii;
}

std::string_view EncodeReplacement(TextEncoding encoding, std::string_view utf8, std::string* buf) {
  if (encoding == TextEncoding::kUtf8 || encoding == TextEncoding::kBytes) return utf8;
  size_t i = 0;
  while (i < utf8.size() && static_cast<unsigned char>(utf8[i]) < 0x80) ++i;
  if (i == utf8.size()) return utf8;  // ASCII is the same in every encoding
  buf->assign(utf8.substr(0, i));
  while (i < utf8.size()) {
    uint32_t cp = 0;
    const size_t len = DecodeUtf8(utf8, i, &cp);
    if (len == 0) {  // not UTF-8: a byte of the dump's own encoding
      buf->push_back(encoding == TextEncoding::kAscii ? '?' : utf8[i]);
      ++i;
      continue;
    }
    i += len;
    int byte = -1;
    if (cp < 0x80) {
      byte = static_cast<int>(cp);
    } else if (encoding == TextEncoding::kLatin1 && cp <= 0xFF) {
      byte = static_cast<int>(cp);
    } else if (encoding == TextEncoding::kWin1252) {
      if (cp >= 0xA0 && cp <= 0xFF) byte = static_cast<int>(cp);
      for (int k = 0; k < 32 && byte < 0; ++k) {
        if (kWin1252High[k] != 0 && kWin1252High[k] == cp) byte = 0x80 + k;
      }
    }
    buf->push_back(byte < 0 ? '?' : static_cast<char>(byte));
  }
  return *buf;
}

CharLayout PgCharLayoutNamed(std::string_view name) {
  const std::string n = Clean(name);
  if (n == "sjis" || n == "shiftjis" || n == "mskanji" || n == "win932" || n == "windows932" || n == "shiftjis2004") {
    return CharLayout::kSjis;
  }
  if (n == "big5" || n == "windows950" || n == "win950" || n == "gbk" || n == "windows936" || n == "win936" ||
      n == "uhc" || n == "windows949" || n == "win949") {
    return CharLayout::kTwoByte;
  }
  if (n == "gb18030") return CharLayout::kGb18030;
  if (n == "johab") return CharLayout::kJohab;
  return CharLayout::kAsciiSafe;
}

namespace {

// The encoding name of `SET client_encoding = '...';`, cleaned of spaces,
// quotes and case; nullopt for any other statement.
std::optional<std::string> PgClientEncodingName(std::string_view statement) {
  std::string s;
  for (char c : statement) {
    if (!IsSqlSpace(static_cast<unsigned char>(c)) && c != '\'' && c != '"' && c != ';') {
      s.push_back(static_cast<char>(absl::ascii_tolower(static_cast<unsigned char>(c))));
    }
  }
  for (std::string_view prefix : {"setclient_encoding=", "setclient_encodingto", "setsessionclient_encoding=",
                                  "setsessionclient_encodingto"}) {
    if (s.rfind(prefix, 0) == 0) return s.substr(prefix.size());
  }
  return std::nullopt;
}

}  // namespace

std::optional<CharLayout> PgClientEncodingLayout(std::string_view statement) {
  std::optional<std::string> name = PgClientEncodingName(statement);
  if (!name.has_value()) return std::nullopt;
  return PgCharLayoutNamed(*name);
}

std::optional<TextEncoding> PgClientEncodingSetting(std::string_view statement) {
  std::optional<std::string> name = PgClientEncodingName(statement);
  if (!name.has_value()) return std::nullopt;
  return PgEncodingNamed(*name);
}

bool PgClientEncodingKnown(std::string_view statement) {
  std::optional<std::string> name = PgClientEncodingName(statement);
  if (!name.has_value()) return true;
  const std::string n = Clean(*name);
  // The names of src/common/encnames.c (pg_encname_tbl), cleaned as
  // pg_char_to_encoding cleans them; DEFAULT resets to the connection's.
  static constexpr std::string_view kNames[] = {
      "default", "abc", "alt", "big5", "euccn", "eucjis2004", "eucjp", "euckr", "euctw", "gb18030", "gbk",
      "iso88591", "iso885910", "iso885913", "iso885914", "iso885915", "iso885916", "iso88592", "iso88593",
      "iso88594", "iso88595", "iso88596", "iso88597", "iso88598", "iso88599", "johab", "koi8", "koi8r", "koi8u",
      "latin1", "latin10", "latin2", "latin3", "latin4", "latin5", "latin6", "latin7", "latin8", "latin9",
      "mskanji", "muleinternal", "shiftjis", "shiftjis2004", "sjis", "sqlascii", "tcvn", "tcvn5712", "uhc",
      "unicode", "utf8", "vscii", "win", "win1250", "win1251", "win1252", "win1253", "win1254", "win1255",
      "win1256", "win1257", "win1258", "win866", "win874", "win932", "win936", "win949", "win950",
      "windows1250", "windows1251", "windows1252", "windows1253", "windows1254", "windows1255", "windows1256",
      "windows1257", "windows1258", "windows866", "windows874", "windows932", "windows936", "windows949",
      "windows950"};
  for (std::string_view known : kNames) {
    if (n == known) return true;
  }
  return false;
}

}  // namespace dbanon
