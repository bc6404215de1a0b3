#include "columnar/zone_predicate.h"

#include "columnar/part_format.h"

namespace strata::columnar {
namespace {

using types::Type;
using types::TypeId;

// compare_values() gives a meaningful order for these pairs only.
bool comparable(const Type& column, const Type& value) {
  if (column.is_numeric() && value.is_numeric()) return true;
  if (column.id() == TypeId::kChar || value.id() == TypeId::kChar) return column.id() == value.id();
  if (column.is_character() && value.is_character()) return true;
  return column.id() == value.id();
}

}  // namespace

bool zone_may_match(const ZoneMap& zone, CompareOp op, const types::Value& value) {
  const bool all_null = zone.null_count >= zone.row_count;
  switch (op) {
    case CompareOp::kIsNull: return zone.null_count > 0;
    case CompareOp::kIsNotNull: return !all_null;
    default: break;
  }
  if (value.is_null() || all_null) return false;
  if (!zone.has_min_max || zone.min.is_null() || zone.max.is_null()) return true;
  if (!comparable(zone.min.type(), value.type())) return true;
  const int lo = types::compare_values(zone.min, value);  // min <=> value
  const int hi = types::compare_values(zone.max, value);  // max <=> value
  switch (op) {
    case CompareOp::kEq: return lo <= 0 && hi >= 0;
    case CompareOp::kLt: return lo < 0;
    case CompareOp::kLe: return lo <= 0;
    case CompareOp::kGt: return hi > 0;
    case CompareOp::kGe: return hi >= 0;
    default: return true;
  }
}

std::string compare_op_name(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
    case CompareOp::kIsNull: return "IS NULL";
    case CompareOp::kIsNotNull: return "IS NOT NULL";
  }
  return "?";
}

std::string_view encoding_name(Encoding e) {
  switch (e) {
    case Encoding::kPlain: return "plain";
    case Encoding::kDictionary: return "dictionary";
    case Encoding::kRunLength: return "run-length";
    case Encoding::kDelta: return "delta";
    case Encoding::kFrameOfReference: return "frame-of-reference";
  }
  return "unknown";
}

std::string_view compression_name(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kLz4: return "lz4";
    case Compression::kZstd: return "zstd";
  }
  return "unknown";
}

}  // namespace strata::columnar
