// merge_results: merges the shard results of one experiment (the positional
// arguments, RunResults files) into the unsharded results and CSV.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "experiments/runner.h"

ABSL_FLAG(std::string, out, "", "Merged RunResults; format by extension (.pb/.json/.textproto).");
ABSL_FLAG(std::string, csv, "", "Merged CSV (.csv).");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "merge_results: merges experiment shards.\n\n"
      "usage: merge_results [--out=RESULTS.json] [--csv=RESULTS.csv] SHARD.pb...");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> shards(args.begin() + 1, args.end());
  tbp::experiments::OutputPaths out;
  out.results = absl::GetFlag(FLAGS_out);
  out.csv = absl::GetFlag(FLAGS_csv);
  const absl::Status status = tbp::experiments::MergeResultFiles(shards, out);
  if (!status.ok()) {
    std::fprintf(stderr, "merge_results: error: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}
