// gen_paper_tex: writes the generated part of the paper (paper/tex_numbers.h)
// into --out_dir: numbers.tex (macros) and the tab_*.tex tables, from the
// merged experiment results. Every input is optional.
#include <cstdio>
#include <map>
#include <optional>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "core/io/proto_io.h"
#include "paper/failure_modes_tex.h"
#include "paper/real_models_tex.h"
#include "paper/tex_numbers.h"
#include "proto/result.pb.h"

ABSL_FLAG(std::string, random_dags, "", "random_dags RunResults (.json/.pb).");
ABSL_FLAG(std::string, compare, "", "compare_checkpointing RunResults.");
ABSL_FLAG(std::string, peers, "", "peers RunResults (the compare_checkpointing kind).");
ABSL_FLAG(std::string, peers_zoo, "", "peers_zoo RunResults (the compare_checkpointing kind).");
ABSL_FLAG(std::string, gap, "", "lower_bound_gap RunResults.");
ABSL_FLAG(std::string, exact, "", "lower_bound_gap_exact RunResults.");
ABSL_FLAG(std::string, exact_heldout, "",
          "lower_bound_gap_exact_heldout RunResults (graphs not used for tuning).");
ABSL_FLAG(std::string, frontier, "", "frontier_profiles RunResults.");
ABSL_FLAG(std::string, runtime, "", "planner_runtime_scaling RunResults (committed).");
ABSL_FLAG(std::string, runtime_machine, "", "One-line description of the timing machine.");
ABSL_FLAG(std::string, replay_fidelity, "", "replay_fidelity byte-stable CSV.");
ABSL_FLAG(std::string, exact_scaling, "", "exact_scaling CSV (committed wall clock).");
ABSL_FLAG(std::string, exact_scaling_machine, "", "One-line description of its machine.");
ABSL_FLAG(std::string, peers_milp, "", "peers_milp CSV (committed, wall-clock dependent).");
ABSL_FLAG(std::string, peers_milp_machine, "", "One-line description of its machine.");
ABSL_FLAG(std::string, peers_zoo_timing, "",
          "peers_zoo_timing CSV (committed, wall clock: planning times on the zoo).");
ABSL_FLAG(std::string, peers_zoo_timing_machine, "", "One-line description of its machine.");
ABSL_FLAG(std::string, exact_cross_check, "",
          "exact_cross_check CSV (committed opt-in MILP-vs-search runs).");
ABSL_FLAG(std::string, gpu_replay, "", "GPU replay_bench CSV (committed, tools/gpu).");
ABSL_FLAG(std::string, gpu_torch, "", "GPU torch_replay CSV (committed, tools/gpu).");
ABSL_FLAG(std::string, real_models, "", "real_models summary CSV (real_models_summary.csv).");
ABSL_FLAG(std::string, real_models_max_batch, "", "real_models largest-batch CSV.");
ABSL_FLAG(std::string, real_models_points, "", "real_models per-run CSV (real_models_results.csv).");
ABSL_FLAG(std::string, failure_modes, "", "failure_modes RunResults (the compare_checkpointing kind).");
ABSL_FLAG(std::string, out_dir, "", "Directory for numbers.tex and tab_*.tex (must exist).");

namespace {

absl::Status Load(const std::string& path, std::optional<tbp::proto::RunResults>* out) {
  if (path.empty()) return absl::OkStatus();
  out->emplace();
  return tbp::ReadProtoFile(path, &out->value());
}

absl::Status Run() {
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  if (out_dir.empty()) return absl::InvalidArgumentError("--out_dir is missing");
  tbp::paper::PaperInputs in;
  for (auto [flag, slot] : {std::pair{absl::GetFlag(FLAGS_random_dags), &in.random_dags},
                            std::pair{absl::GetFlag(FLAGS_compare), &in.compare},
                            std::pair{absl::GetFlag(FLAGS_peers), &in.peers},
                            std::pair{absl::GetFlag(FLAGS_peers_zoo), &in.peers_zoo},
                            std::pair{absl::GetFlag(FLAGS_gap), &in.gap},
                            std::pair{absl::GetFlag(FLAGS_exact), &in.exact},
                            std::pair{absl::GetFlag(FLAGS_exact_heldout), &in.exact_heldout},
                            std::pair{absl::GetFlag(FLAGS_frontier), &in.frontier},
                            std::pair{absl::GetFlag(FLAGS_runtime), &in.runtime}}) {
    if (absl::Status s = Load(flag, slot); !s.ok()) return s;
  }
  const std::string machine_path = absl::GetFlag(FLAGS_runtime_machine);
  if (!machine_path.empty()) {
    absl::StatusOr<std::string> text = tbp::ReadFile(machine_path);
    if (!text.ok()) return text.status();
    in.runtime_machine = std::string(absl::StripAsciiWhitespace(*text));
  }
  for (auto [flag, slot] : {std::pair{absl::GetFlag(FLAGS_exact_scaling), &in.exact_scaling_csv},
                            std::pair{absl::GetFlag(FLAGS_exact_cross_check),
                                      &in.exact_cross_check_csv},
                            std::pair{absl::GetFlag(FLAGS_peers_milp), &in.peers_milp_csv},
                            std::pair{absl::GetFlag(FLAGS_peers_zoo_timing),
                                      &in.peers_zoo_timing_csv},
                            std::pair{absl::GetFlag(FLAGS_replay_fidelity), &in.replay_fidelity_csv},
                            std::pair{absl::GetFlag(FLAGS_gpu_replay), &in.gpu_replay_csv},
                            std::pair{absl::GetFlag(FLAGS_gpu_torch), &in.gpu_torch_csv}}) {
    if (flag.empty()) continue;
    absl::StatusOr<std::string> text = tbp::ReadFile(flag);
    if (!text.ok()) return text.status();
    *slot = *text;
  }
  for (auto [flag, slot] :
       {std::pair{absl::GetFlag(FLAGS_exact_scaling_machine), &in.exact_scaling_machine},
        std::pair{absl::GetFlag(FLAGS_peers_milp_machine), &in.peers_milp_machine},
        std::pair{absl::GetFlag(FLAGS_peers_zoo_timing_machine), &in.peers_zoo_timing_machine}}) {
    if (flag.empty()) continue;
    absl::StatusOr<std::string> text = tbp::ReadFile(flag);
    if (!text.ok()) return text.status();
    *slot = std::string(absl::StripAsciiWhitespace(*text));
  }
  absl::StatusOr<std::map<std::string, std::string>> generated = tbp::paper::GenerateTex(in);
  if (!generated.ok()) return generated.status();
  std::map<std::string, std::string> files = *std::move(generated);
  std::optional<std::string> real_models[3];
  const std::string real_models_paths[3] = {absl::GetFlag(FLAGS_real_models),
                                            absl::GetFlag(FLAGS_real_models_max_batch),
                                            absl::GetFlag(FLAGS_real_models_points)};
  for (int i = 0; i < 3; ++i) {
    if (real_models_paths[i].empty()) continue;
    absl::StatusOr<std::string> text = tbp::ReadFile(real_models_paths[i]);
    if (!text.ok()) return text.status();
    real_models[i] = *text;
  }
  absl::StatusOr<std::map<std::string, std::string>> rm =
      tbp::paper::RealModelsTex(real_models[0], real_models[1], real_models[2]);
  if (!rm.ok()) return rm.status();
  files.merge(*rm);
  std::optional<tbp::proto::RunResults> failure_modes;
  if (absl::Status s = Load(absl::GetFlag(FLAGS_failure_modes), &failure_modes); !s.ok()) {
    return s;
  }
  files.merge(tbp::paper::FailureModesTex(failure_modes));
  for (const auto& [name, contents] : files) {
    if (absl::Status s = tbp::WriteFileAtomically(absl::StrCat(out_dir, "/", name), contents);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "gen_paper_tex: LaTeX macros and tables from experiment results.\n\n"
      "usage: gen_paper_tex --out_dir=DIR [--random_dags=F] [--compare=F] [--peers=F] [--gap=F]\n"
      "       [--exact=F] [--frontier=F] [--runtime=F --runtime_machine=TXT]\n"
      "       [--replay_fidelity=CSV] [--exact_scaling=CSV --exact_scaling_machine=TXT]\n"
      "       [--peers_zoo=F] [--peers_milp=CSV --peers_milp_machine=TXT]\n"
      "       [--peers_zoo_timing=CSV --peers_zoo_timing_machine=TXT]\n"
      "       [--exact_cross_check=CSV]\n"
      "       [--gpu_replay=CSV [--gpu_torch=CSV]]\n"
      "       [--real_models=CSV --real_models_max_batch=CSV --real_models_points=CSV]\n"
      "       [--failure_modes=F]");
  absl::ParseCommandLine(argc, argv);
  if (absl::Status s = Run(); !s.ok()) {
    std::fprintf(stderr, "gen_paper_tex: error: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
