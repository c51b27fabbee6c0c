// UniqueFd: owns a file descriptor and closes it on destruction, like std::unique_ptr.
//
// Thread: like any value; one owner at a time.
#ifndef HEARTH_AGENT_UNIQUE_FD_H_
#define HEARTH_AGENT_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace hearth {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes now and returns close()'s result: some filesystems report write errors there.
  int Reset() { return fd_ < 0 ? 0 : close(std::exchange(fd_, -1)); }

 private:
  int fd_ = -1;
};

}  // namespace hearth

#endif  // HEARTH_AGENT_UNIQUE_FD_H_
