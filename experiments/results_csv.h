// CSV renderings of experiment results (proto/result.proto) for gnuplot.
//
// Format. Lines starting with '#' come first: the experiment, the layout
// and one line per column saying what it holds (gnuplot skips them). Then
// one header line with the column names (gnuplot's column("name")), then
// one line per record in the one CSV dialect of experiments/csv.h: labels
// are [A-Za-z0-9_] by validation, so only the free-text `error` column,
// always last, is ever quoted (where it holds a comma, a quote or a line
// break; gnuplot never reads that column). Integers print in
// full; doubles print with "%.9g" (deterministic for a given value); a
// value that does not exist (a ratio over 0, the peak of a failed run, an
// exact reference not computed) is an empty field, which gnuplot treats as
// missing. The column order of each layout is fixed: new columns are added
// before `error`, never reordered.
//
// Layouts (runner.h's LayoutFor maps each experiment to one):
//   kRuns     one row per run (random_dags, compare_checkpointing,
//             lower_bound_gap); CsvColumns(kRuns) lists and documents
//             the columns, and every CSV repeats that list in its header.
//   kRuntime  one row per run (planner_runtime_scaling), with wall-clock
//             seconds: NOT reproducible, kept out of determinism checks.
//   kFrontier one row per cut of each instance's best order
//             (frontier_profiles).
#ifndef TBP_EXPERIMENTS_RESULTS_CSV_H_
#define TBP_EXPERIMENTS_RESULTS_CSV_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "proto/result.pb.h"

namespace tbp::experiments {

enum class CsvLayout { kRuns, kRuntime, kFrontier };

// (name, description) of each column of `layout`, in order.
const std::vector<std::pair<std::string, std::string>>& CsvColumns(CsvLayout layout);

// The whole CSV text for `results` in `layout`. O(size of the results).
std::string ResultsCsv(const proto::RunResults& results, CsvLayout layout);

// "%.9g" of `value`; "" for NaN or infinity (a missing value).
std::string CsvDouble(double value);

// num / den as a double; NaN (a missing value) when den is 0.
double Ratio(int64_t num, int64_t den);

}  // namespace tbp::experiments

#endif  // TBP_EXPERIMENTS_RESULTS_CSV_H_
