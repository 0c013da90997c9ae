// Levenshtein distance between two byte strings, for the "did you mean"
// suggestions of messages (a mistyped SQL command, table, column, option or
// anonymizer name). Header only, no state; thread-safe.
//
// Cost: O(|a| * |b|) time and O(|b|) memory; callers pass names, not values.
#ifndef DBANON_BASE_EDIT_DISTANCE_H_
#define DBANON_BASE_EDIT_DISTANCE_H_

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <vector>

namespace dbanon {

// The number of single-byte insertions, deletions and substitutions that
// turn `a` into `b`.
inline size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace dbanon

#endif  // DBANON_BASE_EDIT_DISTANCE_H_
