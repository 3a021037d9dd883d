// replay_fidelity: replays every planner's schedule on the CPU backend and
// compares measured with simulated peak memory and time
// (experiments/replay_fidelity.h). This file only parses flags.
#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "core/io/proto_io.h"
#include "experiments/replay_fidelity.h"
#include "proto/experiment.pb.h"

ABSL_FLAG(std::string, spec, "", "ExperimentSpec file (.textproto/.json/.pb).");
ABSL_FLAG(std::string, csv, "", "Byte-stable CSV output (peaks, match flags, compute overhead).");
ABSL_FLAG(std::string, timing_csv, "",
          "CSV output with wall-clock columns as well (NOT reproducible).");
ABSL_FLAG(int64_t, batch, 1, "Rows of every tensor (widths = output_bytes / (4 * batch)).");
ABSL_FLAG(int64_t, repeats, 3, "Measured runs of each schedule; the fastest is reported.");
ABSL_FLAG(uint64_t, seed, 1, "Replay inputs and parameters.");

namespace {

absl::Status Run() {
  const std::string spec_path = absl::GetFlag(FLAGS_spec);
  const std::string csv_path = absl::GetFlag(FLAGS_csv);
  const std::string timing_path = absl::GetFlag(FLAGS_timing_csv);
  if (spec_path.empty()) return absl::InvalidArgumentError("--spec is missing");
  if (csv_path.empty() && timing_path.empty()) {
    return absl::InvalidArgumentError("give --csv and/or --timing_csv");
  }
  tbp::proto::ExperimentSpec spec;
  if (absl::Status s = tbp::ReadProtoFile(spec_path, &spec); !s.ok()) return s;
  tbp::experiments::ReplayFidelityOptions options;
  options.batch = absl::GetFlag(FLAGS_batch);
  options.repeats = absl::GetFlag(FLAGS_repeats);
  options.seed = absl::GetFlag(FLAGS_seed);
  absl::StatusOr<tbp::experiments::ReplayFidelityOutput> out =
      tbp::experiments::RunReplayFidelity(spec, options, stderr);
  if (!out.ok()) return out.status();
  if (!csv_path.empty()) {
    if (absl::Status s = tbp::WriteFileAtomically(csv_path, out->csv); !s.ok()) return s;
  }
  if (!timing_path.empty()) {
    if (absl::Status s = tbp::WriteFileAtomically(timing_path, out->timing_csv); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "replay_fidelity: replays every planner's schedule on the CPU backend and\n"
      "compares measured with simulated peak memory and time.\n\n"
      "usage: replay_fidelity --spec=SPEC.textproto [--csv=OUT.csv] [--timing_csv=T.csv]\n"
      "       [--batch=1] [--repeats=3] [--seed=1]");
  absl::ParseCommandLine(argc, argv);
  if (absl::Status s = Run(); !s.ok()) {
    std::fprintf(stderr, "replay_fidelity: error: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
