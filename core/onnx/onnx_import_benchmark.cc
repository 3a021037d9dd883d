// ImportOnnxFile on the zoo (tools/zoo/): read, shape inference,
// costing, pruning and validation of a real model. Run from the workspace
// root: bazel run -c opt //core/onnx:onnx_import_benchmark
#include <string>

#include "benchmark/benchmark.h"
#include "core/onnx/onnx_import.h"

namespace tbp {
namespace {

void BM_ImportZooModel(benchmark::State& state, const std::string& model, int64_t batch) {
  OnnxImportOptions options;
  options.batch = batch;
  const std::string path = "tools/zoo/" + model + ".onnx";
  for (auto _ : state) {
    absl::StatusOr<proto::Graph> g = ImportOnnxFile(path, options);
    if (!g.ok()) {
      state.SkipWithError(std::string(g.status().message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(g);
  }
}

BENCHMARK_CAPTURE(BM_ImportZooModel, resnet50, "resnet50", 256)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ImportZooModel, mobilenet_v2, "mobilenet_v2", 512)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ImportZooModel, gpt2_small, "gpt2_small", 8)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tbp
