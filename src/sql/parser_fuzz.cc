// Fuzzes the SQL lexer and parser: any bytes must give a tree or a 42601/54001-style
// error, never a crash, a stack overflow or unbounded time. Checks on the way:
// statement spans lie inside the input, error positions inside it, the debug
// printer walks every tree, and re-parsing one statement's own source text gives
// the same tree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sql/lexer.h"
#include "sql/parser.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_error(std::string_view text, const strata::Status& s) {
  check(!s.ok());
  check(s.sqlstate().size() == 5);
  check(s.position() >= 0 && s.position() <= strata::sql::char_position(text, static_cast<int32_t>(text.size())));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto stmts = strata::sql::parse_sql(text);
  if (!stmts.ok()) {
    check_error(text, stmts.status());
  } else {
    for (const auto& s : *stmts) {
      check(s->source_begin >= 0 && s->source_begin <= s->source_end &&
            static_cast<size_t>(s->source_end) <= text.size());
      std::string printed = strata::sql::to_debug_string(*s);
      auto again = strata::sql::parse_sql(s->source_text(text));
      if (again.ok()) {
        check(again->size() == 1);
        check(strata::sql::to_debug_string(*again->front()) == printed);
      }
    }
  }
  auto e = strata::sql::parse_expression(text);
  if (e.ok()) {
    (void)strata::sql::to_debug_string(**e);
  } else {
    check_error(text, e.status());
  }
  auto t = strata::sql::parse_type_name(text);
  if (!t.ok()) check_error(text, t.status());
  return 0;
}
