#include "agent/state_store.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace hearth {
namespace fs = std::filesystem;

namespace {
constexpr absl::string_view kSuffix = ".deploy";
}  // namespace

absl::StatusOr<StateStore> StateStore::Open(const std::string& dir) {
  const fs::path functions = fs::path(dir) / "functions";
  std::error_code error;
  fs::create_directories(functions, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create state dir ", functions.string(), ": ", error.message()));
  }
  return StateStore(functions.string());
}

std::string StateStore::PathOf(const std::string& name) const {
  return (fs::path(functions_dir_) / absl::StrCat(name, kSuffix)).string();
}

absl::Status StateStore::Save(const v1::DeployRequest& request) const {
  const std::string path = PathOf(request.name());
  const std::string temporary = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out || !request.SerializeToOstream(&out) || !out.flush()) {
      return absl::InternalError(absl::StrCat("cannot write ", temporary));
    }
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot rename ", temporary, ": ", error.message()));
  }
  return absl::OkStatus();
}

absl::Status StateStore::Remove(const std::string& name) const {
  std::error_code error;
  fs::remove(PathOf(name), error);
  if (error)
    return absl::InternalError(absl::StrCat("cannot remove ", name, ": ", error.message()));
  return absl::OkStatus();
}

std::vector<absl::StatusOr<v1::DeployRequest>> StateStore::LoadAll() const {
  std::vector<fs::path> paths;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(functions_dir_, error)) {
    if (entry.path().extension() == std::string(kSuffix)) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<absl::StatusOr<v1::DeployRequest>> loaded;
  for (const fs::path& path : paths) {
    std::ifstream in(path, std::ios::binary);
    v1::DeployRequest request;
    if (!in || !request.ParseFromIstream(&in)) {
      loaded.push_back(absl::DataLossError(absl::StrCat("cannot parse ", path.string())));
    } else {
      loaded.push_back(std::move(request));
    }
  }
  return loaded;
}

}  // namespace hearth
