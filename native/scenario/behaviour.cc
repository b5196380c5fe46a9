#include "behaviour.h"

#include <algorithm>

namespace wsb::scenario {

StatusStep StatusSequence::next() {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (aborted_) return StatusStep{StatusStep::Kind::kStatus, script_.abort.statusAfter, 0};
  const auto& steps = script_.statuses;
  return steps[std::min(next_++, steps.size() - 1)];
}

void StatusSequence::abort() {
  const std::lock_guard<std::mutex> lock(mutex_);
  aborted_ = true;
}

CheckAnswer checkAnswer(const ComponentScript& script) {
  switch (script.check) {
    case ComponentScript::Check::kHang: return {CheckAnswer::Kind::kHang, kOk};
    case ComponentScript::Check::kNoAsync: return {CheckAnswer::Kind::kNoOperation, kOk};
    case ComponentScript::Check::kFail:
      return {script.checkOperation ? CheckAnswer::Kind::kOperation : CheckAnswer::Kind::kNoOperation, script.checkHresult};
    case ComponentScript::Check::kAsync: break;
  }
  return {CheckAnswer::Kind::kOperation, kOk};
}

OrderAnswer orderAnswer(const ApplicationScript& app, std::size_t count, const std::vector<std::string>* names) {
  const OrderScript& script = app.orderComponents;
  OrderAnswer answer;
  switch (script.kind) {
    case OrderScript::Kind::kHang: answer.kind = OrderAnswer::Kind::kHang; return answer;
    case OrderScript::Kind::kFail: answer.hresult = script.hresult; return answer;
    case OrderScript::Kind::kAny: return answer;
    case OrderScript::Kind::kReturns:
      answer.kind = OrderAnswer::Kind::kList;
      for (std::size_t i = 0; i < count; ++i) answer.list.push_back(i < script.returns.size() ? &script.returns[i] : nullptr);
      return answer;
    case OrderScript::Kind::kOrder: break;
  }
  if (names == nullptr) {
    answer.hresult = kNullPointer;
    return answer;
  }
  // Listed names first, in list order; the others in input order (a stable sort).
  const auto& wanted = script.order;
  std::vector<std::size_t> rank(names->size());
  answer.permutation.resize(names->size());
  for (std::size_t i = 0; i < names->size(); ++i) {
    rank[i] = static_cast<std::size_t>(std::find(wanted.begin(), wanted.end(), (*names)[i]) - wanted.begin());
    answer.permutation[i] = i;
  }
  std::stable_sort(answer.permutation.begin(), answer.permutation.end(), [&](std::size_t a, std::size_t b) { return rank[a] < rank[b]; });
  answer.kind = OrderAnswer::Kind::kPermutation;
  return answer;
}

}  // namespace wsb::scenario
