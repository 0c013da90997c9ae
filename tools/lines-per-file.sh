#!/usr/bin/env bash
# Prints the lines of every C++ source file (.h, .cc) in base/, anonymizers/,
# parsers/ and src/ as a Markdown table: one row a file, largest first within
# each folder, then the files and lines per folder. These are the before/after
# figures of issue 12's closing note.
#
# Usage: tools/lines-per-file.sh [REV]
#   REV  a git revision to count (e.g. 65d1a84); default: the working tree
#        (tracked files and untracked ones git does not ignore)
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-}
folders=(base anonymizers parsers src)

# "LINES PATH" for every .h/.cc file of one folder.
counts() {
  local path
  if [[ -n "$rev" ]]; then
    git ls-tree -r --name-only "$rev" -- "$1/" | grep -E '\.(h|cc)$' | while read -r path; do
      printf '%s %s\n' "$(git cat-file blob "$rev:$path" | wc -l)" "$path"
    done
  else
    git ls-files -co --exclude-standard -- "$1/" | grep -E '\.(h|cc)$' | while read -r path; do
      [[ -f "$path" ]] && printf '%s %s\n' "$(wc -l <"$path")" "$path"
    done
  fi
}

echo "| file | lines |"
echo "|---|---:|"
summary=() all=0 all_files=0
for f in "${folders[@]}"; do
  rows=$(counts "$f" | sort -k1,1nr -k2,2)
  sum=0 n=0
  while read -r lines path; do
    [[ -z "${path:-}" ]] && continue
    echo "| $path | $lines |"
    sum=$((sum + lines)) n=$((n + 1))
  done <<<"$rows"
  summary+=("| **$f/** ($n files) | **$sum** |")
  all=$((all + sum)) all_files=$((all_files + n))
done
printf '%s\n' "${summary[@]}"
echo "| **all four** ($all_files files) | **$all** |"
