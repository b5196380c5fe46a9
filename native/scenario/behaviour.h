// What a scripted add-in answers, decided once for both C++ engines (the native mock add-in and
// the sample out-of-process add-in); the TypeScript mock (lib/backends/mock.ts) is their JS peer,
// and test/conformance/ holds all three to the same table. A host adds only what its platform
// does differently: how it waits, hangs and crashes, allocates the strings it hands out, logs.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "model.h"

namespace wsb::scenario {

// The QueryStatus answers of one operation, in order; the last one repeats. After Abort every
// answer is the script's statusAfter. Thread-safe: Abort may run while QueryStatus does.
class StatusSequence {
 public:
  explicit StatusSequence(const ComponentScript& script) : script_(script) {}
  StatusStep next();
  void abort();

 private:
  const ComponentScript& script_;  // owned by the scenario, which outlives every operation
  std::mutex mutex_;
  std::size_t next_ = 0;
  bool aborted_ = false;
};

// CheckConsistency: whether an async object is written, what the call returns, or a hang.
struct CheckAnswer {
  enum class Kind { kOperation, kNoOperation, kHang };
  Kind kind = Kind::kOperation;
  Hresult hresult = kOk;
};
CheckAnswer checkAnswer(const ComponentScript& script);

// OrderComponents: a hang; a failure or "any order" (NULL arrays, `kNull`); a permutation of the
// input positions; or the scripted list, whatever was passed. The interface sizes both output
// arrays by the input count, so a list is cut to `count` entries, and where it is shorter the
// missing entries are NULL (a broken add-in, which the caller must catch).
struct OrderAnswer {
  enum class Kind { kHang, kNull, kPermutation, kList };
  Kind kind = Kind::kNull;
  Hresult hresult = kOk;
  std::vector<std::size_t> permutation;   // kPermutation: input positions, in answer order
  std::vector<const ComponentRef*> list;  // kList: `count` entries owned by the scenario, or nullptr
};
// `names`: the `count` input names as UTF-8, or nullptr when the caller passed NULL arrays with
// a count (E_POINTER when the script needs them).
OrderAnswer orderAnswer(const ApplicationScript& app, std::size_t count, const std::vector<std::string>* names);

}  // namespace wsb::scenario
