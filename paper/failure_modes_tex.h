// The generated part of the paper's "Failure modes" section: macros
// (\ResFM...) and two tables, from the failure_modes experiment's results
// reduced by experiments/failure_modes.h. Nothing in that section is typed
// by hand.
//
// Files: failure_modes_numbers.tex (macros; paper.tex \input's it),
// tab_failure_modes.tex (per sweep, its first and last point at the
// largest size: memory kept within 1.5x compute per planner, budget's
// least memory with its compute, the lower bound; means with 95% CIs),
// tab_hcp_predictor.tex (the HCP verdict and the fitted single-feature
// rules on the held-out instances). Always the same files: without
// results the tables say so and the macros are absent. Macro names follow
// tex_numbers.h: \ResFM<Sweep><Quantity>. Deterministic.
#ifndef TBP_PAPER_FAILURE_MODES_TEX_H_
#define TBP_PAPER_FAILURE_MODES_TEX_H_

#include <map>
#include <optional>
#include <string>

#include "proto/result.pb.h"

namespace tbp::paper {

std::map<std::string, std::string> FailureModesTex(
    const std::optional<proto::RunResults>& results);

}  // namespace tbp::paper

#endif  // TBP_PAPER_FAILURE_MODES_TEX_H_
