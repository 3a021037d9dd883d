// The main of every experiment binary (random_dags, compare_checkpointing,
// lower_bound_gap, planner_runtime_scaling, frontier_profiles): parses the
// flags and calls experiments/runner.h. Which experiment it is comes from
// the TBP_EXPERIMENT_KIND define that each cc_binary in experiments/BUILD
// sets (an ExperimentKind enumerator).
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "experiments/runner.h"

#ifndef TBP_EXPERIMENT_KIND
#error "TBP_EXPERIMENT_KIND must name an ExperimentKind enumerator (see experiments/BUILD)"
#endif

ABSL_FLAG(std::string, spec, "", "ExperimentSpec file (.textproto/.pbtxt/.json/.pb).");
ABSL_FLAG(std::string, out, "", "RunResults output; format by extension (.pb/.json/.textproto).");
ABSL_FLAG(std::string, csv, "", "CSV output (.csv), columns documented in its header.");
ABSL_FLAG(int64_t, shard_index, 0, "Run the graph instances i with i % num_shards == this.");
ABSL_FLAG(int64_t, num_shards, 1, "Number of shards the sweep is split into.");

int main(int argc, char** argv) {
  constexpr tbp::experiments::ExperimentKind kKind =
      tbp::experiments::ExperimentKind::TBP_EXPERIMENT_KIND;
  const std::string name(tbp::experiments::ExperimentKindName(kKind));
  absl::SetProgramUsageMessage(absl::StrCat(
      name, ": runs an experiment spec and writes its results.\n\nusage: ", name,
      " --spec=SPEC.textproto [--out=RESULTS.pb|.json] [--csv=RESULTS.csv]\n"
      "       [--shard_index=K --num_shards=N]\n\n"
      "Progress goes to stderr; outputs are written only if every run finished."));
  absl::ParseCommandLine(argc, argv);
  tbp::experiments::ShardOptions shard;
  shard.shard_index = absl::GetFlag(FLAGS_shard_index);
  shard.num_shards = absl::GetFlag(FLAGS_num_shards);
  tbp::experiments::OutputPaths out;
  out.results = absl::GetFlag(FLAGS_out);
  out.csv = absl::GetFlag(FLAGS_csv);
  const absl::Status status =
      tbp::experiments::RunExperimentFiles(absl::GetFlag(FLAGS_spec), kKind, shard, out);
  if (!status.ok()) {
    std::fprintf(stderr, "%s: error: %s\n", name.c_str(), std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
