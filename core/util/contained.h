// Runs a computation in a forked child process, so that a crash, an abort
// (a solver's internal assertion) or a hang inside it cannot take down the
// caller, and so that a time limit holds for the whole call whatever the
// computation does. The LP/MILP solvers (COIN-OR CBC/CLP, as Debian builds
// them) are run this way: one of their internal assertions aborts the
// process on some programs, and CLP's initial solve does not look at CBC's
// time limit.
//
// Protocol. The child runs work(emit). Each emit(bytes) sends one message
// to the parent; the parent keeps the last complete one (a solver streams
// its incumbents this way, so that a kill at the deadline still reports the
// best schedule found). When work returns, its Status goes to the parent
// and the child exits with _exit(0), running no destructors or exit
// handlers of the copied process.
//
// Not for multi-threaded callers: fork() copies only the calling thread.
#ifndef TBP_CORE_UTIL_CONTAINED_H_
#define TBP_CORE_UTIL_CONTAINED_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"

namespace tbp {

struct ContainedOutcome {
  // work's own Status when it returned; kDeadlineExceeded if the child was
  // killed at the deadline; kAborted if it died (a signal, or an exit
  // without a Status: the message names the signal or exit code);
  // kInternal if the child could not be started.
  absl::Status status;
  // The last complete message the child emitted, if any (also after a kill
  // or a crash).
  std::optional<std::string> last_message;
};

using EmitFn = std::function<void(const std::string& message)>;

// Runs work(emit) in a child process and waits at most deadline_s seconds
// (<= 0: no deadline) of wall-clock time, then kills it (SIGKILL). `what`
// names the computation in messages ("planner 'exact' (CBC)").
ContainedOutcome RunContained(const std::function<absl::Status(const EmitFn& emit)>& work,
                              double deadline_s, const std::string& what);

}  // namespace tbp

#endif  // TBP_CORE_UTIL_CONTAINED_H_
