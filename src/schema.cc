#include "src/schema.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/exit_class.h"
#include "parsers/pg_archive.h"
#include "parsers/pg_plain_framer.h"
#include "src/archive_job.h"
#include "src/compressed_io.h"
#include "src/compression.h"
#include "src/io.h"

namespace dbanon {
namespace {

// The schema dump has no data: nothing in it is configured.
class NoTables : public TableResolver {
 public:
  absl::StatusOr<const RowPlan*> Resolve(const TableName&, const std::vector<std::string>&) override {
    return nullptr;
  }
  bool IsConfigured(const TableName&) const override { return false; }
  void CountRows(const TableName&, int64_t) override {}
  void SawTable(const TableName&) override {}
};

absl::StatusOr<std::string> ReadAll(InputFile& in, std::string data) {
  while (true) {
    if (data.size() > kMaxSchemaBytes) {
      return absl::DataLossError(absl::StrCat(in.name(), ": a schema dump larger than ", kMaxSchemaBytes >> 20,
                                              " MiB: pass a schema-only dump (pg_dump -s)"));
    }
    auto n = in.Read(&data, 1 << 20);
    if (!n.ok()) return n.status();
    if (*n == 0) return data;
  }
}

std::vector<std::string> FromToc(const ArchiveHead& head) {
  std::vector<std::string> out;
  for (const TocEntry& e : head.toc) {
    // INDEX: an index's statistics (pg_dump 18) describe its table's columns.
    if ((e.desc == "TABLE" || e.desc == "TABLE ATTACH" || e.desc == "INDEX") && e.defn.has_value()) {
      out.push_back(*e.defn);
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> FromArchive(const std::string& name, std::string_view data,
                                                     ArchiveFormat format) {
  auto head = ParseArchiveHead(data, format);
  if (!head.ok()) return absl::DataLossError(absl::StrCat(name, ":", head.status().message()));
  if (!head->has_value()) return absl::DataLossError(absl::StrCat(name, ":byte ", data.size(), ": the TOC is cut off"));
  return FromToc(**head);
}

}  // namespace

absl::StatusOr<std::vector<std::string>> LoadSchemaStatements(const std::string& path) {
  if (IsDirectoryPath(path)) {  // pg_dump -Fd -s: its toc.dat
    std::string toc = absl::StrCat(path, "/toc.dat");
    auto in = InputFile::Open(toc);
    if (!in.ok()) return in.status();
    auto data = ReadAll(*in, "");
    if (!data.ok()) return data.status();
    return FromArchive(toc, *data, ArchiveFormat::kTar);
  }
  auto in = InputFile::Open(path);
  if (!in.ok()) return in.status();
  std::string head;
  while (head.size() < 64) {
    auto n = in->Read(&head, 1 << 16);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
  }
  if (std::optional<Algorithm> a = DetectCompressedStream(head)) {
    *in = DecompressingInput(std::move(*in), std::move(head), *a);
    head.clear();
  }
  auto data = ReadAll(*in, std::move(head));
  if (!data.ok()) return data.status();
  if (LooksLikeArchive(*data)) return FromArchive(in->name(), *data, ArchiveFormat::kCustom);
  // A plain script: the framer finds its statements the way it does in a
  // dump, and hands over the CREATE TABLE and ALTER TABLE ones.
  NoTables none;
  PgPlainFramer framer(&none);
  std::vector<std::string> out;
  framer.set_ddl_sink(&out);
  std::vector<Segment> segments;
  auto consumed = framer.Frame(*data, true, &segments);
  if (!consumed.ok()) return WithMessage(consumed.status(), absl::StrCat(in->name(), ":", consumed.status().message()));
  return out;
}

}  // namespace dbanon
