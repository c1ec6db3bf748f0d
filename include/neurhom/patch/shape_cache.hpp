#pragma once
// The per-shape state of the patch solvers (matrix pattern, symbolic factorization, the factor
// object), least recently used out first.
//
// Patches of one shape (size and the faces they touch: Patch::shape_key, BoxPatch::shape_key)
// share the nonzero pattern, so the symbolic analysis is done once per shape. A 3D mesh has up
// to 5^3 = 125 shapes at ell = 2, and the factor of a full h/H = 1/8 patch holds several
// hundred MB: keeping every shape ran a 16^3 mesh on 2 ranks past 12 GB within its first 10 % of
// the patches. The patches are visited in natural cell order (x fastest), so the shapes in use
// at any time are those of one row of cells (at most 5): a capacity of 8 keeps the reuse and
// bounds the memory.
#include <cstddef>
#include <list>
#include <string>
#include <utility>

namespace neurhom {

template <class Shape>
class ShapeCache {
 public:
  explicit ShapeCache(std::size_t capacity = 8) : capacity_(capacity < 1 ? 1 : capacity) {}
  // The entry of `key`, default-constructed if absent; creating one beyond the capacity
  // destroys the least recently used entry. References stay valid until their entry is evicted.
  Shape& get(const std::string& key) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
      if (it->first == key) {
        entries_.splice(entries_.begin(), entries_, it);
        return entries_.front().second;
      }
    entries_.emplace_front(std::piecewise_construct, std::forward_as_tuple(key), std::forward_as_tuple());
    while (entries_.size() > capacity_) entries_.pop_back();
    return entries_.front().second;
  }
  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  std::size_t capacity_;
  std::list<std::pair<std::string, Shape>> entries_;  // most recently used first
};

}  // namespace neurhom
