#include "tests/fuzz/fuzz_lib.h"

#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "gtest/gtest.h"

namespace tbp {
namespace fuzz {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  int64_t out = 0;
  if (!absl::SimpleAtoi(v, &out) || out < 0) {
    std::fprintf(stderr, "%s = '%s': want an integer >= 0\n", name, v);
    std::abort();
  }
  return out;
}

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Uniform in [0, n) for n > 0 (modulo bias is irrelevant here).
size_t Below(std::mt19937_64& rng, size_t n) { return static_cast<size_t>(rng() % n); }
bool OneIn(std::mt19937_64& rng, int n) { return rng() % n == 0; }

const char* const kInterestingNumbers[] = {
    "0", "1", "-1", "2", "-0", "127", "128", "255", "256", "65535", "2147483647",
    "2147483648", "-2147483648", "4294967295", "4294967296", "4294967297",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "18446744073709551616",
    "1e308", "1e309", "-1e308", "1e-320", "nan", "inf", "-inf", "NaN", "0x7f",
    "4611686018427387904", "1.5", "0.5", "99999999999999999999999"};

const int64_t kInterestingInts[] = {0,
                                    1,
                                    -1,
                                    2,
                                    3,
                                    7,
                                    64,
                                    1000,
                                    std::numeric_limits<int32_t>::max(),
                                    int64_t{1} << 31,
                                    int64_t{1} << 32,
                                    int64_t{1} << 53,
                                    int64_t{1} << 61,
                                    int64_t{1} << 62,
                                    std::numeric_limits<int64_t>::max() / 4,
                                    std::numeric_limits<int64_t>::max() - 1,
                                    std::numeric_limits<int64_t>::max(),
                                    std::numeric_limits<int64_t>::min(),
                                    std::numeric_limits<int64_t>::min() + 1};

const double kInterestingDoubles[] = {0.0,
                                      -0.0,
                                      0.5,
                                      1.0,
                                      -1.0,
                                      2.0,
                                      1e-300,
                                      1e300,
                                      std::numeric_limits<double>::max(),
                                      std::numeric_limits<double>::denorm_min(),
                                      std::numeric_limits<double>::infinity(),
                                      -std::numeric_limits<double>::infinity(),
                                      std::numeric_limits<double>::quiet_NaN(),
                                      9.3e18,
                                      -9.3e18};

const char* const kInterestingStrings[] = {
    "", "x", "n1", "loss", "a b", "\xff\xfe", "\xc3\x28", "\xed\xa0\x80", "\xf4\x90\x80\x80",
    "caf\xc3\xa9", "n1.textproto", "g.pb", "g.json",
    "/nonexistent/dir/g.pb", "budget", "store_all", "periodic", "revolve", "interval_tree",
    "exact", "exhaustive", "rotor", "chen_greedy", "dtr", "mincut", "\"", "\\", "{", "}"};

void MutateOnce(std::string& s, const std::vector<std::string>& corpus,
                const std::vector<std::string>& dictionary, std::mt19937_64& rng) {
  const int kind = static_cast<int>(Below(rng, 11));
  switch (kind) {
    case 0:  // Flip a bit.
      if (!s.empty()) s[Below(rng, s.size())] ^= static_cast<char>(1u << Below(rng, 8));
      break;
    case 1: {  // Set an interesting byte.
      static const char kBytes[] = {0, '\xff', '\x7f', '\x80', '"', '{', '}', ':',
                                    ' ', '\n', '-', '9', '[', ']', ',', '\\', '#', '<'};
      if (!s.empty()) s[Below(rng, s.size())] = kBytes[Below(rng, sizeof(kBytes))];
      break;
    }
    case 2: {  // Insert random bytes.
      std::string ins(1 + Below(rng, 8), '\0');
      for (char& c : ins) c = static_cast<char>(rng());
      s.insert(Below(rng, s.size() + 1), ins);
      break;
    }
    case 3: {  // Delete a range.
      if (s.empty()) break;
      const size_t at = Below(rng, s.size());
      s.erase(at, 1 + Below(rng, std::min<size_t>(s.size() - at, 64)));
      break;
    }
    case 4: {  // Duplicate a range elsewhere.
      if (s.empty()) break;
      const size_t at = Below(rng, s.size());
      const std::string piece = s.substr(at, 1 + Below(rng, std::min<size_t>(s.size() - at, 256)));
      s.insert(Below(rng, s.size() + 1), piece);
      break;
    }
    case 5:  // Truncate.
      s.resize(Below(rng, s.size() + 1));
      break;
    case 6: {  // Splice: a prefix of this, a suffix of another.
      const std::string& other = corpus[Below(rng, corpus.size())];
      s = s.substr(0, Below(rng, s.size() + 1)) + other.substr(Below(rng, other.size() + 1));
      break;
    }
    case 7:  // Insert a dictionary token.
      if (!dictionary.empty()) {
        s.insert(Below(rng, s.size() + 1), dictionary[Below(rng, dictionary.size())]);
      }
      break;
    case 8: {  // Replace a run of digits with an interesting number.
      if (s.empty()) break;
      size_t at = s.find_first_of("0123456789", Below(rng, s.size()));
      if (at == std::string::npos) at = s.find_first_of("0123456789");
      if (at == std::string::npos) break;
      size_t end = at;
      while (end < s.size() && (std::isdigit(static_cast<unsigned char>(s[end])) || s[end] == '.'))
        ++end;
      size_t begin = at;
      if (begin > 0 && s[begin - 1] == '-') --begin;
      s.replace(begin, end - begin,
                kInterestingNumbers[Below(rng, sizeof(kInterestingNumbers) / sizeof(char*))]);
      break;
    }
    case 9: {  // Overwrite with random bytes.
      if (s.empty()) break;
      const size_t at = Below(rng, s.size());
      const size_t n = 1 + Below(rng, std::min<size_t>(s.size() - at, 8));
      for (size_t k = 0; k < n; ++k) s[at + k] = static_cast<char>(rng());
      break;
    }
    case 10: {  // Swap two bytes.
      if (s.size() < 2) break;
      std::swap(s[Below(rng, s.size())], s[Below(rng, s.size())]);
      break;
    }
  }
}

void CollectStrings(const Message& m, std::vector<std::string>* out) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f) && out->size() < 256; ++i) {
          out->push_back(r->GetRepeatedString(m, f, i));
        }
      } else {
        out->push_back(r->GetString(m, f));
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f) && out->size() < 256; ++i) {
          CollectStrings(r->GetRepeatedMessage(m, f, i), out);
        }
      } else {
        CollectStrings(r->GetMessage(m, f), out);
      }
    }
  }
}

int64_t PickInt(std::mt19937_64& rng, int64_t current) {
  switch (Below(rng, 4)) {
    case 0:
      return kInterestingInts[Below(rng, sizeof(kInterestingInts) / sizeof(int64_t))];
    case 1:
      return static_cast<int64_t>(Below(rng, 20)) - 2;
    case 2: {
      int64_t out;
      const int64_t delta = static_cast<int64_t>(Below(rng, 5)) - 2;
      if (__builtin_add_overflow(current, delta, &out)) return current;
      return out;
    }
    default:
      return static_cast<int64_t>(rng());
  }
}

double PickDouble(std::mt19937_64& rng) {
  if (OneIn(rng, 2)) {
    return kInterestingDoubles[Below(rng, sizeof(kInterestingDoubles) / sizeof(double))];
  }
  return static_cast<double>(Below(rng, 2001)) / 1000.0 - 0.5;
}

std::string PickString(std::mt19937_64& rng, const std::vector<std::string>& pool) {
  switch (Below(rng, 4)) {
    case 0:
    case 1:
      if (!pool.empty()) return pool[Below(rng, pool.size())];
      [[fallthrough]];
    case 2:
      if (Below(rng, 3) == 0) {
        return std::string(kInterestingStrings[Below(rng, sizeof(kInterestingStrings) /
                                                              sizeof(char*))]);
      }
      [[fallthrough]];
    default: {
      std::string s(Below(rng, 12), 'a');
      for (char& c : s) c = static_cast<char>(OneIn(rng, 8) ? rng() : 'a' + Below(rng, 26));
      return s;
    }
  }
}

// Sets scalar field f (singular, or element `index` of a repeated one; -1
// appends) to a random interesting value.
void SetScalar(Message* m, const FieldDescriptor* f, int index, std::mt19937_64& rng,
               const std::vector<std::string>& pool) {
  const Reflection* r = m->GetReflection();
  const bool rep = f->is_repeated();
  const bool add = rep && index < 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      const int32_t cur = rep ? (add ? 0 : r->GetRepeatedInt32(*m, f, index)) : r->GetInt32(*m, f);
      const int64_t v = PickInt(rng, cur);
      const int32_t w = static_cast<int32_t>(static_cast<uint64_t>(v));
      add ? r->AddInt32(m, f, w) : rep ? r->SetRepeatedInt32(m, f, index, w) : r->SetInt32(m, f, w);
      break;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      const int64_t cur = rep ? (add ? 0 : r->GetRepeatedInt64(*m, f, index)) : r->GetInt64(*m, f);
      const int64_t v = PickInt(rng, cur);
      add ? r->AddInt64(m, f, v) : rep ? r->SetRepeatedInt64(m, f, index, v) : r->SetInt64(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      const uint32_t v = static_cast<uint32_t>(PickInt(rng, 0));
      add ? r->AddUInt32(m, f, v)
          : rep ? r->SetRepeatedUInt32(m, f, index, v) : r->SetUInt32(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      const uint64_t v = static_cast<uint64_t>(PickInt(rng, 0));
      add ? r->AddUInt64(m, f, v)
          : rep ? r->SetRepeatedUInt64(m, f, index, v) : r->SetUInt64(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      const double v = PickDouble(rng);
      add ? r->AddDouble(m, f, v)
          : rep ? r->SetRepeatedDouble(m, f, index, v) : r->SetDouble(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      const float v = static_cast<float>(PickDouble(rng));
      add ? r->AddFloat(m, f, v) : rep ? r->SetRepeatedFloat(m, f, index, v) : r->SetFloat(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      const bool v = OneIn(rng, 2);
      add ? r->AddBool(m, f, v) : rep ? r->SetRepeatedBool(m, f, index, v) : r->SetBool(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      // Open (proto3) enums keep unknown numbers; closed ones only declared.
      const auto* e = f->enum_type();
      int v = e->value(static_cast<int>(Below(rng, e->value_count())))->number();
      const bool open = f->file()->syntax() == google::protobuf::FileDescriptor::SYNTAX_PROTO3;
      if (open && OneIn(rng, 4)) v = static_cast<int>(PickInt(rng, v));
      add ? r->AddEnumValue(m, f, v)
          : rep ? r->SetRepeatedEnumValue(m, f, index, v) : r->SetEnumValue(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v = PickString(rng, pool);
      add ? r->AddString(m, f, v)
          : rep ? r->SetRepeatedString(m, f, index, v) : r->SetString(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
}

void MutateField(Message* m, std::mt19937_64& rng, const std::vector<std::string>& pool,
                 int depth) {
  const google::protobuf::Descriptor* d = m->GetDescriptor();
  const Reflection* r = m->GetReflection();
  if (d->field_count() == 0) return;
  // Prefer fields that are set, so mutations land where the data is.
  std::vector<const FieldDescriptor*> set;
  r->ListFields(*m, &set);
  const FieldDescriptor* f = (!set.empty() && !OneIn(rng, 4))
                                 ? set[Below(rng, set.size())]
                                 : d->field(static_cast<int>(Below(rng, d->field_count())));
  const bool is_msg = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
  if (f->is_repeated()) {
    const int size = r->FieldSize(*m, f);
    const int op = static_cast<int>(Below(rng, 6));
    if (op == 0 && size > 0) {  // Remove the last (after moving a random one there).
      r->SwapElements(m, f, static_cast<int>(Below(rng, size)), size - 1);
      r->RemoveLast(m, f);
    } else if (op == 1 && size > 1) {
      r->SwapElements(m, f, static_cast<int>(Below(rng, size)), static_cast<int>(Below(rng, size)));
    } else if (op == 2 && size > 0 && is_msg && size < 4096) {  // Duplicate an element.
      const Message& src = r->GetRepeatedMessage(*m, f, static_cast<int>(Below(rng, size)));
      std::unique_ptr<Message> copy(src.New());
      copy->CopyFrom(src);
      Message* added = r->AddMessage(m, f);
      added->CopyFrom(*copy);
      if (depth < 4 && OneIn(rng, 2)) MutateField(added, rng, pool, depth + 1);
    } else if (op == 3 && size < 4096) {  // Append.
      if (is_msg) {
        Message* added = r->AddMessage(m, f);
        if (depth < 4) MutateField(added, rng, pool, depth + 1);
      } else {
        SetScalar(m, f, -1, rng, pool);
      }
    } else if (op == 4 && size > 0) {
      r->ClearField(m, f);
    } else if (size > 0) {  // Mutate an element.
      const int i = static_cast<int>(Below(rng, size));
      if (is_msg) {
        if (depth < 4) MutateField(r->MutableRepeatedMessage(m, f, i), rng, pool, depth + 1);
      } else {
        SetScalar(m, f, i, rng, pool);
      }
    }
    return;
  }
  if (is_msg) {
    if (OneIn(rng, 8)) {
      r->ClearField(m, f);
    } else if (depth < 4) {
      MutateField(r->MutableMessage(m, f), rng, pool, depth + 1);
    }
    return;
  }
  if (OneIn(rng, 8)) {
    r->ClearField(m, f);
  } else {
    SetScalar(m, f, 0, rng, pool);  // singular: the index is unused
  }
}

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace

FuzzConfig ConfigFromEnv(int64_t default_runs) {
  FuzzConfig c;
  c.runs = EnvInt("TBP_FUZZ_RUNS", default_runs);
  c.seed = static_cast<uint64_t>(EnvInt("TBP_FUZZ_SEED", 1));
  c.start = EnvInt("TBP_FUZZ_START", 0);
  const char* v = std::getenv("TBP_FUZZ_MAX_EXEC_S");
  if (v != nullptr && *v != '\0' && (!absl::SimpleAtod(v, &c.max_exec_s) || !(c.max_exec_s > 0))) {
    std::fprintf(stderr, "TBP_FUZZ_MAX_EXEC_S = '%s': want a number > 0\n", v);
    std::abort();
  }
  return c;
}

std::mt19937_64 RngFor(uint64_t seed, int64_t index) {
  return std::mt19937_64(SplitMix(SplitMix(seed) ^ static_cast<uint64_t>(index)));
}

std::string MutateBytes(const std::string& input, const std::vector<std::string>& corpus,
                        const std::vector<std::string>& dictionary, std::mt19937_64& rng,
                        size_t max_bytes) {
  std::string s = input;
  const int n = 1 << Below(rng, 5);  // 1, 2, 4, 8 or 16
  for (int k = 0; k < n; ++k) MutateOnce(s, corpus, dictionary, rng);
  if (s.size() > max_bytes) s.resize(max_bytes);
  return s;
}

void MutateMessage(google::protobuf::Message* message, std::mt19937_64& rng) {
  std::vector<std::string> pool;
  CollectStrings(*message, &pool);
  const int n = 1 << Below(rng, 4);  // 1, 2, 4 or 8
  for (int k = 0; k < n; ++k) MutateField(message, rng, pool, 0);
}

FuzzStats RunFuzzLoop(const std::string& name, const FuzzConfig& config,
                      const std::function<std::string(int64_t, std::mt19937_64&)>& make_input,
                      const std::function<Verdict(const std::string&)>& target) {
  using Clock = std::chrono::steady_clock;
  FuzzStats stats;
  const auto begin = Clock::now();
  const int64_t progress_every = std::max<int64_t>(config.runs / 10, 1);
  // TBP_FUZZ_PRINT=1 prints each input before running it: what a crash
  // (no gtest failure to report it) was fed.
  const char* print_env = std::getenv("TBP_FUZZ_PRINT");
  const bool print = print_env != nullptr && std::string(print_env) == "1";
  for (int64_t k = 0; k < config.runs; ++k) {
    const int64_t index = config.start + k;
    std::mt19937_64 rng = RngFor(config.seed, index);
    const std::string input = make_input(index, rng);
    if (print) {
      std::fprintf(stderr, "fuzz %s: execution %lld: \"%s\"\n", name.c_str(),
                   static_cast<long long>(index), Escape(input).c_str());
    }
    // CPU time of this thread, not wall time: on a shared machine a slow
    // wall clock is not a hang, and a hang burns CPU (a blocked one meets
    // the test's timeout instead).
    const double t0 = ThreadCpuSeconds();
    const Verdict verdict = target(input);
    const double exec_s = ThreadCpuSeconds() - t0;
    ++stats.executions;
    (verdict == Verdict::kAccepted ? stats.accepted : stats.rejected)++;
    if (exec_s > stats.slowest_s) {
      stats.slowest_s = exec_s;
      stats.slowest_index = index;
    }
    if (exec_s > config.max_exec_s) {
      ADD_FAILURE() << "fuzz " << name << ": execution " << index << " took " << exec_s
                    << " s of CPU (limit TBP_FUZZ_MAX_EXEC_S = " << config.max_exec_s << ")";
    }
    if (::testing::Test::HasFailure()) {
      ADD_FAILURE() << "fuzz " << name << ": failed at execution " << index
                    << "; reproduce with TBP_FUZZ_SEED=" << config.seed
                    << " TBP_FUZZ_START=" << index << " TBP_FUZZ_RUNS=1; input ("
                    << input.size() << " bytes): \"" << Escape(input) << "\"";
      break;
    }
    if (config.runs >= 100000 && (k + 1) % progress_every == 0) {
      std::fprintf(stderr, "fuzz %s: %lld / %lld\n", name.c_str(), static_cast<long long>(k + 1),
                   static_cast<long long>(config.runs));
    }
  }
  stats.wall_s = std::chrono::duration<double>(Clock::now() - begin).count();
  std::printf(
      "fuzz %s: executions=%lld accepted=%lld rejected=%lld seed=%llu start=%lld wall_s=%.1f "
      "slowest_cpu_ms=%.2f (execution %lld)\n",
      name.c_str(), static_cast<long long>(stats.executions),
      static_cast<long long>(stats.accepted), static_cast<long long>(stats.rejected),
      static_cast<unsigned long long>(config.seed), static_cast<long long>(config.start),
      stats.wall_s, stats.slowest_s * 1e3, static_cast<long long>(stats.slowest_index));
  std::fflush(stdout);
  return stats;
}

std::string ReadTestFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read test file '%s'\n", path.c_str());
    std::abort();
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Escape(const std::string& s, size_t max_bytes) {
  std::string out = absl::CEscape(s.substr(0, max_bytes));
  if (s.size() > max_bytes) out += "...";
  return out;
}

bool IsValidUtf8(const std::string& s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

}  // namespace fuzz
}  // namespace tbp
