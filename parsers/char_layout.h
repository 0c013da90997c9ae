// How the bytes of a client encoding make characters, for readers that must
// not take a byte of a multibyte character for an ASCII one (COPY rows, and
// SQL literals in the same encodings). Implemented in text_encoding.cc, with
// the encoding names.
//
// Thread-safety: pure functions.
#ifndef DBANON_PARSERS_CHAR_LAYOUT_H_
#define DBANON_PARSERS_CHAR_LAYOUT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace dbanon {

// How the bytes of a PostgreSQL client encoding make characters, where it
// matters to a reader of COPY text: in SJIS, SHIFT_JIS_2004, BIG5, GBK, UHC,
// GB18030 and JOHAB the second byte of a character may be below 0x80 (0x5C,
// a backslash in ASCII, is the second byte of SJIS '表'), so COPY reads them
// character by character (copyfromparse.c, encoding_embeds_ascii; pg_dump's
// COPY TO writes them so, copyto.c CopyAttributeOutText). In every other
// encoding a byte below 0x80 is always an ASCII character (kAsciiSafe).
// Source: PostgreSQL src/common/wchar.c, the pg_*_mblen functions.
enum class CharLayout : uint8_t {
  kAsciiSafe,
  kSjis,     // SJIS, SHIFT_JIS_2004: 0xA1..0xDF one byte, other bytes >= 0x80 lead two
  kTwoByte,  // BIG5, GBK, UHC: a byte >= 0x80 leads two
  kGb18030,  // a byte >= 0x80 leads four when the next is a digit 0x30..0x39, else two
  kJohab,    // 0x8F leads three, other bytes >= 0x80 two (pg_euc_mblen)
};

// The layout of the encoding named in `SET client_encoding` (names as
// PgEncodingNamed takes them).
CharLayout PgCharLayoutNamed(std::string_view name);
// The layout that `SET client_encoding = '...';` sets; nullopt for any
// other statement.
std::optional<CharLayout> PgClientEncodingLayout(std::string_view statement);

// The length in bytes of the character that starts at s[i] (PostgreSQL's
// pg_encoding_mblen): 1 for a byte below 0x80. It may reach past the end of
// `s` (a character cut by the end of the buffer). GB18030 needs the byte
// after a lead byte: REQUIRES i + 1 < s.size() when s[i] >= 0x80.
inline size_t CharLength(CharLayout layout, std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  switch (layout) {
    case CharLayout::kAsciiSafe: return 1;
    case CharLayout::kSjis: return c >= 0xA1 && c <= 0xDF ? 1 : 2;
    case CharLayout::kTwoByte: return 2;
    case CharLayout::kGb18030: {
      const unsigned char d = static_cast<unsigned char>(s[i + 1]);
      return d >= 0x30 && d <= 0x39 ? 4 : 2;
    }
    case CharLayout::kJohab: return c == 0x8F ? 3 : 2;
  }
  return 1;
}

}  // namespace dbanon

#endif  // DBANON_PARSERS_CHAR_LAYOUT_H_
