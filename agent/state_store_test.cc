#include "agent/state_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "agent/durable_file.h"

namespace hearth {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class StateStoreTest : public ::testing::Test {
 protected:
  StateStoreTest() {
    std::string pattern = (fs::temp_directory_path() / "state-store-test-XXXXXX").string();
    root_ = mkdtemp(pattern.data());
    dir_ = root_ + "/state";
  }
  ~StateStoreTest() override { fs::remove_all(root_); }

  static v1::DeployRequest Request(const std::string& name, const std::string& source) {
    v1::DeployRequest request;
    request.set_name(name);
    request.set_source(source);
    (*request.mutable_env())["TOKEN"] = "secret";
    return request;
  }
  std::string FunctionFile(const std::string& file) const { return dir_ + "/functions/" + file; }

  std::string root_;
  std::string dir_;
};

int ModeOf(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return -1;
  return info.st_mode & 0777;
}

TEST_F(StateStoreTest, KeepsFilesPrivateBecauseTheyHoldEnvValues) {
  absl::StatusOr<StateStore> store = StateStore::Open(dir_);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(store->Save(Request("a", "export default () => 1;")).ok());
  EXPECT_EQ(ModeOf(dir_), 0700);
  EXPECT_EQ(ModeOf(dir_ + "/functions"), 0700);
  EXPECT_EQ(ModeOf(FunctionFile("a.deploy")), 0600);
}

TEST_F(StateStoreTest, TightensTheModesAnOlderAgentLeft) {
  fs::create_directories(dir_ + "/functions");
  chmod((dir_ + "/functions").c_str(), 0755);
  {
    absl::StatusOr<StateStore> store = StateStore::Open(dir_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE(store->Save(Request("a", "export default () => 1;")).ok());
  }
  chmod(FunctionFile("a.deploy").c_str(), 0644);
  ASSERT_TRUE(StateStore::Open(dir_).ok());
  EXPECT_EQ(ModeOf(dir_ + "/functions"), 0700);
  EXPECT_EQ(ModeOf(FunctionFile("a.deploy")), 0600);
}

TEST_F(StateStoreTest, ReportsTruncatedAndDamagedFilesAndStillLoadsTheOthers) {
  {
    absl::StatusOr<StateStore> store = StateStore::Open(dir_);
    ASSERT_TRUE(store.ok()) << store.status();
    for (const char* name : {"a", "b", "c", "d"}) {
      ASSERT_TRUE(
          store->Save(Request(name, std::string("export default () => '") + name + "';")).ok());
    }
  }
  fs::resize_file(FunctionFile("b.deploy"), fs::file_size(FunctionFile("b.deploy")) - 3);
  {
    std::fstream c(FunctionFile("c.deploy"), std::ios::in | std::ios::out | std::ios::binary);
    c.seekp(-2, std::ios::end);
    c.put('X');
  }
  fs::resize_file(FunctionFile("d.deploy"), 0);

  absl::StatusOr<StateStore> store = StateStore::Open(dir_);
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<absl::StatusOr<SavedFunction>> loaded = store->LoadAll();
  ASSERT_EQ(loaded.size(), 4u);
  ASSERT_TRUE(loaded[0].ok()) << loaded[0].status();
  EXPECT_EQ(loaded[0]->request.source(), "export default () => 'a';");
  EXPECT_EQ(loaded[0]->request.env().at("TOKEN"), "secret");
  EXPECT_TRUE(loaded[0]->quarantine_reason.empty());
  ASSERT_FALSE(loaded[1].ok());
  EXPECT_THAT(loaded[1].status().message(), HasSubstr("b.deploy: truncated"));
  ASSERT_FALSE(loaded[2].ok());
  EXPECT_THAT(loaded[2].status().message(), HasSubstr("c.deploy: damaged: checksum mismatch"));
  ASSERT_FALSE(loaded[3].ok());
  EXPECT_THAT(loaded[3].status().message(), HasSubstr("d.deploy: truncated: the file is empty"));
}

TEST_F(StateStoreTest, SweepsTheTemporaryFilesOfAWriteCutShort) {
  ASSERT_TRUE(StateStore::Open(dir_).ok());
  const std::string leftover = FunctionFile(".tmp-a.deploy-Ab12Cd");
  std::ofstream(leftover) << "half a deploy";
  absl::StatusOr<StateStore> store = StateStore::Open(dir_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_FALSE(fs::exists(leftover));
  EXPECT_TRUE(store->LoadAll().empty());
}

TEST_F(StateStoreTest, AQuarantineSurvivesReopeningUntilLiftedOrRemoved) {
  {
    absl::StatusOr<StateStore> store = StateStore::Open(dir_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE(store->Save(Request("a", "export default () => 1;")).ok());
    ASSERT_TRUE(store->Save(Request("b", "export default () => 2;")).ok());
    ASSERT_TRUE(store->Quarantine("a", "it crashed").ok());
    ASSERT_TRUE(store->Quarantine("b", "it crashed too").ok());
    EXPECT_TRUE(absl::IsNotFound(store->Quarantine("never-saved", "x")));
    EXPECT_EQ(ModeOf(FunctionFile("a.quarantine")), 0600);
  }
  absl::StatusOr<StateStore> store = StateStore::Open(dir_);
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<absl::StatusOr<SavedFunction>> loaded = store->LoadAll();
  ASSERT_EQ(loaded.size(), 2u);
  EXPECT_EQ(loaded[0]->quarantine_reason, "it crashed");
  EXPECT_EQ(loaded[1]->quarantine_reason, "it crashed too");

  ASSERT_TRUE(store->LiftQuarantine("a").ok());
  ASSERT_TRUE(store->Remove("b").ok());
  loaded = store->LoadAll();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0]->request.name(), "a");
  EXPECT_TRUE(loaded[0]->quarantine_reason.empty());
  EXPECT_FALSE(fs::exists(FunctionFile("b.quarantine")));
}

TEST_F(StateStoreTest, SweepsAQuarantineWhoseFunctionIsGone) {
  ASSERT_TRUE(StateStore::Open(dir_).ok());
  // What a crash between the two unlinks of Remove() leaves.
  std::ofstream(FunctionFile("gone.quarantine")) << "x";
  ASSERT_TRUE(StateStore::Open(dir_).ok());
  EXPECT_FALSE(fs::exists(FunctionFile("gone.quarantine")));
}

TEST_F(StateStoreTest, ReadsFilesWrittenBeforeTheyWereSealed) {
  ASSERT_TRUE(StateStore::Open(dir_).ok());
  std::ofstream(FunctionFile("old.deploy"), std::ios::binary)
      << Request("old", "export default () => 'old';").SerializeAsString();
  absl::StatusOr<StateStore> store = StateStore::Open(dir_);
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<absl::StatusOr<SavedFunction>> loaded = store->LoadAll();
  ASSERT_EQ(loaded.size(), 1u);
  ASSERT_TRUE(loaded[0].ok()) << loaded[0].status();
  EXPECT_EQ(loaded[0]->request.source(), "export default () => 'old';");
}

TEST_F(StateStoreTest, RefusesAStateDirThatAnotherAgentHolds) {
  absl::StatusOr<StateStore> first = StateStore::Open(dir_);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<StateStore> second = StateStore::Open(dir_);
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), HasSubstr("in use by another hearth-agent"));
}

}  // namespace
}  // namespace hearth
