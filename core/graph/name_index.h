// A compact name -> node id index for graphs of millions of nodes.
//
// Open addressing over 8-byte slots {id, 32-bit hash tag}, linear probing,
// load factor <= 1/2. A lookup touches one slot line and then the candidate
// name (usually a recent node, so cache-hot), instead of the three scattered
// lines of a general hash map keyed by string: graph loading is bound by
// memory latency (core/graph/graph_benchmark.cc).
#ifndef TBP_CORE_GRAPH_NAME_INDEX_H_
#define TBP_CORE_GRAPH_NAME_INDEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace tbp {

class NameIndex {
 public:
  // Reserves room for `count` names; `names` must outlive the index and not
  // move (it is read on every lookup).
  void Reset(const std::vector<std::string>* names, size_t count);

  // After the names vector moved (its strings did not): read it from here.
  void Rebind(const std::vector<std::string>* names) { names_ = names; }

  // Inserts names[id]; returns the id already holding that name, or -1.
  int32_t Insert(int32_t id);

  // The id whose name is `name`, or -1.
  int32_t Find(absl::string_view name) const;

  // Prefetches the slot `name` would probe first.
  void Prefetch(absl::string_view name) const;

 private:
  struct Slot {
    int32_t id;     // -1 = empty.
    uint32_t tag;   // High half of the hash.
  };
  static uint64_t Hash(absl::string_view s);

  const std::vector<std::string>* names_ = nullptr;
  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
};

}  // namespace tbp

#endif  // TBP_CORE_GRAPH_NAME_INDEX_H_
