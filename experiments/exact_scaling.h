// exact_scaling: how large a graph each exact method solves within a time
// limit, per family (wall clock, so NOT reproducible: `bazel run -c opt
// //experiments:update_exact_scaling` writes the committed
// experiments/results/exact_scaling.csv that the paper reads).
//
// The spec (experiments/specs/exact_scaling.textproto) lists, per family, a
// generator with a sweep of sizes, and exact planners (those of the
// registry that search every order, e.g. "exhaustive" and "exact"), each
// with one budget fraction. For every graph in size order and each method:
// the budget BudgetFromFraction(LB, store_all, f) on the best order, one
// timed PlanAndJudge with time_limit_s = the limit. Status per row:
// optimal (proven within the limit), time_limit, state_limit (the search
// reached its cap), too_large (over the planner's node limit), error, or
// skipped (a smaller graph of the family already failed for that method).
// When two methods prove an optimum on one graph they must agree (else the
// run fails, kInternal).
#ifndef TBP_EXPERIMENTS_EXACT_SCALING_H_
#define TBP_EXPERIMENTS_EXACT_SCALING_H_

#include <cstdio>
#include <string>

#include "absl/status/statusor.h"
#include "proto/experiment.pb.h"

namespace tbp::experiments {

// Validates the spec (as a lower_bound_gap spec whose planners are all
// order-free exact planners) and time_limit_s (> 0, finite), runs, and
// returns the CSV (experiments/csv.h). Progress lines to `progress`
// (nullptr = silent).
absl::StatusOr<std::string> RunExactScaling(const proto::ExperimentSpec& spec,
                                            double time_limit_s, std::FILE* progress);

}  // namespace tbp::experiments

#endif  // TBP_EXPERIMENTS_EXACT_SCALING_H_
