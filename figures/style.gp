# Shared style of every figure (loaded by each figures/*.gp script).
# Each script is called by figures/defs.bzl as
#   gnuplot -e "style='figures/style.gp'" -e "<input>='...'" \
#           -e "pdf_out='...'" -e "svg_out='...'" figures/<name>.gp
# and draws the figure twice: PDF (the paper) and SVG (the README).
set datafile separator ","
# A filtered-out row (a `using` expression returning NaN) counts as missing,
# so lines join the selected rows across the rows in between. Empty CSV
# fields (values that do not exist, results_csv.h) are missing too.
set datafile missing NaN
set termoption noenhanced
# Grid, border and tics (a string, so that end_key_strip can restore them).
style_axes = "set grid back lc rgb '#dddddd' lw 0.5; set border 31 lc rgb '#444444'; set tics nomirror out scale 0.6"
eval style_axes
set key noautotitle

# Planners: one colour and point type each, everywhere.
set linetype 1 lc rgb "#000000" pt 5  ps 0.8 lw 1.5   # store_all
set linetype 2 lc rgb "#e69f00" pt 9  ps 0.8 lw 1.5   # periodic
set linetype 3 lc rgb "#0072b2" pt 7  ps 0.6 lw 1.5   # revolve
set linetype 4 lc rgb "#009e73" pt 13 ps 0.8 lw 1.5   # interval_tree
set linetype 5 lc rgb "#56b4e9" pt 12 ps 0.8 lw 1.0   # interval_tree (arity sweep)
set linetype 6 lc rgb "#d55e00" pt 11 ps 0.8 lw 1.5   # budget
set linetype 7 lc rgb "#cc79a7" pt 6  ps 0.8 lw 1.5   # exhaustive / other
set linetype 8 lc rgb "#666666" pt 3  ps 0.6 lw 1.0   # analysis steps
set linetype 9  lc rgb "#7f3c8d" pt 8  ps 0.7 lw 1.2   # rotor
set linetype 10 lc rgb "#8c6d31" pt 4  ps 0.7 lw 1.2   # chen_greedy
set linetype 11 lc rgb "#e7298a" pt 1  ps 0.7 lw 1.2   # dtr
set linetype 12 lc rgb "#1b9e77" pt 2  ps 0.7 lw 1.2   # mincut
set linetype 13 lc rgb "#a6761d" pt 14 ps 0.7 lw 1.2   # checkmate_lp
set linetype 14 lc rgb "#3b3b98" pt 15 ps 0.7 lw 1.2   # checkmate_milp
# The linetype of a planner (or sweep label), the same in every figure.
planner_lt(p) = p eq "store_all" ? 1 : p eq "periodic" ? 2 : p eq "revolve" ? 3 : \
    p eq "interval_tree" ? 4 : p eq "interval_tree_arity" ? 5 : p eq "rotor" ? 9 : \
    p eq "chen_greedy" ? 10 : p eq "dtr" ? 11 : p eq "mincut" ? 12 : \
    p eq "checkmate_lp" ? 13 : p eq "checkmate_milp" ? 14 : 6

# start_pdf(w, h) / start_svg(w, h): the terminal command (eval it), size in inches.
font_spec = "Helvetica,9"
# Labels are plain text (noenhanced): "store_all" must not become a subscript.
start_pdf(w, h) = sprintf("set terminal pdfcairo noenhanced size %fin,%fin font '%s' linewidth 1; set output '%s'", w, h, font_spec, pdf_out)
start_svg(w, h) = sprintf("set terminal svg noenhanced size %d,%d font '%s' linewidth 1 background rgb 'white'; set output '%s'", int(w * 96), int(h * 96), font_spec, svg_out)
# `gnuplot -e "preview=1" ...` writes a PNG to pdf_out instead (quick looks).
if (exists("preview")) {
  start_pdf(w, h) = sprintf("set terminal pngcairo noenhanced size %d,%d font '%s' linewidth 1; set output '%s'", int(w * 110), int(h * 110), font_spec, pdf_out)
}

# A key in a strip of its own below a multiplot's panels: `eval
# key_strip(top)` makes the next plot that strip (screen 0 up to `top`, no
# axes, ranges [0:1]; the caller sets the key and plots NaN per entry), and
# `eval end_key_strip` afterwards restores what it unset, so that the
# second pass of a script (the SVG) draws its panels as the first did.
key_strip(top) = sprintf("set lmargin at screen 0.08; set rmargin at screen 0.99; set bmargin at screen 0; set tmargin at screen %.6f; unset title; unset xtics; unset ytics; unset xlabel; unset ylabel; unset border; unset grid; unset logscale xy; set offsets 0, 0, 0, 0; set xrange [0:1]; set yrange [0:1]", top)
end_key_strip = "set lmargin -1; set rmargin -1; set bmargin -1; set tmargin -1; set xtics; set ytics; " . style_axes
