// UTF-8 encoding of one code point (RFC 3629), for the decoders of escapes
// (`\u` in JSON, `U&'...'` and `E'\u...'` in SQL). Header only; thread-safe.
#ifndef DBANON_BASE_UTF8_H_
#define DBANON_BASE_UTF8_H_

#include <cstdint>
#include <string>

namespace dbanon {

// Appends the UTF-8 bytes of `cp` to `out`. `cp` must be at most 0x10FFFF;
// callers check the range (and reject surrogates where their format does).
inline void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | ((cp >> 18) & 0x07)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace dbanon

#endif  // DBANON_BASE_UTF8_H_
