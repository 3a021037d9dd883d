# Replay fidelity (replay_fidelity): every planner's schedule replayed on
# real tensors (CPU backend) against store-all on the same backward order.
# Left: measured vs simulated peak (activations + gradients, KiB, log-log);
# every point on the dashed diagonal means the simulator is exact.
# Right: measured time overhead vs the simulator's compute overhead (FLOP
# costs); WALL-CLOCK, from the committed
# experiments/results/replay_fidelity_timing.csv, not rebuilt by Bazel.
# Inputs: `data`, the byte-stable replay_fidelity_results.csv; `timing`,
# the committed timing CSV.
load style
planners = "store_all periodic interval_tree revolve budget"
ok(p) = strcol("status") eq "ok" && strcol("planner") eq p
sel(p, v) = ok(p) ? v : NaN

do for [fmt in "pdf svg"] {
  eval (fmt eq "pdf" ? start_pdf(7.0, 3.0) : start_svg(7.0, 3.0))
  set multiplot layout 1,2 margins 0.08,0.98,0.15,0.85 spacing 0.09,0 \
      title "Replay fidelity: CPU backend vs simulator (all families and planners)" font ",10"

  set title "peak memory"
  set logscale xy
  set format x "%g"
  set format y "%g"
  set xrange [2:40]
  set yrange [2:40]
  set xtics (2, 5, 10, 20, 40)
  set ytics (2, 5, 10, 20, 40)
  set xlabel "simulated peak (KiB)"
  set ylabel "measured peak (KiB)"
  set key top left font ",7" samplen 1.5 spacing 0.9
  plot for [pi = 1:words(planners)] data \
         using (sel(word(planners, pi), column("simulated_peak_bytes") / 1024.0)):(column("measured_peak_bytes") / 1024.0) \
         with points lt planner_lt(word(planners, pi)) title word(planners, pi), \
       x with lines lc rgb "#888888" dt 2 title "measured = simulated"

  set title "time (wall clock, see experiments/results/)"
  unset logscale
  set xrange [-0.1:*]
  set yrange [*:*]
  set xtics autofreq
  set ytics autofreq
  set xlabel "compute overhead, simulated (recompute / base FLOPs)"
  set ylabel "time overhead, measured (t / t_store_all - 1)"
  set key top left font ",7" samplen 1.5 spacing 0.9
  plot for [pi = 1:words(planners)] timing \
         using (sel(word(planners, pi), column("compute_overhead"))):"time_overhead" \
         with points lt planner_lt(word(planners, pi)) title word(planners, pi), \
       x with lines lc rgb "#888888" dt 2 title "time = compute"
  unset multiplot
  set output
}
