# tiny-backprop's planners beside the peers (experiments/specs/peers.textproto):
# one panel per regime, every (seed, budget) run of every planner. x: simulated
# peak memory / store-all peak (log); y: total compute relative to store-all,
# 1 + overhead (log). Lower-left is better. Infeasible runs are not drawn;
# the paper's tables count them. Inputs: `data`, the merged peers CSV, and
# optionally `milp`, the committed checkmate_milp runs on the same graphs
# (experiments/results/peers_milp.csv: CBC under a wall-clock limit, so not
# part of the hermetic run). figures/peers_zoo.gp sets `regimes` (its
# models), `planners`, `xmin` and `figure_title`, then loads this script.
load style
if (!exists("regimes")) {
  regimes = "chain chain_lognormal layered random_dense very_wide_layers wide_activations residual unet"
}
if (!exists("figure_title")) {
  figure_title = "tiny-backprop and the peers: peak memory vs compute (simulated), per regime"
}
if (!exists("xmin")) {
  xmin = 0.1
}
if (!exists("planners")) {
  planners = "store_all periodic interval_tree revolve budget rotor chen_greedy dtr mincut checkmate_lp"
}
# The committed MILP runs are drawn as one more planner when given.
all_planners = planners . (exists("milp") ? " checkmate_milp" : "")
columns = words(regimes) < 3 ? words(regimes) : 3
rows = int(ceil(words(regimes) / 3.0))
# The key takes the free cell of the last row, or, when the panels fill
# every row, a strip of its own below them.
key_in_cell = words(regimes) % columns != 0
strip = key_in_cell ? 0.0 : 0.8
height = 0.6 + 2.2 * rows + strip
bottom = (0.4 + strip) / height

sel(r, p, v) = (strcol("graph_label") eq r && strcol("planner_label") eq p && column("valid") == 1) ? v : NaN
# y: total compute relative to store-all (a macro: the blocks below are
# expanded when read).
total = "(1 + column(\"compute_overhead\"))"

# One y range for every panel: up to the next power of ten above the
# largest total compute drawn.
decade_above(x) = 10 ** ceil(log10(x * 1.05))
stats data using (column("valid") == 1 ? @total : NaN) nooutput
ymax = decade_above(STATS_max)
if (exists("milp")) {
  stats milp using (column("valid") == 1 ? @total : NaN) nooutput
  ymax = ymax > decade_above(STATS_max) ? ymax : decade_above(STATS_max)
}

do for [fmt in "pdf svg"] {
  eval (fmt eq "pdf" ? start_pdf(7.0, height) : start_svg(7.0, height))
  set multiplot layout rows,columns margins 0.08,0.99,bottom,1 - 0.3 / height \
      spacing 0.06,0.45 / height \
      title figure_title font ",10"
  set logscale xy
  set xrange [xmin:1.3]
  set yrange [0.95:ymax]
  set format x "%g"
  set format y "%g"
  unset key
  do for [ri = 1:words(regimes)] {
    regime = word(regimes, ri)
    set label 1 regime at graph 0.04, graph 0.92 left front font ",9"
    set xlabel (ri > words(regimes) - columns ? "peak / store-all peak" : "")
    set ylabel ((ri - 1) % columns == 0 ? "compute / store-all" : "")
    x(p) = sel(regime, p, column("memory_ratio"))
    if (exists("milp")) {
      plot for [p in planners] data using (x(p)):@total with points lt planner_lt(p) title p, \
           milp using (x("checkmate_milp")):@total with points lt planner_lt("checkmate_milp")
    } else {
      plot for [p in planners] data using (x(p)):@total with points lt planner_lt(p) title p
    }
  }
  # The key, in a panel of its own.
  unset label 1
  if (!key_in_cell) {
    set lmargin at screen 0.08
    set rmargin at screen 0.99
    set bmargin at screen 0
    set tmargin at screen 0.9 * strip / height
  }
  unset logscale xy
  set xrange [0:1]
  set yrange [0:1]
  set key at graph (key_in_cell ? 0.42 : 0.5), graph 0.5 center reverse Left samplen 1.2 \
      spacing 1.0 font ",8" maxrows (key_in_cell ? 6 : 3) width -1
  unset border
  unset tics
  unset grid
  set xlabel ""
  set ylabel ""
  plot 2 with lines lc rgb "white" notitle, \
       for [p in all_planners] keyentry with points lt planner_lt(p) title p
  unset multiplot
  eval end_key_strip
  set output
}
