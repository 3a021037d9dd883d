"""gnuplot figures as Bazel targets (docs/design.md section 7).

gnuplot_figure(name, script, data) declares
  :<name>_render  a genrule rendering <name>.pdf (for the paper) and
                  <name>.svg (for the README) from `script` and the result
                  files in `data`, byte-reproducibly (render.sh);
  :<name>         an sh_binary: `bazel run //figures:<name>` rebuilds the
                  figure if its inputs changed and copies both files into
                  the source tree, figures/out/<name>.{pdf,svg}.
"""

def gnuplot_figure(name, script, data):
    """Declares the render genrule and the install binary of one figure.

    Args:
      name: figure name; outputs <name>.pdf and <name>.svg.
      script: the gnuplot script (loads `style`, reads the variables).
      data: dict from gnuplot variable name to the label of one file.
    """
    pdf = name + ".pdf"
    svg = name + ".svg"
    variables = " ".join([
        "%s=$(location %s)" % (var, label)
        for var, label in sorted(data.items())
    ])
    native.genrule(
        name = name + "_render",
        srcs = [script, "//figures:style.gp"] + [data[k] for k in sorted(data.keys())],
        outs = [pdf, svg],
        tools = ["//figures:render.sh"],
        cmd = ("$(location //figures:render.sh) $(location {script}) " +
               "$(location //figures:style.gp) $(location {pdf}) $(location {svg}) " +
               "{variables}").format(
            script = script,
            pdf = pdf,
            svg = svg,
            variables = variables,
        ),
        message = "Rendering figure " + name,
    )
    native.sh_binary(
        name = name,
        srcs = ["//figures:install.sh"],
        args = ["figures/out", "$(rootpath :%s)" % pdf, "$(rootpath :%s)" % svg],
        data = [":" + pdf, ":" + svg],
    )
