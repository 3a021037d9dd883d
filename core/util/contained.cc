#include "core/util/contained.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tbp {
namespace {

// Frames on the pipe: one type byte ('M' message, 'S' status), an 8-byte
// little-endian length, the payload. A status payload is the 4-byte code
// then the message.
void WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::_exit(3);  // The parent is gone: nothing left to report to.
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void WriteFrame(int fd, char type, const std::string& payload) {
  char header[9];
  header[0] = type;
  uint64_t len = payload.size();
  for (int i = 0; i < 8; ++i) header[1 + i] = static_cast<char>((len >> (8 * i)) & 0xff);
  WriteAll(fd, header, sizeof(header));
  WriteAll(fd, payload.data(), payload.size());
}

// Parses complete frames from the front of `buffer`.
struct Reader {
  std::string buffer;
  std::optional<std::string> last_message;
  std::optional<absl::Status> status;

  void Consume() {
    while (buffer.size() >= 9) {
      uint64_t len = 0;
      for (int i = 0; i < 8; ++i) {
        len |= static_cast<uint64_t>(static_cast<unsigned char>(buffer[1 + i])) << (8 * i);
      }
      if (buffer.size() < 9 + len) return;
      std::string payload = buffer.substr(9, len);
      const char type = buffer[0];
      buffer.erase(0, 9 + len);
      if (type == 'M') {
        last_message = std::move(payload);
      } else if (type == 'S' && payload.size() >= 4) {
        uint32_t code = 0;
        for (int i = 0; i < 4; ++i) {
          code |= static_cast<uint32_t>(static_cast<unsigned char>(payload[i])) << (8 * i);
        }
        status = absl::Status(static_cast<absl::StatusCode>(code), payload.substr(4));
      }
    }
  }
};

std::string SignalName(int sig) {
  const char* name = ::strsignal(sig);
  return absl::StrFormat("signal %d (%s)", sig, name == nullptr ? "?" : name);
}

}  // namespace

ContainedOutcome RunContained(const std::function<absl::Status(const EmitFn& emit)>& work,
                              double deadline_s, const std::string& what) {
  ContainedOutcome out;
  int fds[2];
  if (::pipe(fds) != 0) {
    out.status = absl::InternalError(
        absl::StrCat(what, ": cannot create a pipe: ", std::strerror(errno)));
    return out;
  }
  std::fflush(nullptr);  // The child must not flush the parent's buffers again.
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    out.status = absl::InternalError(
        absl::StrCat(what, ": cannot start a child process: ", std::strerror(errno)));
    return out;
  }
  if (pid == 0) {  // The child.
    ::close(fds[0]);
    const int fd = fds[1];
    const absl::Status s = work([fd](const std::string& m) { WriteFrame(fd, 'M', m); });
    std::string payload(4, '\0');
    const uint32_t code = static_cast<uint32_t>(s.code());
    for (int i = 0; i < 4; ++i) payload[i] = static_cast<char>((code >> (8 * i)) & 0xff);
    payload += std::string(s.message());
    WriteFrame(fd, 'S', payload);
    ::close(fd);
    ::_exit(0);
  }
  ::close(fds[1]);
  const int fd = fds[0];
  const auto start = std::chrono::steady_clock::now();
  Reader reader;
  bool killed = false;
  char chunk[1 << 16];
  while (true) {
    int timeout_ms = -1;
    if (deadline_s > 0) {
      const double left =
          deadline_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                           .count();
      if (left <= 0) {
        ::kill(pid, SIGKILL);
        killed = true;
        break;
      }
      timeout_ms = static_cast<int>(left * 1000) + 1;
    }
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, timeout_ms);
    if (r < 0) {
      if (errno == EINTR) continue;
      ::kill(pid, SIGKILL);
      killed = true;
      break;
    }
    if (r == 0) continue;  // The deadline check above decides.
    const ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child closed its end (exited or died).
    reader.buffer.append(chunk, static_cast<size_t>(n));
    reader.Consume();
  }
  ::close(fd);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  out.last_message = reader.last_message;
  if (killed) {
    out.status = absl::DeadlineExceededError(absl::StrFormat(
        "%s: still running after the time limit of %g s; stopped", what, deadline_s));
  } else if (reader.status.has_value()) {
    out.status = *reader.status;
  } else if (WIFSIGNALED(wstatus)) {
    out.status = absl::AbortedError(absl::StrCat(
        what, ": the child process running it died with ", SignalName(WTERMSIG(wstatus)),
        " (a crash or an internal assertion of the library)"));
  } else {
    out.status = absl::AbortedError(absl::StrFormat(
        "%s: the child process running it exited with status %d before reporting a result", what,
        WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1));
  }
  return out;
}

}  // namespace tbp
