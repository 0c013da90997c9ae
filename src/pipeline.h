// The pipeline: N threads, each reading, framing, rewriting and writing
// batches of about `batch_bytes` input bytes.
//
// A thread takes the next batch under a lock (read and framed in input
// order, parsers/framer.h), rewrites the rows of configured tables in it
// without any lock, and writes it on its turn: batches are numbered as they
// are framed and written in that order, raw segments straight from the input
// buffer and rewritten rows from the batch's output buffer. A batch stays on
// the thread that read it (its bytes stay in one core's cache, and no thread
// waits for a hand-off); framing is the serial part. N batches exist at
// once, so memory stays bounded (a few MiB per thread) whatever the input
// size; the output does not depend on N. With N = 1 the calling thread does
// everything and no thread is started.
//
// Errors: the first error in input order is returned, after every batch
// before it was written: a framing or rewrite error as "INPUT:LINE:COL:
// message" (DataLoss or InvalidArgument), a read or write error as
// Unavailable, a closed output pipe as Aborted.
//
// Thread-safety: RunPipeline owns its threads and uses the framer under its
// read lock only; `in`, `out` and `framer` must not be used by others during
// the call.
#ifndef DBANON_SRC_PIPELINE_H_
#define DBANON_SRC_PIPELINE_H_

#include <string>

#include "absl/status/status.h"
#include "parsers/framer.h"
#include "src/io.h"

namespace dbanon {

struct PipelineOptions {
  int threads = 1;                           // threads, >= 1 (1: all on the calling thread)
  size_t batch_bytes = size_t{2} << 20;      // target input bytes per batch
};

// `first_bytes` were already read from `in` (format detection) and come first.
absl::Status RunPipeline(InputFile& in, std::string first_bytes, OutputFile& out, Framer& framer,
                         const PipelineOptions& options);

}  // namespace dbanon

#endif  // DBANON_SRC_PIPELINE_H_
