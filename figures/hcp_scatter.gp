# When does tiny-backprop's default schedule save memory? (random_dags)
# x: peak frontier of the best order / all activation bytes (log); y:
# simulated peak of the interval-tree schedule / store-all peak (log); one
# point per graph, coloured by the height-compressibility (HCP) verdict.
# The dashed line is the HCP frontier threshold 1/16.
# Input: `data`, the merged random_dags CSV.
load style
sel(c, v) = (column("valid") == 1 && column("compressible") == c) ? v : NaN

do for [fmt in "pdf svg"] {
  eval (fmt eq "pdf" ? start_pdf(4.5, 3.2) : start_svg(4.5, 3.2))
  set logscale xy
  set format x "%g"
  set format y "%g"
  set xlabel "peak frontier of the best order / all activations"
  set ylabel "interval-tree peak / store-all peak"
  set yrange [*:1]
  set key bottom right font ",8"
  set title "Memory kept vs frontier width, one point per graph" font ",10"
  set arrow 1 from first 1.0/16, graph 0 to first 1.0/16, graph 1 nohead lc rgb "#888888" dt 2
  plot data using (sel(1, column("frontier_fraction"))):"memory_ratio" with points lt 4 pt 7 ps 0.5 \
         title "HCP: compressible", \
       data using (sel(0, column("frontier_fraction"))):"memory_ratio" with points lt 6 pt 9 ps 0.6 \
         title "HCP: not compressible"
  unset arrow 1
  set output
}
