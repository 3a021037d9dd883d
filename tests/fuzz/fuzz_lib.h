// A deterministic, seeded mutation fuzzer that runs under gtest (so it is
// hermetic with this offline Bazel; no libFuzzer, no coverage feedback).
//
// Each execution i derives its own generator from (seed, i), picks a seed
// input from the corpus and applies a stack of mutations: byte mutations
// (bit flips, interesting bytes, inserts, deletes, duplicated ranges,
// truncation, splicing with another corpus entry, dictionary tokens,
// interesting numbers in place of digit runs) or, for protobuf inputs,
// structure-aware ones (MutateMessage: a random field set to an interesting
// value, repeated fields grown, shrunk, swapped, strings borrowed from other
// fields so that names still resolve). Execution i is reproducible alone:
//   TBP_FUZZ_SEED=<seed> TBP_FUZZ_START=<i> TBP_FUZZ_RUNS=1
//
// Environment (all optional):
//   TBP_FUZZ_RUNS        executions per target (default: the target's CI
//                        slice, a few seconds)
//   TBP_FUZZ_SEED        the seed (default 1)
//   TBP_FUZZ_START       index of the first execution (default 0)
//   TBP_FUZZ_MAX_EXEC_S  one execution taking more CPU seconds than this
//                        is a failure, a hang (default 10)
//   TBP_FUZZ_PRINT       1: print each input (escaped) before running it,
//                        to see what a crash was fed
// tests/fuzz/run_long.sh runs every target with TBP_FUZZ_RUNS=1000000.
#ifndef TBP_TESTS_FUZZ_FUZZ_LIB_H_
#define TBP_TESTS_FUZZ_FUZZ_LIB_H_

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "google/protobuf/message.h"

namespace tbp {
namespace fuzz {

struct FuzzConfig {
  int64_t runs = 0;
  uint64_t seed = 1;
  int64_t start = 0;
  double max_exec_s = 10.0;
};

// The configuration from the environment; `default_runs` when TBP_FUZZ_RUNS
// is unset. Aborts on a malformed variable (a test-harness error).
FuzzConfig ConfigFromEnv(int64_t default_runs);

// The generator of execution `index` under `seed` (SplitMix64 of both).
std::mt19937_64 RngFor(uint64_t seed, int64_t index);

// Byte-level mutation of `input`: 1 to 16 stacked mutations, `corpus` for
// splicing, `dictionary` for token inserts. The result is at most
// max_bytes long.
std::string MutateBytes(const std::string& input, const std::vector<std::string>& corpus,
                        const std::vector<std::string>& dictionary, std::mt19937_64& rng,
                        size_t max_bytes = 1 << 16);

// Structure-aware mutation of `message` in place: 1 to 8 stacked field
// mutations through reflection (nested messages included).
void MutateMessage(google::protobuf::Message* message, std::mt19937_64& rng);

// What one execution concluded; the loop counts them.
enum class Verdict { kAccepted, kRejected };

struct FuzzStats {
  int64_t executions = 0;
  int64_t accepted = 0;
  int64_t rejected = 0;
  double wall_s = 0;
  double slowest_s = 0;  // CPU seconds of the slowest execution
  int64_t slowest_index = -1;
};

// Runs `target` on config.runs inputs, make_input(index, rng) building
// each one. After an execution that records a gtest failure, prints the
// index and the input (escaped, first 2 KiB) and stops. Prints one summary
// line "fuzz <name>: executions=... accepted=... rejected=... seed=...
// wall_s=... slowest_cpu_ms=..." (tests/fuzz/run_long.sh collects these).
FuzzStats RunFuzzLoop(const std::string& name, const FuzzConfig& config,
                      const std::function<std::string(int64_t, std::mt19937_64&)>& make_input,
                      const std::function<Verdict(const std::string&)>& target);

// The whole file at `path` (relative to the runfiles root in a test);
// aborts if it cannot be read (a harness error).
std::string ReadTestFile(const std::string& path);

// C-style escaping of the first `max_bytes` of `s`, for failure messages.
std::string Escape(const std::string& s, size_t max_bytes = 2048);

// Whether `s` is well-formed UTF-8 (no overlongs, surrogates or code points
// above U+10FFFF): an independent check of what the loaders must enforce.
bool IsValidUtf8(const std::string& s);

}  // namespace fuzz
}  // namespace tbp

#endif  // TBP_TESTS_FUZZ_FUZZ_LIB_H_
