// summarize: derived tables for figures that gnuplot cannot aggregate
// itself. Today: the gap-by-regime CSV of figures/gap.gp, from the merged
// lower_bound_gap results (experiments/summary.h, GapByRegime).
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "core/io/proto_io.h"
#include "experiments/summary.h"
#include "proto/result.pb.h"

ABSL_FLAG(std::string, gap_results, "", "Merged lower_bound_gap RunResults (.json/.pb).");
ABSL_FLAG(std::string, gap_csv, "", "Output: gap by regime and planner (.csv).");

namespace {

absl::Status Run() {
  const std::string in = absl::GetFlag(FLAGS_gap_results);
  const std::string out = absl::GetFlag(FLAGS_gap_csv);
  if (in.empty() || out.empty()) {
    return absl::InvalidArgumentError("--gap_results and --gap_csv are both required");
  }
  tbp::proto::RunResults results;
  if (absl::Status s = tbp::ReadProtoFile(in, &results); !s.ok()) return s;
  return tbp::WriteFileAtomically(
      out, tbp::experiments::GapCsv(tbp::experiments::GapByRegime(results)));
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "summarize: derived CSVs for figures.\n\n"
      "usage: summarize --gap_results=lower_bound_gap.json --gap_csv=gap_by_regime.csv");
  absl::ParseCommandLine(argc, argv);
  if (absl::Status s = Run(); !s.ok()) {
    std::fprintf(stderr, "summarize: error: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
