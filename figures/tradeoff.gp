# Memory vs recomputation trade-off of every planner, one panel per regime
# (experiments/specs/compare_checkpointing.textproto; the first graph of
# each regime). x: simulated peak memory / store-all peak (log); y: total compute
# relative to store-all, (base + recompute) / base = 1 + overhead. Every
# panel has the same axes; a run above y_max is drawn as an arrow at the
# top edge in its planner's colour (off scale), its line clipped there.
# Lower-left is better. Input: `data`, the merged compare_checkpointing CSV.
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
planners = point_planners . " " . line_planners
x_min = 0.01
y_max = 3.0

# One graph per regime: its first instance (first_instance, set per panel).
sel(r, p, v) = (strcol("graph_label") eq r && strcol("planner_label") eq p && column("valid") == 1 \
                && column("instance_index") == first_instance) ? v : NaN
compute(r) = 1 + column("compute_overhead")
# The off-scale arrows: one pass over the regime's valid runs, coloured by
# planner; a run on scale is sent far left of the x range (never drawn), so
# the pass always has points and gnuplot does not warn.
on_panel(r) = strcol("graph_label") eq r && column("valid") == 1 && \
    column("instance_index") == first_instance && \
    strstrt(" " . planners . " ", " " . strcol("planner_label") . " ") > 0
off_scale(r) = !on_panel(r) ? NaN : compute(r) > y_max ? column("memory_ratio") : 1e-30

# The first instance of each regime (before any range is set: stats
# honours the x range).
array first_of[words(regimes)]
do for [ri = 1:words(regimes)] {
  stats data using (strcol("graph_label") eq word(regimes, ri) ? column("instance_index") : NaN) nooutput
  first_of[ri] = STATS_min
}

height = 0.75 + 1.9 * rows
bottom = 0.75 / height
do for [fmt in "pdf svg"] {
  eval (fmt eq "pdf" ? start_pdf(7.0, height) : start_svg(7.0, height))
  set multiplot layout rows,columns margins 0.08,0.99,bottom,1 - 0.35 / height \
      spacing 0.05,0.45 / height \
      title sprintf("Peak memory vs recomputation (simulated), per regime; arrows: compute > %gx, off scale", y_max) font ",10"
  unset key
  set logscale x
  set xrange [x_min:1.3]
  set yrange [0.95:y_max]
  set ytics 0.5
  set format x "%g"
  set format y "%g"
  do for [ri = 1:words(regimes)] {
    regime = word(regimes, ri)
    first_instance = first_of[ri]
    set label 1 regime at graph 0.04, graph 0.9 left front font ",9"
    set xlabel (ri > (rows - 1) * columns ? "peak / store-all peak" : "") offset 0, 0.4
    set ylabel ((ri - 1) % columns == 0 ? "compute / store-all" : "")
    plot for [p in point_planners] data \
           using (sel(regime, p, column("memory_ratio"))):(compute(regime)) with points lt planner_lt(p), \
         for [p in line_planners] data \
           using (sel(regime, p, column("memory_ratio"))):(compute(regime)) with linespoints lt planner_lt(p), \
         data using (off_scale(regime)):(0.9 * y_max):(0):(0.09 * y_max):(planner_lt(strcol("planner_label"))) \
           with vectors head filled size screen 0.008,25 lc variable lw 1.2
  }
  unset label 1
  # The key: a strip of its own below the panels.
  eval key_strip(0.45 * bottom)
  set key center center horizontal maxrows 1 samplen 2 font ",8"
  plot for [p in point_planners] NaN with points lt planner_lt(p) title p, \
       for [p in line_planners] NaN with linespoints lt planner_lt(p) title p
  unset multiplot
  eval end_key_strip
  set output
}
