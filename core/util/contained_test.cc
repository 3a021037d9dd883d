#include "core/util/contained.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace tbp {
namespace {

using ::testing::HasSubstr;

TEST(ContainedTest, ReturnsTheLastMessageAndTheStatus) {
  ContainedOutcome o = RunContained(
      [](const EmitFn& emit) {
        emit("first");
        emit(std::string(200000, 'x'));  // Larger than a pipe buffer.
        emit("last");
        return absl::OkStatus();
      },
      10, "test");
  EXPECT_TRUE(o.status.ok()) << o.status;
  ASSERT_TRUE(o.last_message.has_value());
  EXPECT_EQ(*o.last_message, "last");
}

TEST(ContainedTest, PassesTheChildsErrorThrough) {
  ContainedOutcome o = RunContained(
      [](const EmitFn&) { return absl::OutOfRangeError("no schedule fits"); }, 10, "test");
  EXPECT_EQ(o.status.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(o.status.message(), "no schedule fits");
  EXPECT_FALSE(o.last_message.has_value());
}

// An abort() in the child (a solver's failed assertion) is a named error of
// the caller, and what was emitted before it survives.
TEST(ContainedTest, AnAbortIsANamedError) {
  ContainedOutcome o = RunContained(
      [](const EmitFn& emit) {
        emit("incumbent");
        std::abort();
        return absl::OkStatus();
      },
      10, "planner 'x'");
  EXPECT_EQ(o.status.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(o.status.message()), HasSubstr("planner 'x'"));
  EXPECT_THAT(std::string(o.status.message()), HasSubstr("signal 6"));
  ASSERT_TRUE(o.last_message.has_value());
  EXPECT_EQ(*o.last_message, "incumbent");
}

// A hang is stopped at the deadline (without the kill this test would
// never end), and what was emitted before survives.
TEST(ContainedTest, AHangIsStoppedAtTheDeadline) {
  ContainedOutcome o = RunContained(
      [](const EmitFn& emit) {
        emit("best so far");
        while (true) ::pause();
        return absl::OkStatus();
      },
      0.3, "planner 'x'");
  EXPECT_EQ(o.status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(o.status.message()), HasSubstr("time limit of 0.3 s"));
  ASSERT_TRUE(o.last_message.has_value());
  EXPECT_EQ(*o.last_message, "best so far");
}

TEST(ContainedTest, AnExitWithoutAStatusIsANamedError) {
  ContainedOutcome o = RunContained(
      [](const EmitFn&) {
        ::_exit(7);
        return absl::OkStatus();
      },
      10, "test");
  EXPECT_EQ(o.status.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(o.status.message()), HasSubstr("exited with status 7"));
}

}  // namespace
}  // namespace tbp
