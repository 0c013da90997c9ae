// The pipeline: reader and framer -> N worker threads -> ordered writer.
//
// The calling thread reads the input in batches of about kBatchBytes and
// frames each batch (parsers/framer.h). Batches whose segments hold rows of
// configured tables go to a bounded queue that N worker threads drain,
// rewriting those rows; a writer thread emits every batch in input order, raw
// segments straight from the input buffer and rewritten rows from the
// batch's output buffer. At most 2N+2 batches exist at once, so memory stays
// bounded (a few MiB per batch) whatever the input size; output does not
// depend on N. With N = 1 there are no threads at all: the calling thread
// reads, frames, rewrites and writes one batch at a time.
//
// Errors: the first error in input order is returned: a framing or rewrite
// error as "INPUT:LINE:COL: message" (DataLoss or InvalidArgument), a read or
// write error as Unavailable, a closed output pipe as Aborted.
//
// Thread-safety: RunPipeline owns its threads; the framer is used by the
// calling thread only.
#ifndef DBANON_SRC_PIPELINE_H_
#define DBANON_SRC_PIPELINE_H_

#include <string>

#include "absl/status/status.h"
#include "parsers/framer.h"
#include "src/io.h"

namespace dbanon {

struct PipelineOptions {
  int threads = 1;                           // worker threads, >= 1 (1: all on the calling thread)
  size_t batch_bytes = size_t{2} << 20;      // target input bytes per batch
};

// `first_bytes` were already read from `in` (format detection) and come first.
absl::Status RunPipeline(InputFile& in, std::string first_bytes, OutputFile& out, Framer& framer,
                         const PipelineOptions& options);

}  // namespace dbanon

#endif  // DBANON_SRC_PIPELINE_H_
