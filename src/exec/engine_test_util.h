// Test helper shared by the Session-level tests (engine_test.cc, parallel_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "exec/engine.h"
#include "types/cast.h"

namespace strata::exec {

// Runs every statement of `sql`; returns the last result's rows as "a|b" lines
// (NULL as "NULL"). A failed statement fails the test and gives no rows.
inline std::vector<std::string> result_lines(Session& session, std::string_view sql) {
  auto r = session.execute_all(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().to_string();
  std::vector<std::string> out;
  if (!r.ok() || r->empty()) return out;
  for (const auto& b : r->back().batches) {
    for (size_t i = 0; i < b.rows; ++i) {
      std::string line;
      for (size_t c = 0; c < b.columns.size(); ++c) {
        if (c) line += "|";
        line += b.columns[c].is_null(i) ? "NULL" : types::format_value(b.columns[c].get_value(i));
      }
      out.push_back(line);
    }
  }
  return out;
}

}  // namespace strata::exec
