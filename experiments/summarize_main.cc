// summarize: derived tables for figures that gnuplot cannot aggregate
// itself: the gap-by-regime CSV of figures/gap.gp, from the merged
// lower_bound_gap results (experiments/summary.h, GapByRegime), and the
// failure-mode sweeps' CSV of figures/failure_modes.gp
// (experiments/failure_modes.h, FailureModeRows). Each pair of flags is
// optional; at least one is required.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/io/proto_io.h"
#include "experiments/failure_modes.h"
#include "experiments/summary.h"
#include "proto/result.pb.h"

ABSL_FLAG(std::string, gap_results, "", "Merged lower_bound_gap RunResults (.json/.pb).");
ABSL_FLAG(std::string, gap_csv, "", "Output: gap by regime and planner (.csv).");
ABSL_FLAG(std::string, failure_modes_results, "", "Merged failure_modes RunResults.");
ABSL_FLAG(std::string, failure_modes_csv, "", "Output: failure-mode sweep points (.csv).");

namespace {

// Reads `in`, writes summary(results) to `out`; both empty: nothing.
absl::Status Summarize(const std::string& in_flag, const std::string& in,
                       const std::string& out_flag, const std::string& out,
                       std::string (*summary)(const tbp::proto::RunResults&), bool* did) {
  if (in.empty() && out.empty()) return absl::OkStatus();
  if (in.empty() || out.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", in_flag, " and --", out_flag, " go together"));
  }
  tbp::proto::RunResults results;
  if (absl::Status s = tbp::ReadProtoFile(in, &results); !s.ok()) return s;
  *did = true;
  return tbp::WriteFileAtomically(out, summary(results));
}

std::string Gap(const tbp::proto::RunResults& r) {
  return tbp::experiments::GapCsv(tbp::experiments::GapByRegime(r));
}

std::string FailureModes(const tbp::proto::RunResults& r) {
  return tbp::experiments::FailureModesCsv(tbp::experiments::FailureModeRows(r));
}

absl::Status Run() {
  bool did = false;
  if (absl::Status s = Summarize("gap_results", absl::GetFlag(FLAGS_gap_results), "gap_csv",
                                 absl::GetFlag(FLAGS_gap_csv), Gap, &did);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Summarize("failure_modes_results",
                                 absl::GetFlag(FLAGS_failure_modes_results),
                                 "failure_modes_csv", absl::GetFlag(FLAGS_failure_modes_csv),
                                 FailureModes, &did);
      !s.ok()) {
    return s;
  }
  if (!did) {
    return absl::InvalidArgumentError(
        "give --gap_results with --gap_csv, or --failure_modes_results with "
        "--failure_modes_csv");
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "summarize: derived CSVs for figures.\n\n"
      "usage: summarize [--gap_results=lower_bound_gap.json --gap_csv=gap_by_regime.csv]\n"
      "                 [--failure_modes_results=failure_modes.json "
      "--failure_modes_csv=failure_modes_summary.csv]");
  absl::ParseCommandLine(argc, argv);
  if (absl::Status s = Run(); !s.ok()) {
    std::fprintf(stderr, "summarize: error: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
