// What each anonymizer's output costs once compressed (issue 16): for every
// registered anonymizer with its documented example options, under a fixed
// salt, 100,000 distinct inputs are anonymized and their outputs written one
// a line (as a COPY column would hold them); it prints per value the raw
// bytes, and the bytes after zlib -5 (pg_dump -Fc -Z5's codec) and after
// the deflate dbanon writes archives with (DeflatePiece at level 5, 4 MiB
// pieces), beside the same figures for the inputs. Not a timing: the
// numbers do not depend on the machine.
//
//   build-bench/bench/anonymizer_size            # every anonymizer
//   build-bench/bench/anonymizer_size email md5  # some
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "anonymizers/anonymizer.h"
#include "bench/bench_util.h"
#include "src/compression.h"
#include "src/config.h"

namespace dbanon {
namespace {

constexpr int kValues = 100000;
constexpr size_t kPiece = size_t{4} << 20;

size_t Zlib5(const std::string& text) {
  uLongf n = compressBound(text.size());
  std::string out(n, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(text.data()), text.size(),
                5) != Z_OK) {
    return 0;
  }
  return n;
}

size_t Pieces(const std::string& text) {
  std::string out = DeflateHeader(Container::kZlib, 5);
  for (size_t pos = 0; pos < text.size() || pos == 0; pos += kPiece) {
    std::string_view p = std::string_view(text).substr(pos, kPiece);
    if (!DeflatePiece(p, 5, pos + kPiece >= text.size(), &out).ok()) return 0;
  }
  return out.size() + 4;
}

void Row(const char* name, const std::string& lines, const std::string& input_lines) {
  double n = kValues;
  std::printf("| %-20s | %7.1f | %7.2f | %7.2f | %7.1f | %7.2f |\n", name, lines.size() / n, Zlib5(lines) / n,
              Pieces(lines) / n, input_lines.size() / n, Zlib5(input_lines) / n);
}

int Main(int argc, char** argv) {
  std::vector<std::string> only(argv + 1, argv + argc);
  Prf salt("bench salt");
  std::printf("%d distinct values each; bytes per value (one value a line)\n\n", kValues);
  std::printf("| %-20s | %7s | %7s | %7s | %7s | %7s |\n", "anonymizer", "raw", "zlib -5", "pieces", "input",
              "in -5");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  // Every anonymizer with its example options, then the variants worth a
  // row of their own.
  std::vector<std::pair<std::string, std::string>> runs;
  for (const AnonymizerInfo& info : AllAnonymizers()) runs.emplace_back(info.name, info.example);
  runs.emplace_back("email", "{ style = \"words\" }");
  for (const auto& [name, example] : runs) {
    if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
    auto options = ParseInlineOptions(example);
    if (!options.ok()) continue;
    auto made = CreateAnonymizer(name, Options(*options), salt, "col");
    if (!made.ok()) continue;
    const Anonymizer& a = **made;
    std::vector<std::string> inputs = bench::AnonymizerInputs(name, kValues);
    size_t width = a.columns().size();
    std::vector<Cell> in(width), out(width);
    Scratch scratch;
    std::string lines, input_lines;
    for (int i = 0; i < kValues; ++i) {
      for (size_t c = 0; c < width; ++c) in[c] = Cell{inputs[(i + c) % kValues], false};
      a.Anonymize(in, scratch, out);
      for (size_t c = 0; c < width; ++c) {
        lines.append(out[c].is_null ? std::string_view("\\N") : out[c].value);
        lines.push_back(c + 1 == width ? '\n' : '\t');
      }
      input_lines.append(inputs[i]);
      input_lines.push_back('\n');
    }
    std::string label = example.find("words") != std::string::npos ? name + " (words)" : name;
    Row(label.c_str(), lines, input_lines);
  }
  return 0;
}

}  // namespace
}  // namespace dbanon

int main(int argc, char** argv) { return dbanon::Main(argc, argv); }
