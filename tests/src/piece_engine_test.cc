// The piece engine (src/piece_engine.h) with a road of numbered pieces:
// writes in submission order whatever the workers do, never more pieces in
// flight than the pool holds, and the first failed write in order ends the
// run with nothing written after it. Run under ThreadSanitizer by .ci/run.
#include "src/piece_engine.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace dbanon {
namespace {

struct Numbered : public PieceEngine::Piece {
  int64_t number = -1;
  int64_t result = -1;
};

// Transform squares the number (slowly for some pieces, so that workers
// finish out of order); Write appends it to `written` and fails at
// `fail_at`. Counts the pieces held by the producer or in flight.
class SquareRoad : public PieceEngine::Road {
 public:
  explicit SquareRoad(int64_t fail_at = -1) : fail_at_(fail_at) {}

  std::unique_ptr<PieceEngine::Piece> NewPiece() override { return std::make_unique<Numbered>(); }
  void Transform(PieceEngine::Piece& piece, Scratch&) override {
    auto& p = static_cast<Numbered&>(piece);
    ++transformed;
    if (p.number % 7 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
    p.result = p.number * p.number;
  }
  absl::Status Write(PieceEngine::Piece& piece) override {
    auto& p = static_cast<Numbered&>(piece);
    if (p.number == fail_at_) return absl::UnavailableError("out: write error");
    written.push_back(p.result);
    return absl::OkStatus();
  }
  void Recycle(PieceEngine::Piece& piece) override {
    auto& p = static_cast<Numbered&>(piece);
    p.number = p.result = -1;
    in_flight.fetch_sub(1);
  }

  std::vector<int64_t> written;  // Write's only
  std::atomic<int> in_flight{0};
  std::atomic<int64_t> transformed{0};

 private:
  int64_t fail_at_;
};

// Submits pieces 0..n-1 (stopping early when the engine stops); returns
// the most pieces that were out of the pool at once.
int Produce(PieceEngine& engine, SquareRoad& road, int64_t n) {
  int most = 0;
  for (int64_t i = 0; i < n && !engine.stopping(); ++i) {
    auto* p = static_cast<Numbered*>(engine.Acquire());
    CHECK(p->number == -1);  // recycled
    most = std::max(most, road.in_flight.fetch_add(1) + 1);
    p->number = i;
    engine.Submit(p, /*transform=*/true);
  }
  return most;
}

TEST_CASE("the piece engine writes pieces in submission order for every number of workers") {
  for (int workers : {0, 1, 2, 5}) {
    CAPTURE(workers);
    SquareRoad road;
    const size_t pieces = 2 * static_cast<size_t>(workers) + 1;
    PieceEngine engine(&road, workers, pieces);
    int most = Produce(engine, road, 500);
    REQUIRE(engine.Finish().ok());
    REQUIRE(road.written.size() == 500);
    for (int64_t i = 0; i < 500; ++i) CHECK(road.written[static_cast<size_t>(i)] == i * i);
    CHECK(most <= static_cast<int>(pieces));
    CHECK(road.in_flight.load() == 0);
  }
}

TEST_CASE("the first failed write in order ends the run and nothing after it is written") {
  for (int workers : {0, 3}) {
    CAPTURE(workers);
    SquareRoad road(/*fail_at=*/100);
    PieceEngine engine(&road, workers, 8);
    Produce(engine, road, 100000);
    absl::Status st = engine.Finish();
    CHECK(st.code() == absl::StatusCode::kUnavailable);
    CHECK(engine.stopping());
    REQUIRE(road.written.size() == 100);  // pieces 0..99, then the failure
    CHECK(road.written.back() == 99 * 99);
    // The producer saw stopping() soon after: it did not read on to the end.
    CHECK(road.transformed.load() < 100000);
    CHECK(road.in_flight.load() == 0);
  }
}

TEST_CASE("pieces submitted without a transform are written in their place") {
  SquareRoad road;
  PieceEngine engine(&road, 2, 4);
  for (int64_t i = 0; i < 50; ++i) {
    auto* p = static_cast<Numbered*>(engine.Acquire());
    road.in_flight.fetch_add(1);
    p->number = i;
    p->result = -i;  // what Write writes when Transform does not run
    engine.Submit(p, /*transform=*/i % 3 != 0);
  }
  REQUIRE(engine.Finish().ok());
  REQUIRE(road.written.size() == 50);
  for (int64_t i = 0; i < 50; ++i) CHECK(road.written[static_cast<size_t>(i)] == (i % 3 != 0 ? i * i : -i));
}

TEST_CASE("an engine destroyed without Finish drops what is in flight and stops its workers") {
  SquareRoad road;
  {
    PieceEngine engine(&road, 3, 4);
    for (int64_t i = 0; i < 4; ++i) {
      auto* p = static_cast<Numbered*>(engine.Acquire());
      road.in_flight.fetch_add(1);
      p->number = i;
      engine.Submit(p, true);
    }
  }
  CHECK(road.written.size() <= 4);
  CHECK(road.in_flight.load() == 0);
}

}  // namespace
}  // namespace dbanon
