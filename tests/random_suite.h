// Seeded random graphs across every generator family, small enough for
// property tests: RandomSuiteSpec(i) is the i-th spec of the suite
// (deterministic), cycling through the families and size distributions.
#ifndef TBP_TESTS_RANDOM_SUITE_H_
#define TBP_TESTS_RANDOM_SUITE_H_

#include <cstdint>
#include <string>

#include "proto/generator.pb.h"
#include "proto/graph.pb.h"

namespace tbp {

// `max_nodes` bounds the COMPUTE nodes roughly (families with fixed block
// structure may exceed it by a block).
proto::GeneratorSpec RandomSuiteSpec(int64_t index, int64_t max_nodes);

// What a failing property test prints: suite index, seed, family, spec and
// the graph as text.
std::string DescribeSuiteGraph(int64_t index, const proto::GeneratorSpec& spec,
                               const proto::Graph& graph);

}  // namespace tbp

#endif  // TBP_TESTS_RANDOM_SUITE_H_
