#include "base/source_position.h"

#include <doctest/doctest.h>

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "base/exit_class.h"

namespace dbanon {
namespace {

TEST_CASE("an error at a line and column carries them as numbers and prints them first") {
  absl::Status s = ErrorAt(absl::StatusCode::kDataLoss, SourcePosition::LineColumn(12, 7), "row of table t is bad");
  CHECK(s.code() == absl::StatusCode::kDataLoss);
  CHECK(s.message() == "12:7: row of table t is bad");
  auto pos = ErrorPosition(s);
  REQUIRE(pos.has_value());
  CHECK(pos->line == 12);
  CHECK(pos->column == 7);
  CHECK_FALSE(pos->is_byte());
  CHECK(pos->file.empty());
  CHECK(MessageWithoutPosition(s) == "row of table t is bad");
}

TEST_CASE("the file added by a caller goes into the message and the position") {
  absl::Status born = WithExitClass(
      ErrorAt(absl::StatusCode::kFailedPrecondition, SourcePosition::LineColumn(3, 1), "columns unknown"),
      ExitClass::kInput);
  absl::Status s = InFile(born, "dir name/in: a.sql");
  CHECK(s.message() == "dir name/in: a.sql:3:1: columns unknown");
  CHECK(ExitClassOf(s) == ExitClass::kInput);
  auto pos = ErrorPosition(s);
  REQUIRE(pos.has_value());
  CHECK(pos->file == "dir name/in: a.sql");
  CHECK(pos->Text() == "dir name/in: a.sql:3:1");
  CHECK(MessageWithoutPosition(s) == "columns unknown");
}

TEST_CASE("an archive error carries a byte offset and prints FILE:byte N") {
  absl::Status s = InFile(ErrorAt(absl::StatusCode::kDataLoss, SourcePosition::Byte(10527), "the archive is cut off"),
                          "prod.dump");
  CHECK(s.message() == "prod.dump:byte 10527: the archive is cut off");
  auto pos = ErrorPosition(s);
  REQUIRE(pos.has_value());
  CHECK(pos->is_byte());
  CHECK(pos->byte == 10527);
  CHECK(pos->line == 0);
}

TEST_CASE("a status without a position has none and keeps its whole message") {
  absl::Status s = absl::DataLossError("3:4: looks like a position but is text");
  CHECK_FALSE(ErrorPosition(s).has_value());
  CHECK(MessageWithoutPosition(s) == "3:4: looks like a position but is text");
  CHECK(InFile(s, "in.sql").message() == "in.sql:3:4: looks like a position but is text");
  CHECK_FALSE(ErrorPosition(InFile(s, "in.sql")).has_value());
}

TEST_CASE("a position survives the payload round trip, whatever bytes the file name holds") {
  for (const SourcePosition& pos :
       {SourcePosition::LineColumn(1, 1), SourcePosition::LineColumn(9000000000, 77, "a b:c/ d.sql"),
        SourcePosition::Byte(0), SourcePosition::Byte(123456789012, "dir/toc.dat"), SourcePosition::LineColumn(4, 2)}) {
    CAPTURE(pos.Text());
    absl::Status s = SetPosition(absl::InvalidArgumentError("what"), pos);
    std::optional<SourcePosition> back = ErrorPosition(s);
    REQUIRE(back.has_value());
    CHECK(*back == pos);
    CHECK(s.message() == "what");  // SetPosition leaves the message alone
  }
  CHECK_FALSE(ErrorPosition(SetPosition(absl::OkStatus(), SourcePosition::LineColumn(1, 1))).has_value());
  absl::Status damaged = absl::DataLossError("x");
  damaged.SetPayload(ToAbsl(kSourcePositionPayloadUrl), absl::Cord("1 2"));
  CHECK_FALSE(ErrorPosition(damaged).has_value());
}

TEST_CASE("a position set again replaces the one the cause had, keeping the exit class") {
  absl::Status cause = WithExitClass(
      ErrorAt(absl::StatusCode::kInvalidArgument, SourcePosition::LineColumn(2, 3, "dbanon.toml"), "bad option"),
      ExitClass::kInput);
  absl::Status s = ErrorAt(absl::Status(cause.code(), "value of column t.c does not fit"), SourcePosition::LineColumn(40, 5));
  s = ErrorAt(WithExitClass(s, ExitClass::kInput), SourcePosition::LineColumn(41, 6));
  CHECK(s.message() == "41:6: 40:5: value of column t.c does not fit");
  CHECK(ErrorPosition(s) == SourcePosition::LineColumn(41, 6));
  CHECK(ExitClassOf(s) == ExitClass::kInput);
  // A caller that names a file does not rename a position that has one.
  absl::Status config = InFile(cause, "wrapper");
  CHECK(ErrorPosition(config)->file == "dbanon.toml");
}

}  // namespace
}  // namespace dbanon
