// The generated part of the paper's "Real models" subsection: macros
// (\ResRM...) and two tables, from the CSVs of the real_models experiment
// (experiments/real_models.h): the per-model summary and the largest
// batches. Nothing in that subsection is typed by hand.
//
// Files: real_models_numbers.tex (macros; paper.tex \input's it),
// tab_real_models.tex (goal per model), tab_real_models_planners.tex (each
// planner's least peak within the compute cap), tab_real_models_batch.tex
// (largest batch per planner and memory limit). Always the same files: with
// an input missing, its table says so and the macros it would define are
// absent. Macro names follow tex_numbers.h: \ResRM<Model><Quantity>, the
// model label through MacroName ("resnet50" -> "ResnetFiveZero").
// Deterministic.
#ifndef TBP_PAPER_REAL_MODELS_TEX_H_
#define TBP_PAPER_REAL_MODELS_TEX_H_

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace tbp::paper {

// summary_csv: real_models_summary.csv; max_batch_csv:
// real_models_max_batch.csv; points_csv: real_models_results.csv (their
// text; the planner table needs both summary and points). A malformed CSV
// (experiments/csv.h) or one without a column a table needs is
// kInvalidArgument naming the file.
absl::StatusOr<std::map<std::string, std::string>> RealModelsTex(
    const std::optional<std::string>& summary_csv, const std::optional<std::string>& max_batch_csv,
    const std::optional<std::string>& points_csv);

}  // namespace tbp::paper

#endif  // TBP_PAPER_REAL_MODELS_TEX_H_
