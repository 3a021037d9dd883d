// Portable, seeded values for the replay's inputs and parameters.
//
// Every value is a pure function of (seed, tag, node, index, element): a
// splitmix64 finalizer over 64-bit integers, then the top 24 bits as an
// exact float in [-1, 1) (u = k * 2^-23 - 1, k < 2^24, exact in binary32),
// then one float multiply by the tensor's scale. No <random>, no libm, so
// the CPU and the CUDA backend (which includes this header in its kernels)
// produce the same bits on every platform.
//
// Plain C++ with no dependencies: compiled by nvcc as well.
#ifndef TBP_REPLAY_INIT_H_
#define TBP_REPLAY_INIT_H_

#include <cstdint>

#if defined(__CUDACC__)
#define TBP_HOST_DEVICE __host__ __device__
#else
#define TBP_HOST_DEVICE
#endif

namespace tbp {
namespace replay {

// What a value stream is for (part of the key).
enum InitTag : uint64_t {
  kInitInput = 1,   // INPUT node data, [batch, width].
  kInitWeight = 2,  // W of (consumer, term), [width_in, width_out].
  kInitBias = 3,    // b of a COMPUTE node, [width].
};

// splitmix64's finalizer (Steele, Lea, Flood 2014).
TBP_HOST_DEVICE inline uint64_t Mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The key of one tensor's value stream.
TBP_HOST_DEVICE inline uint64_t InitKey(uint64_t seed, uint64_t tag, uint64_t node,
                                        uint64_t index) {
  return Mix64(Mix64(Mix64(Mix64(seed) ^ tag) ^ node) ^ index);
}

// Element `i` of the stream `key`: uniform on [-1, 1) with 24-bit
// resolution, exact.
TBP_HOST_DEVICE inline float HashUniform(uint64_t key, uint64_t i) {
  const uint64_t h = Mix64(key + i * 0xd1b54a32d192ed03ULL);
  const float k = static_cast<float>(static_cast<uint32_t>(h >> 40));  // < 2^24: exact.
  return k * (1.0f / 8388608.0f) - 1.0f;  // Both steps exact (power-of-two scale).
}

}  // namespace replay
}  // namespace tbp

#endif  // TBP_REPLAY_INIT_H_
