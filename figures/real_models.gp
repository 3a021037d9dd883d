# Real models (real_models): memory vs recomputation of every planner on
# each model of the ONNX zoo at its anchor batch, one panel per model
# (experiments/specs/real_models.textproto). x: simulated peak memory /
# store-all peak (log); y: total compute relative to store-all, 1 +
# overhead. The budget planner's dense curve (every breakpoint of its DP)
# is a line; knob sweeps of the other planners are points. The dashed
# lines mark the goal: peak <= 1/4 of store-all at <= 1.3x compute (the
# lower-left box). Input: `data`, real_models_results.csv.
load style
models = "resnet50 vgg16 vgg19 mobilenet_v2 unet gpt2_small"
point_planners = "store_all periodic periodic_k revolve interval_tree interval_tree_b budget"
planner_lt(p) = p eq "store_all" ? 1 : p[1:8] eq "periodic" ? 2 : p eq "revolve" ? 3 : \
    p eq "interval_tree" ? 4 : p eq "interval_tree_b" ? 5 : 6
planner_pt(p) = p eq "periodic_k" ? 8 : p eq "interval_tree_b" ? 12 : -1
sel(m, p, v) = (strcol("model") eq m && strcol("planner_label") eq p && strcol("status") eq "ok") ? v : NaN

do for [fmt in "pdf svg"] {
  eval (fmt eq "pdf" ? start_pdf(7.0, 4.6) : start_svg(7.0, 4.6))
  set multiplot layout 2,3 margins 0.08,0.99,0.09,0.93 spacing 0.06,0.09 \
      title "Real models: peak memory vs recomputation (simulated)" font ",10"
  set logscale x
  set xrange [0.05:1.1]
  set yrange [0.95:1.75]
  set xtics (0.05, 0.1, 0.25, 0.5, 1)
  set format x "%g"
  set format y "%g"
  do for [mi = 1:words(models)] {
    m = word(models, mi)
    set label 1 m at graph 0.04, graph 0.92 left front font ",9"
    set xlabel (mi > 3 ? "peak / store-all peak" : "")
    set ylabel ((mi - 1) % 3 == 0 ? "compute / store-all" : "")
    if (mi == 2) {
      set key at graph 0.03, graph 0.86 left top samplen 1.2 spacing 0.85 font ",6" opaque box lc rgb "#cccccc"
    } else {
      unset key
    }
    set arrow 1 from 0.25, graph 0 to 0.25, graph 1 nohead dt 2 lc rgb "#888888" back
    set arrow 2 from graph 0, first 1.3 to graph 1, first 1.3 nohead dt 2 lc rgb "#888888" back
    plot data using (sel(m, "budget_curve", column("peak_over_store_all"))):(1 + column("compute_overhead")) \
           with lines lt 6 title "budget (curve)", \
         for [p in point_planners] data \
           using (sel(m, p, column("peak_over_store_all"))):(1 + column("compute_overhead")) \
           with points lt planner_lt(p) pt (planner_pt(p) > 0 ? planner_pt(p) : planner_lt(p) == 1 ? 5 : planner_lt(p) == 2 ? 9 : planner_lt(p) == 3 ? 7 : planner_lt(p) == 4 ? 13 : 11) title p
  }
  unset multiplot
  unset label 1
  unset arrow 1
  unset arrow 2
  set output
}
