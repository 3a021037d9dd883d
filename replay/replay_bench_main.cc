// replay_bench: the GPU measurement of tools/gpu/run_gpu.sh. Parses flags
// and calls RunBench (bench.h); writes replay_bench.csv and replay_bench.md
// into --out_dir and prints the table.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "replay/backends.h"
#include "replay/bench.h"

ABSL_FLAG(std::string, backend, "cuda", "cpu or cuda");
ABSL_FLAG(std::vector<std::string>, families,
          std::vector<std::string>({"transformer", "residual", "random_dag"}),
          "comma-separated: transformer, residual, random_dag, layered, unet, chain");
ABSL_FLAG(std::vector<std::string>, planners,
          std::vector<std::string>({"store_all", "periodic", "interval_tree", "revolve:0.5",
                                    "budget:0.5", "budget:0.3"}),
          "comma-separated NAME[:ARG]...; ARG = a budget as a fraction of store-all's peak "
          "(planners that use budget_bytes) or KNOB=VALUE (tbp --help lists the knobs)");
ABSL_FLAG(std::string, preset, "full", "full (sized for an 80 GB GPU) or small");
ABSL_FLAG(double, target_fraction, 0.6,
          "store-all peak as a fraction of the free device memory left after parameters");
ABSL_FLAG(int64_t, target_store_all_bytes, 0, "store-all peak in bytes (overrides the fraction)");
ABSL_FLAG(int, repeats, 2, "measured runs per schedule (the fastest is reported)");
ABSL_FLAG(int, warmup_runs, 1, "unmeasured store-all runs per family");
ABSL_FLAG(uint64_t, seed, 1, "graph, input and parameter seed");
ABSL_FLAG(std::string, out_dir, "", "where replay_bench.csv and replay_bench.md go");
ABSL_FLAG(std::string, export_dir, "", "where <family>.graph.json go (for torch_replay.py)");
ABSL_FLAG(bool, dry_run, false, "size, plan and simulate only (no tensors)");
ABSL_FLAG(bool, self_check, false, "print the build's backends and exit (bundle smoke test)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Replays generated graphs with every planner vs store-all.");
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_self_check)) {
    std::string names;
    for (const std::string& n : tbp::replay::BackendNames()) names += " " + n;
    std::printf("replay_bench: backends:%s\n", names.c_str());
    return 0;
  }
  tbp::replay::BenchOptions o;
  o.backend = absl::GetFlag(FLAGS_backend);
  o.families = absl::GetFlag(FLAGS_families);
  o.planners = absl::GetFlag(FLAGS_planners);
  o.preset = absl::GetFlag(FLAGS_preset);
  o.target_fraction = absl::GetFlag(FLAGS_target_fraction);
  o.target_store_all_bytes = absl::GetFlag(FLAGS_target_store_all_bytes);
  o.repeats = absl::GetFlag(FLAGS_repeats);
  o.warmup_runs = absl::GetFlag(FLAGS_warmup_runs);
  o.seed = absl::GetFlag(FLAGS_seed);
  o.export_dir = absl::GetFlag(FLAGS_export_dir);
  o.dry_run = absl::GetFlag(FLAGS_dry_run);
  absl::StatusOr<tbp::replay::BenchReport> report = tbp::replay::RunBench(o);
  if (!report.ok()) {
    std::fprintf(stderr, "replay_bench: %s\n", report.status().ToString().c_str());
    return 1;
  }
  const std::string md = tbp::replay::BenchMarkdown(*report);
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  if (!out_dir.empty()) {
    for (const auto& [name, text] :
         {std::pair<std::string, std::string>{"replay_bench.csv", tbp::replay::BenchCsv(*report)},
          {"replay_bench.md", md}}) {
      const std::string path = absl::StrCat(out_dir, "/", name);
      std::ofstream f(path);
      f << text;
      if (!f.good()) {
        std::fprintf(stderr, "replay_bench: cannot write %s\n", path.c_str());
        return 1;
      }
    }
  }
  std::printf("%s", md.c_str());
  bool all_ok = true;
  for (const auto& row : report->rows) {
    if (row.status == "ok" && (!row.gradients_match || !row.peak_matches_simulator)) all_ok = false;
  }
  return all_ok ? 0 : 2;
}
