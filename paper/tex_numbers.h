// The generated part of the paper: LaTeX macros (\newcommand{\ResGapChainRevolveMean}{1.01})
// and tables, computed from experiment result files by experiments/summary.h.
// Nothing in the paper's text or tables is typed by hand: paper.tex only
// uses these macros and \input's these tables.
//
// Naming. Every macro is \Res<Section><Names...><Quantity>, where a result
// label such as "random_dense" becomes "RandomDense" (digits spelled out,
// since LaTeX macro names are letters only). Sections: RD (random_dags),
// CC (compare_checkpointing), Peers (peers), Gap (lower_bound_gap), EX
// (lower_bound_gap_exact), EXHeldOut (lower_bound_gap_exact_heldout), FP (frontier_profiles), RT (runtime scaling),
// RF (replay_fidelity).
// Formatting is fixed per quantity (ratios 2 decimals, percentages 0 or 1,
// seconds 2 significant digits), so the same results give the same bytes.
#ifndef TBP_PAPER_TEX_NUMBERS_H_
#define TBP_PAPER_TEX_NUMBERS_H_

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "experiments/summary.h"
#include "proto/result.pb.h"

namespace tbp::paper {

// The result sets the paper reads; each is optional (tests use a subset).
struct PaperInputs {
  std::optional<proto::RunResults> random_dags;
  std::optional<proto::RunResults> compare;
  std::optional<proto::RunResults> peers;
  std::optional<proto::RunResults> peers_zoo;  // the peers on the ONNX zoo
  // experiments/results/peers_milp.csv and its machine line (committed):
  // checkmate_milp on the peers graphs, merged into the peers tables.
  std::optional<std::string> peers_milp_csv;
  std::string peers_milp_machine;
  // experiments/results/peers_zoo_timing.csv and its machine line
  // (committed): budget's and checkmate_lp's planning times on the zoo.
  std::optional<std::string> peers_zoo_timing_csv;
  std::string peers_zoo_timing_machine;
  std::optional<proto::RunResults> gap;
  std::optional<proto::RunResults> exact;
  // lower_bound_gap_exact_heldout: the same comparison on graphs that were
  // not used to tune the keep_recomputed passes.
  std::optional<proto::RunResults> exact_heldout;
  std::optional<proto::RunResults> frontier;
  std::optional<proto::RunResults> runtime;
  std::string runtime_machine;  // one line describing the timing machine
  // The byte-stable CSV of //experiments:replay_fidelity_results (its text).
  std::optional<std::string> replay_fidelity_csv;
  // experiments/results/exact_scaling.csv and its machine line (committed).
  std::optional<std::string> exact_scaling_csv;
  std::string exact_scaling_machine;
  // experiments/results/exact_cross_check.csv (committed): the graphs on
  // which the opt-in cross-checks found MILP == exhaustive search.
  std::optional<std::string> exact_cross_check_csv;
  // experiments/results/gpu_replay/{replay_bench,torch}.csv (committed GPU
  // measurement of tools/gpu; the second is optional).
  std::optional<std::string> gpu_replay_csv;
  std::optional<std::string> gpu_torch_csv;
};

// File name (e.g. "numbers.tex", "tab_gap.tex") -> contents. Always the
// same set of files: a table whose input is missing says so in its body.
// numbers.tex defines every macro for the inputs given. Deterministic.
// A CSV input that is malformed (experiments/csv.h) or lacks a column a
// table needs is kInvalidArgument naming the file.
absl::StatusOr<std::map<std::string, std::string>> GenerateTex(const PaperInputs& inputs);

// "random_dense" -> "RandomDense"; digits become words ("l2" -> "LTwo").
std::string MacroName(const std::string& label);

// Shared formatters. An em dash (Missing()) stands for a value that is not
// finite. Pct: a fraction as a whole percentage ("19"); PctCi: a mean
// fraction and its 95% half-width as "$19{\pm}2$", the mean alone when
// the half-width is not finite (fewer than two values).
std::string Missing();
std::string Pct(double fraction);
std::string PctCi(const experiments::Stats& m);

// Bytes as GiB with one decimal ("37.1"); an em dash if not finite.
std::string GiB(double bytes);

// "random_dense" -> "random\_dense".
std::string TexEscape(const std::string& text);

}  // namespace tbp::paper

#endif  // TBP_PAPER_TEX_NUMBERS_H_
