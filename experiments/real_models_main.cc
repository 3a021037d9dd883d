// real_models: every planner on every ONNX zoo model (tools/zoo/),
// the memory/compute goal per model and the largest batch per memory
// limit (experiments/real_models.h). Writes three byte-stable CSVs.
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "core/io/proto_io.h"
#include "experiments/real_models.h"
#include "proto/real_models.pb.h"

ABSL_FLAG(std::string, spec, "", "RealModelsSpec file (.textproto/.json/.pb).");
ABSL_FLAG(std::string, csv, "", "Output: one row per model x planner run (the curves).");
ABSL_FLAG(std::string, summary_csv, "", "Output: one row per model (sizes, goal).");
ABSL_FLAG(std::string, max_batch_csv, "", "Output: largest batch per model x planner x limit.");

namespace {

absl::Status Run() {
  const std::string spec_path = absl::GetFlag(FLAGS_spec);
  if (spec_path.empty()) return absl::InvalidArgumentError("--spec is missing");
  const std::string outs[] = {absl::GetFlag(FLAGS_csv), absl::GetFlag(FLAGS_summary_csv),
                              absl::GetFlag(FLAGS_max_batch_csv)};
  const char* names[] = {"--csv", "--summary_csv", "--max_batch_csv"};
  for (int i = 0; i < 3; ++i) {
    if (outs[i].empty()) return absl::InvalidArgumentError(std::string(names[i]) + " is missing");
  }
  tbp::proto::RealModelsSpec spec;
  if (absl::Status s = tbp::ReadProtoFile(spec_path, &spec); !s.ok()) return s;
  absl::StatusOr<tbp::experiments::RealModelsOutput> out =
      tbp::experiments::RunRealModels(spec, stderr);
  if (!out.ok()) return out.status();
  const std::string* contents[] = {&out->points_csv, &out->summary_csv, &out->max_batch_csv};
  for (int i = 0; i < 3; ++i) {
    if (absl::Status s = tbp::WriteFileAtomically(outs[i], *contents[i]); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "real_models: planners on real ONNX models, the goal and the largest batch.\n\n"
      "usage: real_models --spec=SPEC.textproto --csv=POINTS.csv --summary_csv=S.csv\n"
      "       --max_batch_csv=M.csv");
  absl::ParseCommandLine(argc, argv);
  if (absl::Status s = Run(); !s.ok()) {
    std::fprintf(stderr, "real_models: error: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
