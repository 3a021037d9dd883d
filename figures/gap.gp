# Gap to the best true lower bound by regime (lower_bound_gap): per graph,
# each planner's most memory-frugal simulated peak / lower bound; points are
# means over graphs, bars span min..max. 1 = provably memory-optimal.
# Input: `data`, experiments' gap_by_regime.csv (experiments/summary.h).
load style
planners = "interval_tree periodic revolve budget"
offset(pi) = (pi - (words(planners) + 1) / 2.0) * 0.16
# Axes fitted to the data: every regime's bars inside the x range, and y up
# to just above the largest max_gap (the key sits above the plot).
stats data using "regime_index" nooutput
last_regime = STATS_max
stats data using "max_gap" nooutput
top_gap = STATS_max * 1.15

do for [fmt in "pdf svg"] {
  eval (fmt eq "pdf" ? start_pdf(6.5, 3.0) : start_svg(6.5, 3.0))
  set logscale y
  set yrange [0.95:top_gap]
  set format y "%g"
  set ytics (1, 1.5, 2, 3, 5, 10, 20)
  set ylabel "simulated peak / lower bound"
  set xrange [-0.6:last_regime + 0.6]
  set xtics rotate by -25 left font ",8" nomirror
  set key outside top center horizontal samplen 1 font ",8"
  set title "Gap to the best true lower bound, most memory-frugal run per graph" font ",10"
  plot 1 with lines lc rgb "#888888" dt 2 notitle, \
       for [pi = 1:words(planners)] data \
         using (strcol("planner") eq word(planners, pi) ? column("regime_index") + offset(pi) : NaN):"mean_gap":"min_gap":"max_gap" \
         with yerrorbars lt planner_lt(word(planners, pi)) pt 7 ps 0.6 title word(planners, pi), \
       data using "regime_index":(1):xtic(strcol("regime")) with dots lc rgb "#888888" notitle
  set output
}
