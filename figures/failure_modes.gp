# Failure modes (experiments/specs/failure_modes.textproto, reduced by
# experiments/failure_modes.h into `data`, failure_modes_summary.csv): one
# column per sweep, at the sweep's largest graph size (96 or 97 COMPUTE
# nodes); x: the knob's value (square-root scale for the long-range link
# probability, log2 for skip span, fan-in and width, linear for the
# skew). Rows: the least memory kept (peak / store-all) within 1.5x
# store-all's compute (1 = no schedule fits that compute: store-all); the
# least memory kept at any compute, with the best lower bound (grey) under
# it; the total compute paid for that least memory (log). Points are means
# over 10 seeds with 95% confidence intervals; a planner without a valid
# run on a seed leaves that seed out of rows 2 and 3 (the paper's table
# counts them).
load style
sweeps = "long_range skip_span fan_in width skew"
sweep_title(i) = i == 1 ? "long-range link prob." : i == 2 ? "skip span (window)" : \
    i == 3 ? "fan-in" : i == 4 ? "nodes per layer" : "size skew (sigma)"
planners = "periodic interval_tree revolve chen_greedy dtr budget"
rows = 3
height = 6.4
bottom = 0.7 / height

sel(s, p, v) = (strcol("sweep") eq s && strcol("planner") eq p && column("largest") == 1) ? v : NaN
# The lower bound does not depend on the planner: drawn from budget's rows.
lb(s, v) = sel(s, "budget", v)
# x of a sweep value: sqrt for the long-range probability, else the value.
xv(s) = s eq "long_range" ? sqrt(column("sweep_value")) : column("sweep_value")

do for [fmt in "pdf svg"] {
  eval (fmt eq "pdf" ? start_pdf(7.0, height) : start_svg(7.0, height))
  set multiplot layout rows,words(sweeps) margins 0.08,0.99,bottom,1 - 0.55 / height \
      spacing 0.035,0.5 / height \
      title "Failure modes: where the savings break down (96 COMPUTE nodes, mean and 95% CI over 10 seeds)" font ",10"
  set ytics font ",8"
  unset key
  do for [row = 1:rows] {
    if (row == 3) {
      set logscale y
      set yrange [1:*]
      set format y "%g"
    } else {
      unset logscale y
      set yrange [0:1.05]
      set format y "%.1f"
    }
    do for [si = 1:words(sweeps)] {
      s = word(sweeps, si)
      t = sweep_title(si)
      # The x axis of the sweep (reset after the panel).
      set xtics out scale 0.4 font ",7" norotate
      if (si == 1) {
        set xrange [0:sqrt(0.45)]
        set xtics ("0" 0, ".01" 0.1, ".05" sqrt(0.05), ".1" sqrt(0.1), ".2" sqrt(0.2), ".4" sqrt(0.4))
      }
      if (si == 2 || si == 3 || si == 4) {
        set logscale x 2
        set xrange [*:*]
        set xtics 2 format "%g"
        set offsets graph 0.05, graph 0.05, 0, 0
      } else {
        set offsets 0, 0, 0, 0
      }
      if (si == 5) {
        set xrange [-0.2:3.2]
        set xtics 1 format "%g"
      }
      set title (row == 1 ? t : "") font ",8" noenhanced
      set ylabel (si > 1 ? "" : row == 1 ? "memory within 1.5x compute" : \
                  row == 2 ? "least memory kept" : "compute there (x store-all)") font ",8"
      set xlabel ""
      if (si > 1) { set format y "" } else { set format y (row == 3 ? "%g" : "%.1f") }
      if (row == 1) {
        plot for [p in planners] data using (sel(s, p, xv(s))):(column("memory_at_1_5x")):(column("memory_at_1_5x_ci")) \
             with yerrorlines lt planner_lt(p) ps 0.45 lw 1.0
      }
      if (row == 2) {
        plot data using (lb(s, xv(s))):(column("lower_bound")) with lines lc rgb "#999999" lw 3 dt 1, \
             for [p in planners] data using (sel(s, p, xv(s))):(column("least_memory")):(column("least_memory_ci")) \
             with yerrorlines lt planner_lt(p) ps 0.45 lw 1.0
      }
      if (row == 3) {
        plot for [p in planners] data using (sel(s, p, xv(s))):(1 + column("overhead_at_least")):(column("overhead_at_least_ci")) \
             with yerrorlines lt planner_lt(p) ps 0.45 lw 1.0
      }
      unset logscale x
    }
  }
  # The key: a strip of its own below the panels.
  eval key_strip(0.85 * bottom - 0.02)
  set key center center horizontal maxrows 1 samplen 2 font ",8"
  plot for [p in planners] NaN with linespoints lt planner_lt(p) title p, \
       NaN with lines lc rgb "#999999" lw 3 title "best lower bound"
  unset multiplot
  eval end_key_strip
}
