#include "base/exit_class.h"

#include <doctest/doctest.h>

#include "absl/status/status.h"

namespace dbanon {
namespace {

TEST_CASE("a status without an exit class gets the class of its code") {
  CHECK(ExitClassOf(absl::InvalidArgumentError("x")) == ExitClass::kUsage);
  CHECK(ExitClassOf(absl::FailedPreconditionError("x")) == ExitClass::kUsage);
  CHECK(ExitClassOf(absl::DataLossError("x")) == ExitClass::kInput);
  CHECK(ExitClassOf(absl::UnimplementedError("x")) == ExitClass::kInput);
  CHECK(ExitClassOf(absl::NotFoundError("x")) == ExitClass::kIo);
  CHECK(ExitClassOf(absl::ResourceExhaustedError("x")) == ExitClass::kIo);
  CHECK(ExitClassOf(absl::AbortedError("x")) == ExitClass::kClosedPipe);
  CHECK(ExitClassOf(absl::InternalError("x")) == ExitClass::kInternal);
}

TEST_CASE("the exit class set where an error is born wins over its code") {
  absl::Status s = WithExitClass(absl::FailedPreconditionError("columns unknown"), ExitClass::kInput);
  CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(ExitClassOf(s) == ExitClass::kInput);
  CHECK(ExitClassOf(WithExitClass(absl::NotFoundError("cfg.toml: no such file"), ExitClass::kUsage)) ==
        ExitClass::kUsage);
}

TEST_CASE("adding context to a message keeps the code and the exit class") {
  absl::Status born = WithExitClass(absl::FailedPreconditionError("3:1: columns unknown"), ExitClass::kInput);
  absl::Status told = WithMessage(born, "dump.sql:3:1: columns unknown");
  CHECK(told.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(told.message() == "dump.sql:3:1: columns unknown");
  CHECK(ExitClassOf(told) == ExitClass::kInput);
}

TEST_CASE("an OK status stays OK when given an exit class") {
  CHECK(WithExitClass(absl::OkStatus(), ExitClass::kIo).ok());
}

}  // namespace
}  // namespace dbanon
