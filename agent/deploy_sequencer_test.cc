#include "agent/deploy_sequencer.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"

namespace hearth {
namespace {

using Done = DeploySequencer::Done;

// An operation that records its turn and keeps `done` for the test to call.
struct Held {
  std::optional<absl::Status> turn;
  Done done;
};

DeploySequencer::Operation Hold(Held& held) {
  return [&held](absl::Status turn, Done done) {
    held.turn = std::move(turn);
    held.done = std::move(done);
  };
}

TEST(DeploySequencer, OperationsOnOneNameRunOneAtATimeInRequestOrder) {
  DeploySequencer sequencer;
  Held first;
  std::vector<int> order;
  ASSERT_TRUE(sequencer.Run("f", Hold(first)).ok());
  ASSERT_TRUE(first.turn.has_value());  // Idle name: started at once.
  for (int i = 2; i <= 4; ++i) {
    ASSERT_TRUE(sequencer
                    .Run("f",
                         [&order, i](absl::Status turn, Done done) {
                           EXPECT_TRUE(turn.ok());
                           order.push_back(i);
                           std::move(done)();  // Finishing inline starts the next one.
                         })
                    .ok());
  }
  EXPECT_TRUE(order.empty());  // All wait for the first.
  EXPECT_EQ(sequencer.in_flight(), 4);
  std::move(first.done)();
  EXPECT_EQ(order, (std::vector<int>{2, 3, 4}));
  EXPECT_EQ(sequencer.in_flight(), 0);
}

TEST(DeploySequencer, DistinctNamesRunConcurrently) {
  DeploySequencer sequencer;
  Held a, b;
  ASSERT_TRUE(sequencer.Run("a", Hold(a)).ok());
  ASSERT_TRUE(sequencer.Run("b", Hold(b)).ok());
  EXPECT_TRUE(a.turn.has_value());
  EXPECT_TRUE(b.turn.has_value());
  std::move(b.done)();
  std::move(a.done)();
  EXPECT_EQ(sequencer.in_flight(), 0);
}

TEST(DeploySequencer, OperationsFinishingOnAnotherThreadStartTheNextThere) {
  DeploySequencer sequencer;
  Held first;
  ASSERT_TRUE(sequencer.Run("f", Hold(first)).ok());
  std::thread::id second_ran_on;
  absl::Notification second_ran;
  ASSERT_TRUE(sequencer
                  .Run("f",
                       [&](absl::Status, Done done) {
                         second_ran_on = std::this_thread::get_id();
                         std::move(done)();
                         second_ran.Notify();
                       })
                  .ok());
  std::thread finisher([&] { std::move(first.done)(); });
  const std::thread::id finisher_id = finisher.get_id();
  finisher.join();
  ASSERT_TRUE(second_ran.HasBeenNotified());
  EXPECT_EQ(second_ran_on, finisher_id);
}

TEST(DeploySequencer, RefusesWhenDrainingAndBoundsTheWaitingPerName) {
  DeploySequencer sequencer;
  Held running;
  ASSERT_TRUE(sequencer.Run("f", Hold(running)).ok());
  std::vector<Held> waiting(DeploySequencer::kMaxWaitingPerName);
  for (Held& held : waiting) ASSERT_TRUE(sequencer.Run("f", Hold(held)).ok());
  Held refused;
  EXPECT_EQ(sequencer.Run("f", Hold(refused)).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_FALSE(refused.turn.has_value());  // Refused: never called.
  EXPECT_TRUE(sequencer.Run("other", [](absl::Status, Done done) { std::move(done)(); }).ok());

  sequencer.StopAccepting();
  EXPECT_EQ(sequencer.Run("g", Hold(refused)).code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(refused.turn.has_value());
  // Accepted ones go on.
  std::move(running.done)();
  for (Held& held : waiting) {
    ASSERT_TRUE(held.turn.has_value());
    EXPECT_TRUE(held.turn->ok());
    std::move(held.done)();
  }
  EXPECT_EQ(sequencer.in_flight(), 0);
}

TEST(DeploySequencer, AbandonAnswersTheWaitingAndLetsTheRunningFinish) {
  DeploySequencer sequencer;
  Held running, waiting;
  ASSERT_TRUE(sequencer.Run("f", Hold(running)).ok());
  ASSERT_TRUE(sequencer.Run("f", Hold(waiting)).ok());
  sequencer.Abandon();
  ASSERT_TRUE(waiting.turn.has_value());
  EXPECT_EQ(waiting.turn->code(), absl::StatusCode::kUnavailable);
  std::move(waiting.done)();  // A no-op for an abandoned operation.
  EXPECT_EQ(sequencer.in_flight(), 1);
  EXPECT_EQ(sequencer.Run("f", Hold(waiting)).code(), absl::StatusCode::kUnavailable);
  std::move(running.done)();  // Starts nothing.
  EXPECT_EQ(sequencer.in_flight(), 0);
}

TEST(DeploySequencer, AbandonReturnsOnlyOnceNoOperationIsStarting) {
  DeploySequencer sequencer;
  absl::Notification in_turn, release;
  bool turn_returned = false;
  Done kept;
  std::thread runner([&] {
    ASSERT_TRUE(sequencer
                    .Run("f",
                         [&](absl::Status, Done done) {
                           kept = std::move(done);
                           in_turn.Notify();
                           release.WaitForNotification();
                           turn_returned = true;
                         })
                    .ok());
  });
  in_turn.WaitForNotification();
  std::thread abandoner([&] {
    sequencer.Abandon();
    EXPECT_TRUE(turn_returned);  // The operation's start (it reads what a drain destroys).
  });
  release.Notify();
  abandoner.join();
  runner.join();
  std::move(kept)();
  EXPECT_EQ(sequencer.in_flight(), 0);
}

}  // namespace
}  // namespace hearth
