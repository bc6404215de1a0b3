// JoinKind: the join semantics HashJoin and NestedLoopJoin implement, and the output
// columns each kind produces.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "types/type.h"

namespace strata::exec {

// "Outer" and "probe/left" refer to the first child, "build/right" to the second.
//   kInner  matching pairs
//   kLeft   matching pairs + left rows without a match (right columns NULL)
//   kRight  matching pairs + right rows without a match (left columns NULL)
//   kFull   both
//   kSemi   left rows with at least one match (EXISTS, IN), once each
//   kAnti   left rows without a match (NOT EXISTS)
//   kMark   every left row plus a boolean: TRUE with a match, FALSE without, NULL
//           when there is no match but one could exist if NULLs took values (x IN
//           (subquery) semantics)
enum class JoinKind : uint8_t { kInner, kLeft, kRight, kFull, kSemi, kAnti, kMark };

inline std::string_view join_kind_name(JoinKind k) {
  switch (k) {
    case JoinKind::kInner: return "Inner";
    case JoinKind::kLeft: return "Left";
    case JoinKind::kRight: return "Right";
    case JoinKind::kFull: return "Full";
    case JoinKind::kSemi: return "Semi";
    case JoinKind::kAnti: return "Anti";
    case JoinKind::kMark: return "Mark";
  }
  return "?";
}

// Inner/left/right/full: left ++ right; semi/anti: left; mark: left ++ boolean.
inline std::vector<types::Type> join_output_types(JoinKind k, const std::vector<types::Type>& left,
                                                  const std::vector<types::Type>& right) {
  std::vector<types::Type> out = left;
  if (k == JoinKind::kSemi || k == JoinKind::kAnti) return out;
  if (k == JoinKind::kMark) {
    out.push_back(types::Type::boolean());
    return out;
  }
  out.insert(out.end(), right.begin(), right.end());
  return out;
}

// Whether the kind emits matched pairs / unmatched left rows / unmatched right rows.
inline bool join_emits_pairs(JoinKind k) {
  return k == JoinKind::kInner || k == JoinKind::kLeft || k == JoinKind::kRight || k == JoinKind::kFull;
}
inline bool join_keeps_left(JoinKind k) { return k == JoinKind::kLeft || k == JoinKind::kFull; }
inline bool join_keeps_right(JoinKind k) { return k == JoinKind::kRight || k == JoinKind::kFull; }

}  // namespace strata::exec
