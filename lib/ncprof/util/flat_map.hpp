#pragma once
// An open-addressing hash map from 64-bit keys to small values, for the hot
// loops of profile aggregation (call edges, tree children): one flat array,
// no node per entry. The key ~0 is reserved as "empty".
#include <cstdint>
#include <utility>
#include <vector>

namespace ncprof::util {

template <class T>
class FlatMap64 {
 public:
  static constexpr std::uint64_t kEmpty = ~0ull;

  explicit FlatMap64(std::size_t expected = 16) { rehash(capacity_for(expected)); }

  // The value for key, default-constructed when new; `inserted` says which.
  T& get(std::uint64_t key, bool& inserted) {
    if ((size_ + 1) * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
    std::size_t i = slot_of(key);
    inserted = slots_[i].first == kEmpty;
    if (inserted) {
      slots_[i].first = key;
      slots_[i].second = T{};
      ++size_;
    }
    return slots_[i].second;
  }

  const T* find(std::uint64_t key) const {
    const std::size_t i = slot_of(key);
    return slots_[i].first == kEmpty ? nullptr : &slots_[i].second;
  }

  std::size_t size() const { return size_; }

  // Calls fn(key, value) for every entry, in no particular order.
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (const auto& [k, v] : slots_) {
      if (k != kEmpty) fn(k, v);
    }
  }

 private:
  static std::size_t capacity_for(std::size_t n) {
    std::size_t c = 16;
    while (c * 3 < n * 4) c *= 2;
    return c;
  }
  static std::uint64_t mix(std::uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return k;
  }
  std::size_t slot_of(std::uint64_t key) const {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = static_cast<std::size_t>(mix(key)) & mask;
    while (slots_[i].first != kEmpty && slots_[i].first != key) i = (i + 1) & mask;
    return i;
  }
  void rehash(std::size_t capacity) {
    std::vector<std::pair<std::uint64_t, T>> old(capacity, {kEmpty, T{}});
    old.swap(slots_);
    for (auto& [k, v] : old) {
      if (k != kEmpty) slots_[slot_of(k)] = {k, std::move(v)};
    }
  }

  std::vector<std::pair<std::uint64_t, T>> slots_;
  std::size_t size_ = 0;
};

}  // namespace ncprof::util
