#include "exec/hash_table.h"

namespace strata::exec {

using types::Batch;
using types::Type;

namespace {

std::vector<Type> select_types(const std::vector<Type>& types, const std::vector<int>& cols) {
  std::vector<Type> out;
  for (int c : cols) out.push_back(types.at(c));
  return out;
}

}  // namespace

GroupHashTable::GroupHashTable(const std::vector<Type>& input_types, std::vector<int> key_cols)
    : key_cols_(std::move(key_cols)), keys_(select_types(input_types, key_cols_)) {
  for (size_t i = 0; i < key_cols_.size(); ++i) identity_cols_.push_back(static_cast<int>(i));
  equal_stored_ = RowEquality(key_cols_, input_types, identity_cols_, keys_.types(), true);
  equal_batch_ = RowEquality(key_cols_, input_types, key_cols_, input_types, true);
  slots_.assign(1024, Slot{0, kNoGroup});
  mask_ = slots_.size() - 1;
}

void GroupHashTable::clear() {
  keys_.clear();
  slots_.assign(1024, Slot{0, kNoGroup});
  slots_.shrink_to_fit();
  mask_ = slots_.size() - 1;
  group_count_ = 0;
}

void GroupHashTable::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{0, kNoGroup});
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.group == kNoGroup) continue;
    size_t i = s.hash & mask_;
    while (slots_[i].group != kNoGroup) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

void GroupHashTable::find_or_insert(const Batch& batch, const uint64_t* hashes, uint32_t* groups, bool insert,
                                    uint8_t* is_new) {
  // Groups created by this batch are appended to keys_ at the end; until then they
  // are compared against their first row in `batch`.
  const size_t stored = keys_.rows();
  std::vector<uint32_t> new_rows;
  for (size_t r = 0; r < batch.rows; ++r) {
    if (is_new != nullptr) is_new[r] = 0;
    if (insert && (group_count_ + 1) * 2 > slots_.size()) grow();
    uint64_t h = hashes[r];
    size_t i = h & mask_;
    uint32_t found = kNoGroup;
    while (true) {
      const Slot& s = slots_[i];
      if (s.group == kNoGroup) break;
      if (s.hash == h) {
        bool eq = s.group < stored
                      ? equal_stored_.equal(batch, r, keys_.chunk_of(s.group), RowStore::offset_of(s.group))
                      : equal_batch_.equal(batch, r, batch, new_rows[s.group - stored]);
        if (eq) {
          found = s.group;
          break;
        }
      }
      i = (i + 1) & mask_;
    }
    if (found == kNoGroup && insert) {
      found = static_cast<uint32_t>(group_count_++);
      STRATA_ASSERT(found != kNoGroup, "GroupHashTable: too many groups");
      slots_[i] = Slot{h, found};
      new_rows.push_back(static_cast<uint32_t>(r));
      if (is_new != nullptr) is_new[r] = 1;
    }
    groups[r] = found;
  }
  if (!new_rows.empty()) keys_.append_columns_selected(batch, key_cols_, new_rows.data(), new_rows.size());
}

}  // namespace strata::exec
