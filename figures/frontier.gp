# Frontier profiles of the best order (frontier_profiles): the bytes that
# cross each cut, relative to all activations, for a graph that compresses
# and graphs that do not. The dashed line is the HCP frontier criterion
# (peak <= 1/16 of all activations, core/analysis/hcp.h).
# Input: `data`, the merged frontier_profiles CSV.
load style
graphs = "residual transformer random_dense unet"
verdict(c) = c > 0.5 ? "compressible" : "not compressible"
sel(g, v) = strcol("graph_label") eq g ? v : NaN

# Per graph: its verdict and size (before any log axis: stats obeys ranges).
array compressible[words(graphs)]
array nodes[words(graphs)]
do for [gi = 1:words(graphs)] {
  stats data using (sel(word(graphs, gi), column("compressible"))) nooutput
  compressible[gi] = STATS_max
  stats data using (sel(word(graphs, gi), column("compute_nodes"))) nooutput
  nodes[gi] = STATS_max
}

do for [fmt in "pdf svg"] {
  eval (fmt eq "pdf" ? start_pdf(6.5, 4.2) : start_svg(6.5, 4.2))
  set multiplot layout 2,2 margins 0.1,0.98,0.1,0.86 spacing 0.08,0.14 \
      title "Frontier width along the best order" font ",10"
  set logscale y
  set format y "%g"
  set yrange [1e-4:1]
  set xrange [0:1]
  do for [gi = 1:words(graphs)] {
    g = word(graphs, gi)
    c = compressible[gi]
    n = nodes[gi]
    set title sprintf("%s (n = %d): %s", g, n, verdict(c))
    set xlabel (gi > 2 ? "cut position / n" : "")
    set ylabel ((gi % 2) == 1 ? "cut bytes / all activations" : "") offset 1,0
    plot data using (sel(g, column("cut_fraction"))):"width_fraction" with steps \
           lt (c > 0.5 ? 4 : 6) notitle, \
         1.0/16 with lines lc rgb "#888888" dt 2 notitle
  }
  unset multiplot
  set output
}
