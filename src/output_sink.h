// A Sink of the archive engine (src/archive_engine.h) that writes to an
// OutputFile (src/io.h): the output of a pg_dump -Fc run, and the file under
// a compressed plain output (src/compressed_io.h). Header only.
//
// Thread-safety: as the OutputFile's; the engine writes from one thread at a
// time. `out` must outlive the sink.
#ifndef DBANON_SRC_OUTPUT_SINK_H_
#define DBANON_SRC_OUTPUT_SINK_H_

#include <sys/uio.h>

#include <span>

#include "absl/status/status.h"
#include "src/archive_engine.h"
#include "src/io.h"

namespace dbanon {

class OutputFileSink : public Sink {
 public:
  explicit OutputFileSink(OutputFile* out) : out_(out) {}
  absl::Status Write(std::span<const iovec> parts) override { return out_->Write(parts); }

 private:
  OutputFile* out_;
};

}  // namespace dbanon

#endif  // DBANON_SRC_OUTPUT_SINK_H_
