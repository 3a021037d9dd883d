"""Hermetic, sharded experiment runs (docs/design.md section 7).

experiment_results(name, binary, spec, num_shards) runs an experiment binary
on a spec as `num_shards` independent Bazel actions (shard k runs the graph
instances i with i % num_shards == k; each action is cached on its own and
could run on a remote-execution service unchanged), then merges the shards
into <name>.csv and <name>.json. The merged bytes do not depend on
num_shards: the merge sorts every record back into the spec's expansion
order. Progress of each shard goes to a log that is printed in full on
failure; on success Bazel shows its last line.
"""

def experiment_results(name, binary, spec, num_shards = 1, data = [], **kwargs):
    """Declares <name>_shard<k> genrules and the merging genrule <name>.

    Args:
      name: target name; outputs <name>.csv and <name>.json.
      binary: the experiment binary (e.g. ":compare_checkpointing").
      spec: the ExperimentSpec file (e.g. "specs/compare_checkpointing.textproto").
      num_shards: number of actions the sweep is split into.
      data: graph files the spec reads (GraphSource.graph_file).
      **kwargs: passed to every genrule (tags, visibility, testonly).
    """
    shard_outs = []
    for k in range(num_shards):
        out = "%s.shard%d_of_%d.pb" % (name, k, num_shards)
        shard_outs.append(out)
        native.genrule(
            name = "%s_shard%d" % (name, k),
            srcs = [spec] + data,
            outs = [out],
            tools = [binary],
            cmd = ("log=$$(mktemp); " +
                   "if ! $(execpath {binary}) --spec=$(execpath {spec}) --out=$@ " +
                   "--shard_index={k} --num_shards={n} 2> $$log; then " +
                   "cat $$log >&2; rm -f $$log; exit 1; fi; " +
                   "tail -n 1 $$log >&2; rm -f $$log").format(
                binary = binary,
                spec = spec,
                k = k,
                n = num_shards,
            ),
            message = "Running experiment %s (shard %d of %d)" % (name, k + 1, num_shards),
            **kwargs
        )
    native.genrule(
        name = name,
        srcs = shard_outs,
        outs = [name + ".csv", name + ".json"],
        tools = ["//experiments:merge_results"],
        cmd = ("$(execpath //experiments:merge_results) --csv=$(execpath {csv}) " +
               "--out=$(execpath {json}) $(SRCS)").format(
            csv = name + ".csv",
            json = name + ".json",
        ),
        message = "Merging experiment %s" % name,
        **kwargs
    )
