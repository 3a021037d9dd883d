// tbp: the tiny-backprop command line. Parses flags into protos and calls
// the library functions of cli/commands.h; nothing else happens here.
#include <cmath>
#include <limits>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/match.h"
#include "google/protobuf/descriptor.h"
#include "cli/commands.h"
#include "core/graph/generators.h"
#include "core/schedule/registry.h"
#include "core/io/proto_io.h"
#include "proto/generator.pb.h"
#include "proto/planner.pb.h"
#include "proto/schedule.pb.h"
#include "replay/replay_command.h"

// Common.
ABSL_FLAG(std::string, graph, "", "Graph file (.textproto/.pbtxt/.json/.pb/.binpb). "
          "[analyze, plan, simulate, bounds, replay]");
ABSL_FLAG(std::string, out, "", "Output file; format by extension. generate, import: the "
          "graph (required); plan: the schedule (optional).");
ABSL_FLAG(std::string, onnx, "", "[import] ONNX model file (.onnx).");
ABSL_FLAG(std::string, format, "text", "Report format: text or json.");

// generate.
ABSL_FLAG(std::string, spec, "", "[generate] A GeneratorSpec file (proto/generator.proto); "
          "the flags below override its fields when given.");
ABSL_FLAG(std::string, family, "", "[generate] chain, layered, random_dag, wide, unet, "
          "residual or transformer.");
ABSL_FLAG(uint64_t, seed, 0, "[generate] RNG seed. [replay] parameter seed (0 = 1).");
ABSL_FLAG(int64_t, nodes, 0, "[generate] COMPUTE nodes (chain, random_dag, wide).");
ABSL_FLAG(int64_t, layers, 0, "[generate] Layers (layered, transformer).");
ABSL_FLAG(int64_t, width, 0, "[generate] Nodes per layer (layered).");
ABSL_FLAG(double, edge_prob, -1, "[generate] Edge probability between layers (layered).");
ABSL_FLAG(double, skip_prob, -1, "[generate] Extra long-range input probability (layered).");
ABSL_FLAG(int64_t, fan_in, 0, "[generate] Inputs per node (random_dag).");
ABSL_FLAG(int64_t, window, 0, "[generate] Local parent window (random_dag).");
ABSL_FLAG(double, long_range_prob, -1, "[generate] Probability of a uniform long-range "
          "parent (random_dag).");
ABSL_FLAG(int64_t, wide_every, 0, "[generate] Every k-th node is wide (wide).");
ABSL_FLAG(int64_t, wide_factor, 0, "[generate] Size multiplier of wide nodes (wide).");
ABSL_FLAG(int64_t, depth, 0, "[generate] Encoder levels (unet).");
ABSL_FLAG(int64_t, blocks, 0, "[generate] Residual blocks (residual).");
ABSL_FLAG(int64_t, block_depth, 0, "[generate] Ops per residual block (residual).");
ABSL_FLAG(int64_t, batch, 0, "[generate] Batch size (transformer). [replay] rows of every "
          "tensor (default 1): width = output_bytes / (4 * batch). [import] binds the "
          "model's symbolic batch dimension, or re-batches a fixed-batch model (>= 1).");
ABSL_FLAG(int64_t, seq_len, 0, "[generate] Sequence length (transformer).");
ABSL_FLAG(int64_t, hidden, 0, "[generate] Hidden size (transformer).");
ABSL_FLAG(int64_t, heads, 0, "[generate] Attention heads (transformer).");
ABSL_FLAG(std::string, size_distribution, "", "[generate] constant, uniform or lognormal.");
ABSL_FLAG(int64_t, base_bytes, 0, "[generate] Base activation size in bytes (default 1).");
ABSL_FLAG(double, size_spread, 0, "[generate] uniform sizes in [base, spread * base].");
ABSL_FLAG(double, size_sigma, -1, "[generate] lognormal sigma.");
ABSL_FLAG(double, cost_per_byte, 0, "[generate] forward_cost per output byte (0: unit costs).");
ABSL_FLAG(double, backward_factor, 0, "[generate] backward_cost / forward_cost (0: 2).");

// plan, replay: --planner, --order and every planner knob are the fields
// of proto::PlannerOptions, read by ExtractPlannerFlags (not absl flags),
// so that the registry (core/schedule/registry.h) alone defines them.

// simulate, replay.
ABSL_FLAG(std::string, schedule, "", "[simulate, replay] Schedule file (proto/schedule.proto).");

// replay.
ABSL_FLAG(std::string, backend, "cpu", "[replay] cpu, or cuda (a --config=cuda build).");
ABSL_FLAG(int64_t, repeats, 1, "[replay] Timed runs of each schedule; the fastest is reported.");

namespace tbp {
namespace {

constexpr char kUsage[] =
    "tiny-backprop: memory-efficient backpropagation schedules.\n\n"
    "usage: tbp <subcommand> [flags]\n\n"
    "subcommands:\n"
    "  generate  --family=F [family flags] --out=FILE\n"
    "            Write a seeded synthetic graph (or --spec=GeneratorSpec file).\n"
    "  import    --onnx=MODEL.onnx [--batch=N] --out=FILE\n"
    "            Import an ONNX model: shapes by ONNX shape inference (--batch\n"
    "            binds the symbolic batch or re-batches a fixed one), bytes from\n"
    "            shape x dtype, FLOPs per operator, backward = 2 x forward\n"
    "            (docs/model.md).\n"
    "  analyze   --graph=FILE [--format=json]\n"
    "            Orders compared, frontier profile, height-compressibility\n"
    "            verdict, lower bounds and upper bounds.\n"
    "  plan      --graph=FILE --planner=NAME [--budget_bytes=N] [--order=O]\n"
    "            [--KNOB=VALUE ...] [--out=SCHEDULE_FILE] [--format=json]\n"
    "            Plan a schedule, judge it with the simulator, report.\n"
    "  simulate  --graph=FILE --schedule=FILE [--format=json]\n"
    "            Judge any schedule file (hand-written ones too).\n"
    "  bounds    --graph=FILE [--format=json]\n"
    "            Every lower bound on the peak memory, by name.\n"
    "  replay    --graph=FILE (--schedule=FILE | --planner=NAME [...])\n"
    "            --backend=cpu|cuda [--batch=N] [--format=json]\n"
    "            Execute the schedule on real tensors and compare with\n"
    "            store-all: measured vs simulated peak, time, gradients.\n\n"
    "Errors name the offending field and value and exit with status 1.\n\n"
    "--order: best (default), kahn, dfs, greedy, local_search, best_of_all (plan on\n"
    "each and keep the least recomputation within the budget) or as_given.\n";

absl::Status GeneratorFromFlags(proto::GeneratorSpec* spec) {
  const std::string spec_path = absl::GetFlag(FLAGS_spec);
  if (!spec_path.empty()) {
    if (absl::Status s = ReadProtoFile(spec_path, spec); !s.ok()) return s;
  }
  const std::string family = absl::GetFlag(FLAGS_family);
  if (!family.empty()) {
    absl::StatusOr<proto::Family> f = ParseFamily(family);
    if (!f.ok()) return absl::InvalidArgumentError(absl::StrCat("--family: ", f.status().message()));
    spec->set_family(*f);
  } else if (spec_path.empty()) {
    return absl::InvalidArgumentError("--family is missing (or give --spec)");
  }
  if (absl::GetFlag(FLAGS_seed) != 0) spec->set_seed(absl::GetFlag(FLAGS_seed));
#define TBP_INT_FLAG(name) \
  if (absl::GetFlag(FLAGS_##name) != 0) spec->set_##name(absl::GetFlag(FLAGS_##name));
  TBP_INT_FLAG(nodes) TBP_INT_FLAG(layers) TBP_INT_FLAG(width) TBP_INT_FLAG(fan_in)
  TBP_INT_FLAG(window) TBP_INT_FLAG(wide_every) TBP_INT_FLAG(wide_factor) TBP_INT_FLAG(depth)
  TBP_INT_FLAG(blocks) TBP_INT_FLAG(block_depth) TBP_INT_FLAG(batch) TBP_INT_FLAG(seq_len)
  TBP_INT_FLAG(hidden) TBP_INT_FLAG(heads) TBP_INT_FLAG(base_bytes)
  TBP_INT_FLAG(size_spread) TBP_INT_FLAG(cost_per_byte) TBP_INT_FLAG(backward_factor)
#undef TBP_INT_FLAG
  // Probabilities and sigma may legitimately be 0: -1 means "not given".
#define TBP_PROB_FLAG(name) \
  if (absl::GetFlag(FLAGS_##name) != -1) spec->set_##name(absl::GetFlag(FLAGS_##name));
  TBP_PROB_FLAG(edge_prob) TBP_PROB_FLAG(skip_prob) TBP_PROB_FLAG(long_range_prob)
  TBP_PROB_FLAG(size_sigma)
#undef TBP_PROB_FLAG
  const std::string dist = absl::GetFlag(FLAGS_size_distribution);
  if (dist == "constant") {
    spec->set_size_distribution(proto::SIZE_CONSTANT);
  } else if (dist == "uniform") {
    spec->set_size_distribution(proto::SIZE_UNIFORM);
  } else if (dist == "lognormal") {
    spec->set_size_distribution(proto::SIZE_LOGNORMAL);
  } else if (!dist.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--size_distribution = '", dist, "': must be constant, uniform or lognormal"));
  }
  return absl::OkStatus();
}

// The --FIELD=VALUE flags of proto::PlannerOptions fields, by field name.
using PlannerFlags = std::map<std::string, std::string>;

constexpr struct {
  const char* name;
  proto::OrderHeuristic order;
} kOrderNames[] = {{"best", proto::ORDER_BEST},     {"kahn", proto::ORDER_KAHN},
                   {"dfs", proto::ORDER_DFS},       {"greedy", proto::ORDER_GREEDY},
                   {"local_search", proto::ORDER_LOCAL_SEARCH},
                   {"as_given", proto::ORDER_AS_GIVEN},
                   {"best_of_all", proto::ORDER_BEST_OF_ALL}};

// Takes every --FIELD=VALUE (or --FIELD VALUE; a bool also --FIELD and
// --noFIELD) whose FIELD is a proto::PlannerOptions field out of argv, up
// to a "--", into *flags. Returns the rest for absl::ParseCommandLine.
absl::StatusOr<std::vector<char*>> ExtractPlannerFlags(int argc, char** argv,
                                                       PlannerFlags* flags) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Descriptor* d = proto::PlannerOptions::descriptor();
  std::vector<char*> rest = {argv[0]};
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.rfind("-", 0) != 0) {
      rest.push_back(argv[i]);
      continue;
    }
    std::string body = arg.substr(arg.rfind("--", 0) == 0 ? 2 : 1);
    const size_t eq = body.find('=');
    std::string name = body.substr(0, eq);
    bool negated = false;
    const FieldDescriptor* f = d->FindFieldByName(name);
    if (f == nullptr && absl::StartsWith(name, "no") && eq == std::string::npos) {
      f = d->FindFieldByName(name.substr(2));
      negated = f != nullptr && f->cpp_type() == FieldDescriptor::CPPTYPE_BOOL;
      if (!negated) f = nullptr;
    }
    if (f == nullptr) {
      rest.push_back(argv[i]);
      continue;
    }
    std::string value;
    if (eq != std::string::npos) {
      value = body.substr(eq + 1);
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_BOOL) {
      value = negated ? "false" : "true";
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
    }
    if (flags->count(f->name()) > 0) {
      return absl::InvalidArgumentError(absl::StrCat("--", f->name(), " is given twice"));
    }
    (*flags)[f->name()] = value;
  }
  for (; i < argc; ++i) rest.push_back(argv[i]);
  return rest;
}

// The planner options of the flags: --planner (required), --order (default
// best) and each other field, parsed by its type; out-of-range numbers are
// errors naming the flag, never wrapped. Which knobs a planner takes and
// their ranges is ValidatePlannerOptions' job.
absl::Status PlannerFromFlags(const PlannerFlags& flags, proto::PlannerOptions* o) {
  using google::protobuf::FieldDescriptor;
  auto planner = flags.find("planner");
  if (planner == flags.end() || planner->second.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--planner is missing: choose one of ", absl::StrJoin(PlannerNames(), ", ")));
  }
  const google::protobuf::Reflection* r = o->GetReflection();
  for (const auto& [name, value] : flags) {
    const FieldDescriptor* f = proto::PlannerOptions::descriptor()->FindFieldByName(name);
    if (name == "order") {
      bool found = false;
      for (const auto& n : kOrderNames) {
        if (value == n.name) {
          o->set_order(n.order);
          found = true;
        }
      }
      if (!found) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--order = '", value,
            "': must be best, kahn, dfs, greedy, local_search, best_of_all or as_given"));
      }
      continue;
    }
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        r->SetString(o, f, value);
        break;
      case FieldDescriptor::CPPTYPE_INT64: {
        int64_t v = 0;
        if (!absl::SimpleAtoi(value, &v)) {
          return absl::InvalidArgumentError(absl::StrCat(
              "--", name, " = '", value, "': not an integer in [-2^63, 2^63 - 1]"));
        }
        r->SetInt64(o, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        double v = 0;
        if (!absl::SimpleAtod(value, &v) || !std::isfinite(v)) {
          return absl::InvalidArgumentError(
              absl::StrCat("--", name, " = '", value, "': not a finite number"));
        }
        r->SetDouble(o, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        bool v = false;
        if (!absl::SimpleAtob(value, &v)) {
          return absl::InvalidArgumentError(
              absl::StrCat("--", name, " = '", value, "': must be true or false"));
        }
        r->SetBool(o, f, v);
        break;
      }
      default:
        return absl::InternalError(absl::StrCat("PlannerOptions.", name, ": unexpected type"));
    }
  }
  return absl::OkStatus();
}

// batch_given: whether --batch appeared on the command line (import tells
// --batch=0 from no --batch).
absl::StatusOr<std::string> Dispatch(const std::string& command, bool batch_given,
                                     const PlannerFlags& planner_flags) {
  absl::StatusOr<ReportFormat> format = ParseReportFormat(absl::GetFlag(FLAGS_format));
  if (!format.ok()) return format.status();
  if (command == "generate") {
    proto::GeneratorSpec spec;
    if (absl::Status s = GeneratorFromFlags(&spec); !s.ok()) return s;
    return RunGenerate(spec, absl::GetFlag(FLAGS_out));
  }
  if (command == "import") {
    return RunImport(absl::GetFlag(FLAGS_onnx), batch_given, absl::GetFlag(FLAGS_batch),
                     absl::GetFlag(FLAGS_out));
  }
  if (command != "analyze" && command != "plan" && command != "simulate" &&
      command != "bounds" && command != "replay") {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown subcommand '", command,
        "': use generate, import, analyze, plan, simulate, bounds or replay (tbp --help)"));
  }
  absl::StatusOr<Graph> graph = LoadGraph(absl::GetFlag(FLAGS_graph));
  if (!graph.ok()) return graph.status();
  if (command == "analyze") return RunAnalyze(*graph, *format);
  if (command == "bounds") return RunBounds(*graph, *format);
  if (command == "plan") {
    proto::PlannerOptions options;
    if (absl::Status s = PlannerFromFlags(planner_flags, &options); !s.ok()) return s;
    return RunPlan(*graph, options, absl::GetFlag(FLAGS_out), *format);
  }
  const std::string schedule_path = absl::GetFlag(FLAGS_schedule);
  if (command == "replay") {
    replay::ReplayCommandOptions options;
    options.backend = absl::GetFlag(FLAGS_backend);
    options.batch = absl::GetFlag(FLAGS_batch) == 0 ? 1 : absl::GetFlag(FLAGS_batch);
    options.seed = absl::GetFlag(FLAGS_seed) == 0 ? 1 : absl::GetFlag(FLAGS_seed);
    const int64_t repeats = absl::GetFlag(FLAGS_repeats);
    if (repeats < 1 || repeats > std::numeric_limits<int>::max()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--repeats = ", repeats, ": must be in [1, ", std::numeric_limits<int>::max(), "]"));
    }
    options.repeats = static_cast<int>(repeats);
    options.format = *format == ReportFormat::kJson ? replay::ReplayFormat::kJson
                                                    : replay::ReplayFormat::kText;
    const bool has_planner = planner_flags.count("planner") > 0;
    if (has_planner == !schedule_path.empty()) {
      return absl::InvalidArgumentError("give exactly one of --schedule and --planner");
    }
    if (has_planner) {
      proto::PlannerOptions planner;
      if (absl::Status s = PlannerFromFlags(planner_flags, &planner); !s.ok()) return s;
      return replay::RunReplayWithPlanner(*graph, planner, options);
    }
    proto::Schedule schedule;
    if (absl::Status s = ReadProtoFile(schedule_path, &schedule); !s.ok()) return s;
    return replay::RunReplayWithScheduleProto(*graph, schedule, options);
  }
  if (schedule_path.empty()) return absl::InvalidArgumentError("--schedule is missing");
  proto::Schedule schedule;
  if (absl::Status s = ReadProtoFile(schedule_path, &schedule); !s.ok()) return s;
  return RunSimulate(*graph, schedule, *format, absl::StrCat("schedule file '", schedule_path, "'"));
}

}  // namespace
}  // namespace tbp

int main(int argc, char** argv) {
  static const std::string* usage =
      new std::string(absl::StrCat(tbp::kUsage, "\n", tbp::PlannerUsage()));
  absl::SetProgramUsageMessage(*usage);
  bool batch_given = false;
  for (int i = 1; i < argc && std::string(argv[i]) != "--"; ++i) {
    const std::string arg = argv[i];
    for (const char* prefix : {"--batch", "-batch"}) {
      const std::string p = prefix;
      if (arg == p || arg.rfind(p + "=", 0) == 0) batch_given = true;
    }
  }
  tbp::PlannerFlags planner_flags;
  absl::StatusOr<std::vector<char*>> rest =
      tbp::ExtractPlannerFlags(argc, argv, &planner_flags);
  if (!rest.ok()) {
    std::fprintf(stderr, "tbp: error: %s\n", std::string(rest.status().message()).c_str());
    return 1;
  }
  std::vector<char*> args =
      absl::ParseCommandLine(static_cast<int>(rest->size()), rest->data());
  if (args.size() != 2) {
    std::fprintf(stderr, "%s\n\n%s\n", args.size() < 2 ? "tbp: missing subcommand"
                                                      : "tbp: too many arguments",
                 tbp::kUsage);
    return 2;
  }
  const std::string command = args[1];
  absl::StatusOr<std::string> out = tbp::Dispatch(command, batch_given, planner_flags);
  if (!out.ok()) {
    std::fprintf(stderr, "tbp %s: error: %s\n", command.c_str(),
                 std::string(out.status().message()).c_str());
    return 1;
  }
  std::fputs(out->c_str(), stdout);
  return 0;
}
