# Planner runtime scaling (planner_runtime_scaling; WALL-CLOCK, from the
# committed experiments/results/planner_runtime_scaling.csv, not rebuilt by
# Bazel): seconds vs COMPUTE nodes, log-log, one panel per graph family.
# Solid: planning on a given order (median-free: the minimum of the spec's
# repetitions); dashed: the best-order search; dotted: all lower bounds.
# Input: `data`, the runtime CSV.
load style
families = "chain random_dag residual"
planners = "store_all periodic revolve interval_tree budget"
sel(f, p, v) = (strcol("graph_label") eq f && strcol("planner_label") eq p && column("valid") == 1) ? v : NaN

do for [fmt in "pdf svg"] {
  eval (fmt eq "pdf" ? start_pdf(7.0, 2.9) : start_svg(7.0, 2.9))
  set multiplot layout 1,3 margins 0.07,0.99,0.15,0.8 spacing 0.05,0 \
      title "Planner wall-clock time vs graph size (committed, one machine)" font ",10"
  set logscale xy
  set format x "1e%T"
  set format y "%g"
  set xrange [500:2e6]
  set yrange [1e-8:10]  # shared; the lowest decades hold the key
  do for [fi = 1:words(families)] {
    f = word(families, fi)
    set title f
    set xlabel "COMPUTE nodes"
    set ylabel (fi == 1 ? "seconds" : "")
    if (fi == 1) {
      set key bottom right font ",7" samplen 1.5 spacing 0.9 maxrows 4
    } else {
      unset key
    }
    plot for [pi = 1:words(planners)] data \
           using (sel(f, word(planners, pi), column("compute_nodes"))):"plan_seconds" \
           with linespoints lt planner_lt(word(planners, pi)) \
           title word(planners, pi), \
         data using (sel(f, "store_all", column("compute_nodes"))):"order_seconds" \
           with linespoints lt 8 dt 2 title "best order", \
         data using (sel(f, "store_all", column("compute_nodes"))):"lower_bound_seconds" \
           with linespoints lt 8 dt 3 pt 2 title "lower bounds"
  }
  unset multiplot
  set output
}
