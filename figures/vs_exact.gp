# Distance to the optimum over all schedules (lower_bound_gap_exact): per
# run, x = its simulated peak / the least peak of any schedule recomputing
# no more (matched recomputation), y = its recompute cost / the least
# recompute of any schedule within its peak (matched budget). (1, 1) is
# optimal both ways. Runs where the optimum recomputes nothing and the
# planner does have no finite y and are drawn at the top edge.
# Input: `data`, experiments' lower_bound_gap_exact_results.csv.
load style
planners = "budget budget_all_orders budget_kept interval_tree periodic revolve"
planner_pt(p) = p eq "budget" ? 7 : p eq "budget_all_orders" ? 6 : p eq "budget_kept" ? 4 : p eq "interval_tree" ? 5 : p eq "periodic" ? 9 : 11
top = 8
yval(r, e) = e == 0 ? (r == 0 ? 1 : top) : (r / e < top ? r / e : top)
sel(p) = (strcol("planner_label") eq p && column("valid") == 1 && strcol("exact_recompute_cost") ne "") ? 1 : 0

do for [fmt in "pdf svg"] {
  eval (fmt eq "pdf" ? start_pdf(6.5, 3.2) : start_svg(6.5, 3.2))
  set logscale xy
  set xrange [0.97:3]
  set yrange [0.97:top * 1.1]
  set format x "%g"
  set format y "%g"
  set xtics (1, 1.1, 1.25, 1.5, 2, 3)
  set ytics (1, 1.1, 1.25, 1.5, 2, 3, 5, "no optimum recompute" top)
  set xlabel "peak / least peak at the same recomputation"
  set ylabel "recompute / optimum within the same peak"
  set key outside right top vertical samplen 1 font ",8"
  set title "Distance to the exact optimum (graphs small enough for exhaustive search)" font ",10"
  plot for [pi = 1:words(planners)] data \
         using (sel(word(planners, pi)) ? column("peak_vs_exact_memory") : NaN):(yval(column("recompute_cost"), column("exact_recompute_cost"))) \
         with points lt pi pt planner_pt(word(planners, pi)) ps 0.6 title word(planners, pi)
  set output
}
