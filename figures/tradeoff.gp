# Memory vs recomputation trade-off of every planner, one panel per regime
# (experiments/specs/compare_checkpointing.textproto). x: simulated peak
# memory / store-all peak (log); y: total compute relative to store-all,
# (base + recompute) / base = 1 + overhead (log). Lower-left is better.
# Input: `data`, the merged compare_checkpointing CSV.
load style
# The panels: the graph labels of experiments/specs/compare_checkpointing
# (override with -e "regimes='...'" for another spec, as the e2e test does).
if (!exists("regimes")) {
  regimes = "chain chain_lognormal layered random_dense very_wide_layers wide_activations unet residual transformer"
}
columns = words(regimes) < 3 ? words(regimes) : 3
rows = int(ceil(words(regimes) / 3.0))
# Knob sweeps whose peak is monotone in the knob are joined by lines.
point_planners = "store_all periodic interval_tree_arity"
line_planners = "revolve interval_tree budget"

sel(r, p, v) = (strcol("graph_label") eq r && strcol("planner_label") eq p && column("valid") == 1) ? v : NaN

do for [fmt in "pdf svg"] {
  eval (fmt eq "pdf" ? start_pdf(7.0, 0.6 + 2.0 * rows) : start_svg(7.0, 0.6 + 2.0 * rows))
  set multiplot layout rows,columns margins 0.08,0.99,0.07,0.95 spacing 0.06,0.07 \
      title "Peak memory vs recomputation (simulated), per regime" font ",10"
  set logscale xy
  set xrange [*:1.3]
  set yrange [0.9:*]
  set format x "%g"
  set format y "%g"
  do for [ri = 1:words(regimes)] {
    regime = word(regimes, ri)
    set label 1 regime at graph 0.04, graph 0.92 left front font ",9"
    set xlabel (ri > (rows - 1) * columns ? "peak / store-all peak" : "")
    set ylabel ((ri - 1) % columns == 0 ? "compute / store-all compute" : "")
    if (ri == 1) {
      set key top right samplen 1.5 spacing 0.9 font ",7" opaque box lc rgb "#cccccc"
    } else {
      unset key
    }
    plot for [p in point_planners] data \
           using (sel(regime, p, column("memory_ratio"))):(1 + column("compute_overhead")) \
           with points lt planner_lt(p) title p, \
         for [p in line_planners] data \
           using (sel(regime, p, column("memory_ratio"))):(1 + column("compute_overhead")) \
           with linespoints lt planner_lt(p) title p
  }
  unset multiplot
  unset label 1
  set output
}
