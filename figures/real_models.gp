# Real models (real_models): memory vs recomputation of every planner on
# each model of the ONNX zoo at its anchor batch, one panel per model
# (experiments/specs/real_models.textproto). x: simulated peak memory /
# store-all peak (log); y: total compute relative to store-all, 1 +
# overhead. The budget planner's dense curve (every breakpoint of its DP)
# is a line; knob sweeps of the other planners are points. The dashed
# lines mark the goal: peak <= 1/4 of store-all at <= 1.3x compute (the
# lower-left box). A run above y_max is an arrow at the top edge in its
# planner's colour (off scale). Input: `data`, real_models_results.csv.
load style
models = "resnet50 vgg16 vgg19 mobilenet_v2 unet gpt2_small"
point_planners = "store_all periodic periodic_k revolve interval_tree interval_tree_b budget"
# The spec's labels for the knob sweeps, spelled out in the key.
key_title(p) = p eq "periodic" ? "periodic (sqrt n)" : \
    p eq "periodic_k" ? "periodic, segment 2..32" : \
    p eq "interval_tree_b" ? "interval_tree, block 2..32" : p
# The sweeps share their planner's colour, with an open marker.
lt_of(p) = p eq "periodic_k" ? 2 : p eq "interval_tree_b" ? 5 : planner_lt(p)
pt_of(p) = p eq "periodic_k" ? 8 : p eq "interval_tree_b" ? 12 : planner_lt(p) == 1 ? 5 : \
    planner_lt(p) == 2 ? 9 : planner_lt(p) == 3 ? 7 : planner_lt(p) == 4 ? 13 : 11
y_max = 1.75
sel(m, p, v) = (strcol("model") eq m && strcol("planner_label") eq p && strcol("status") eq "ok") ? v : NaN
compute(m) = 1 + column("compute_overhead")
# The off-scale arrows: one pass over the model's runs, coloured by planner;
# a run on scale is sent far left of the x range (never drawn), so the pass
# always has points and gnuplot does not warn.
on_panel(m) = strcol("model") eq m && strcol("status") eq "ok" && \
    strstrt(" " . point_planners . " ", " " . strcol("planner_label") . " ") > 0
off_scale(m) = !on_panel(m) ? NaN : compute(m) > y_max ? column("peak_over_store_all") : 1e-30

height = 5.0
bottom = 0.75 / height
do for [fmt in "pdf svg"] {
  eval (fmt eq "pdf" ? start_pdf(7.0, height) : start_svg(7.0, height))
  set multiplot layout 2,3 margins 0.08,0.99,bottom,1 - 0.5 / height spacing 0.06,0.55 / height \
      title sprintf("Real models: peak memory vs recomputation (simulated); arrows: compute > %gx, off scale", y_max) font ",10"
  unset key
  set logscale x
  set xrange [0.05:1.1]
  set yrange [0.95:y_max]
  set xtics (0.05, 0.1, 0.25, 0.5, 1)
  set format x "%g"
  set format y "%g"
  set arrow 1 from 0.25, graph 0 to 0.25, graph 1 nohead dt 2 lc rgb "#888888" back
  set arrow 2 from graph 0, first 1.3 to graph 1, first 1.3 nohead dt 2 lc rgb "#888888" back
  do for [mi = 1:words(models)] {
    m = word(models, mi)
    set title m offset 0, -0.7 font ",9"
    set xlabel (mi > 3 ? "peak / store-all peak" : "") offset 0, 0.4
    set ylabel ((mi - 1) % 3 == 0 ? "compute / store-all" : "")
    plot data using (sel(m, "budget_curve", column("peak_over_store_all"))):(compute(m)) \
           with lines lt 6, \
         for [p in point_planners] data \
           using (sel(m, p, column("peak_over_store_all"))):(compute(m)) \
           with points lt lt_of(p) pt pt_of(p), \
         data using (off_scale(m)):(0.93 * y_max):(0):(0.06 * y_max):(lt_of(strcol("planner_label"))) \
           with vectors head filled size screen 0.008,25 lc variable lw 1.2
  }
  unset arrow 1
  unset arrow 2
  # The key: a strip of its own below the panels.
  eval key_strip(0.45 * bottom)
  set key center center horizontal maxrows 2 samplen 2 font ",8"
  plot NaN with lines lt 6 title "budget (dense curve)", \
       for [p in point_planners] NaN with points lt lt_of(p) pt pt_of(p) title key_title(p)
  unset multiplot
  eval end_key_strip
  set output
}
