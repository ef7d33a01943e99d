// A bounded fuzzing driver for targets written for libFuzzer (LLVMFuzzerTestOneInput), so they
// run in every ctest with g++: seeds, then random inputs and mutations of the seeds from a fixed
// PRNG seed (reproducible), for a fixed number of iterations. Build the same targets with
// clang -fsanitize=fuzzer for open-ended fuzzing (tests/fuzz/README.md).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
// Each target provides typical valid inputs to mutate.
std::vector<std::string> FuzzSeeds();

int main(int argc, char** argv) {
  long iterations = argc > 1 ? std::atol(argv[1]) : 200000;
  std::mt19937_64 rng(0x7e1e3a17);
  auto seeds = FuzzSeeds();
  for (auto& s : seeds)
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  std::string input;
  for (long i = 0; i < iterations; ++i) {
    if (!seeds.empty() && rng() % 4 != 0) {
      input = seeds[rng() % seeds.size()];
      int edits = 1 + static_cast<int>(rng() % 8);
      for (int e = 0; e < edits; ++e) {
        size_t pos = input.empty() ? 0 : rng() % (input.size() + 1);
        switch (rng() % 4) {
          case 0: if (pos < input.size()) input[pos] ^= static_cast<char>(1 << (rng() % 8)); break;
          case 1: if (pos < input.size()) input.erase(pos, 1 + rng() % 8); break;
          case 2: input.insert(pos, 1, static_cast<char>(rng())); break;
          default: input.resize(pos); break;
        }
      }
    } else {
      input.resize(rng() % 512);
      for (auto& c : input) c = static_cast<char>(rng());
    }
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  }
  std::printf("%ld inputs, no crash\n", iterations + static_cast<long>(seeds.size()));
  return 0;
}
