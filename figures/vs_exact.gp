# Distance to the optimum over all schedules (lower_bound_gap_exact), as
# per-planner empirical CDFs over the valid runs with exact references.
# Left: recompute cost / the least recompute of any schedule within the
# run's peak (matched budget). Right: simulated peak / the least peak of
# any schedule recomputing no more (matched recomputation). A curve at x
# gives the fraction of the planner's runs at most x from the optimum; its
# value at 1 (the share of runs that are optimal, also in the key) is where
# the curve starts. Runs where the optimum recomputes nothing and the
# planner does have no finite left ratio: they sit at the right edge
# ("none"), so a curve that ends below 1 there is short by their share.
# The right panel's x axis ends at 2.2; a peak ratio above it is drawn at
# that edge (none was when this was written).
# Input: `data`, experiments' lower_bound_gap_exact_results.csv.
load style
planners = "budget budget_all_orders budget_kept interval_tree periodic revolve"
# The budget variants share budget's colour and differ by dash and marker.
variant_dt(p) = p eq "budget_all_orders" ? 2 : p eq "budget_kept" ? 3 : 1
top = 8
yval(r, e) = e == 0 ? (r == 0 ? 1 : top) : (r / e < top ? r / e : top)
sel(p) = (strcol("planner_label") eq p && column("valid") == 1 && strcol("exact_recompute_cost") ne "") ? 1 : 0
left(p) = sel(p) ? yval(column("recompute_cost"), column("exact_recompute_cost")) : NaN
# Right panel: ratios above rtop are drawn at its right edge.
rtop = 2.2
right(p) = sel(p) ? (column("peak_vs_exact_memory") < rtop ? column("peak_vs_exact_memory") : rtop) : NaN

# Per planner: runs, and the share optimal on each side (ratio exactly 1).
array runs[words(planners)]
array opt_left[words(planners)]
array opt_right[words(planners)]
do for [pi = 1:words(planners)] {
  p = word(planners, pi)
  stats data using (sel(p) ? (left(p) <= 1 ? 1 : 0) : NaN) nooutput
  runs[pi] = STATS_records
  opt_left[pi] = STATS_records > 0 ? STATS_sum / STATS_records : 0
  stats data using (sel(p) ? (right(p) <= 1 ? 1 : 0) : NaN) nooutput
  opt_right[pi] = STATS_records > 0 ? STATS_sum / STATS_records : 0
}

do for [fmt in "pdf svg"] {
  eval (fmt eq "pdf" ? start_pdf(7.0, 3.4) : start_svg(7.0, 3.4))
  set multiplot layout 1,2 margins 0.08,0.64,0.15,0.88 spacing 0.06,0 \
      title "Distance to the exact optimum (graphs small enough for exhaustive search), ECDF per planner" font ",10"
  set logscale x
  set xrange [1:top * 1.05]
  set yrange [0:1.02]
  set format x "%g"
  set xtics (1, 1.5, 2, 3, 5, "none" top)
  set ytics 0.2 format "%.1f"
  set ylabel "fraction of runs at most x"
  set xlabel "recompute / optimum at the same peak"
  unset key
  plot for [pi = 1:words(planners)] data using (left(word(planners, pi))):(1) smooth cnormal \
       with steps lt planner_lt(word(planners, pi)) dt variant_dt(word(planners, pi)) lw 1.5
  set xlabel "peak / optimum at the same recompute"
  set xrange [1:rtop]
  set xtics (1, 1.1, 1.25, 1.5, 2)
  set ylabel ""
  set format y ""
  set key at screen 0.99, screen 0.85 right top vertical samplen 2 font ",8" \
      title "planner (runs: optimal L / R)"
  plot for [pi = 1:words(planners)] data using (right(word(planners, pi))):(1) smooth cnormal \
       with steps lt planner_lt(word(planners, pi)) dt variant_dt(word(planners, pi)) lw 1.5 \
       title sprintf("%s (%d: %.0f%% / %.0f%%)", word(planners, pi), runs[pi], \
                     100 * opt_left[pi], 100 * opt_right[pi])
  unset multiplot
  set output
}
