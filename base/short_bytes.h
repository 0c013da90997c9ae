// Tests on the bytes of short strings (replacement values: names, dates,
// e-mails) without a loop and without reading past the string: the bytes
// are gathered into one SSE2 register with overlapping loads, so a test of
// the form "does any byte match" sees each byte at least once and no byte
// that is not the string's.
#ifndef DBANON_BASE_SHORT_BYTES_H_
#define DBANON_BASE_SHORT_BYTES_H_

#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace dbanon {

#if defined(__SSE2__)
// The bytes of `s` (1 <= s.size() <= 16) in one register, some of them
// repeated; only s's bytes are read.
inline __m128i LoadShortBytes(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  if (n >= 8) {
    uint64_t lo, hi;
    std::memcpy(&lo, p, 8);
    std::memcpy(&hi, p + n - 8, 8);
    return _mm_set_epi64x(static_cast<int64_t>(hi), static_cast<int64_t>(lo));
  }
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return _mm_set_epi32(static_cast<int>(hi), static_cast<int>(lo), static_cast<int>(hi), static_cast<int>(lo));
  }
  const char a = p[0], b = p[n / 2], c = p[n - 1];
  return _mm_setr_epi8(a, b, c, a, b, c, a, b, c, a, b, c, a, b, c, a);
}
#endif

// True when no byte of `s` is below '(' (NUL, controls, space, '!', '"',
// '#'...'\'') or a backslash: such a value is written as it is inside a
// COPY text field (PostgreSQL docs, "COPY, File Formats": backslash and
// \b \f \n \r \t \v are escaped) and inside a '...' or "..." SQL literal of
// any dialect dbanon writes (only the quote, the backslash with escapes,
// and for MySQL NUL, LF, CR and ^Z are escaped), in a client encoding whose
// multibyte characters cannot hold an ASCII byte (UTF-8, Latin-1). A
// stricter test than either format needs; values that fail it take the
// full escaping path. Any length; fastest at 16 bytes or less.
inline bool NeedsNoEscape(std::string_view s) {
#if defined(__SSE2__)
  const __m128i limit = _mm_set1_epi8('(');
  const __m128i backslash = _mm_set1_epi8('\\');
  auto clean = [&](__m128i v) {
    // Unsigned v >= '(' as max(v, '(') == v.
    const __m128i above = _mm_cmpeq_epi8(_mm_max_epu8(v, limit), v);
    return _mm_movemask_epi8(_mm_andnot_si128(_mm_cmpeq_epi8(v, backslash), above)) == 0xFFFF;
  };
  size_t i = 0;
  for (; i + 16 <= s.size(); i += 16) {
    if (!clean(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i)))) return false;
  }
  return i == s.size() || clean(LoadShortBytes(s.substr(i)));
#else
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < '(' || c == '\\') return false;
  }
  return true;
#endif
}

// Copies n bytes from src to dst (which must not overlap) and returns
// dst + n. Up to 16 bytes without a call, with two overlapping loads and
// stores that touch only [src, src + n) and [dst, dst + n): the row
// rewriters write many short pieces (the bytes between two values, a
// replacement), where a call to memcpy costs more than the copy.
[[gnu::always_inline]] inline char* CopyShort(char* dst, const char* src, size_t n) {
  if (n > 16) {
    std::memcpy(dst, src, n);
  } else if (n >= 8) {
    uint64_t a, b;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else if (n > 0) {
    const char a = src[0], b = src[n / 2], c = src[n - 1];
    dst[0] = a;
    dst[n / 2] = b;
    dst[n - 1] = c;
  }
  return dst + n;
}

}  // namespace dbanon

#endif  // DBANON_BASE_SHORT_BYTES_H_
