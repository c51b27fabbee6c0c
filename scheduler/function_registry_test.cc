#include "scheduler/function_registry.h"

#include <gtest/gtest.h>

namespace hearth {
namespace {

std::shared_ptr<const FunctionSpec> Spec(std::string name, std::string version) {
  auto spec = std::make_shared<FunctionSpec>();
  spec->name = std::move(name);
  spec->version = std::move(version);
  return spec;
}

TEST(FunctionRegistry, PublishReplacesTheVersionButKeepsTheOldOneAliveForHolders) {
  FunctionRegistry registry;
  registry.Publish(Spec("f", "v1"));
  std::shared_ptr<const FunctionSpec> running = registry.Find("f");
  registry.Publish(Spec("f", "v2"));
  EXPECT_EQ(registry.Find("f")->version, "v2");
  EXPECT_EQ(running->version, "v1");  // An invocation in flight keeps its version.
  EXPECT_TRUE(running->superseded.load());
  EXPECT_FALSE(registry.Find("f")->superseded.load());
  EXPECT_EQ(registry.size(), 1u);
  std::shared_ptr<const FunctionSpec> current = registry.Find("f");
  EXPECT_TRUE(registry.Remove("f"));
  EXPECT_TRUE(current->superseded.load());
}

TEST(FunctionRegistry, RemoveAndListAndUnknownNames) {
  FunctionRegistry registry;
  registry.Publish(Spec("b", "1"));
  registry.Publish(Spec("a", "1"));
  auto listed = registry.List();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0]->name, "a");
  EXPECT_EQ(listed[1]->name, "b");
  EXPECT_TRUE(registry.Remove("a"));
  EXPECT_FALSE(registry.Remove("a"));
  EXPECT_EQ(registry.Find("a"), nullptr);
  EXPECT_EQ(registry.Find("nope"), nullptr);
}

}  // namespace
}  // namespace hearth
