// exact_scaling: the largest graph each exact method proves optimal within
// a time limit, per family (experiments/exact_scaling.h). Wall clock, NOT
// reproducible: run through `bazel run -c opt
// //experiments:update_exact_scaling`.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/io/proto_io.h"
#include "experiments/exact_scaling.h"
#include "proto/experiment.pb.h"

ABSL_FLAG(std::string, spec, "", "ExperimentSpec (exact_scaling.textproto).");
ABSL_FLAG(std::string, csv, "", "CSV output (.csv).");
ABSL_FLAG(double, time_limit_s, 60, "Wall-clock limit per solve, seconds.");

namespace {

absl::Status Run() {
  const std::string csv_path = absl::GetFlag(FLAGS_csv);
  if (!absl::EndsWith(csv_path, ".csv")) {
    return absl::InvalidArgumentError(absl::StrCat("--csv = '", csv_path, "': must end in .csv"));
  }
  tbp::proto::ExperimentSpec spec;
  if (absl::Status s = tbp::ReadProtoFile(absl::GetFlag(FLAGS_spec), &spec); !s.ok()) return s;
  absl::StatusOr<std::string> csv =
      tbp::experiments::RunExactScaling(spec, absl::GetFlag(FLAGS_time_limit_s), stderr);
  if (!csv.ok()) return csv.status();
  return tbp::WriteFileAtomically(csv_path, *csv);
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "exact_scaling: largest graph each exact method solves within a time limit.\n"
      "usage: exact_scaling --spec=experiments/specs/exact_scaling.textproto --csv=OUT.csv "
      "[--time_limit_s=60]");
  absl::ParseCommandLine(argc, argv);
  if (const absl::Status s = Run(); !s.ok()) {
    std::fprintf(stderr, "exact_scaling: error: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
