#include "core/graph/name_index.h"

#include <cstring>

namespace tbp {

uint64_t NameIndex::Hash(absl::string_view s) {
  // 64-bit FNV-1a over 8-byte words, finished with a splitmix64 mix.
  uint64_t h = 0xcbf29ce484222325ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
  }
  uint64_t w = 0;
  std::memcpy(&w, s.data() + i, s.size() - i);
  h = (h ^ w) * 0x100000001b3ULL;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

void NameIndex::Reset(const std::vector<std::string>* names, size_t count) {
  names_ = names;
  size_t size = 16;
  while (size < 2 * count) size *= 2;
  slots_.assign(size, Slot{-1, 0});
  mask_ = size - 1;
}

int32_t NameIndex::Insert(int32_t id) {
  const std::string& name = (*names_)[id];
  const uint64_t h = Hash(name);
  const uint32_t tag = static_cast<uint32_t>(h >> 32);
  for (uint64_t s = h & mask_;; s = (s + 1) & mask_) {
    Slot& slot = slots_[s];
    if (slot.id < 0) {
      slot = Slot{id, tag};
      return -1;
    }
    if (slot.tag == tag && (*names_)[slot.id] == name) return slot.id;
  }
}

int32_t NameIndex::Find(absl::string_view name) const {
  if (slots_.empty()) return -1;
  const uint64_t h = Hash(name);
  const uint32_t tag = static_cast<uint32_t>(h >> 32);
  for (uint64_t s = h & mask_;; s = (s + 1) & mask_) {
    const Slot& slot = slots_[s];
    if (slot.id < 0) return -1;
    if (slot.tag == tag && absl::string_view((*names_)[slot.id]) == name) return slot.id;
  }
}

void NameIndex::Prefetch(absl::string_view name) const {
  if (!slots_.empty()) __builtin_prefetch(&slots_[Hash(name) & mask_]);
}

}  // namespace tbp
