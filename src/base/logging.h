// Structured logging: one logfmt line per event on stderr,
//   ts=2026-11-22T04:56:36.123Z level=info msg="listening" kafka=127.0.0.1:9092
// Keys are fixed identifiers; values are quoted when they contain spaces.
// Thread-safe; each line is written with a single write(2).
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

namespace strata::logging {

enum class Level : int { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

void set_level(Level level);
Level level();
bool parse_level(std::string_view name, Level* out);

// Writes one line. `fields` is already formatted as ` key=value ...`.
void write(Level level, std::string_view msg, std::string_view fields);

// Appends ` key=value` to `out`, quoting the value when needed.
void append_field(std::string* out, std::string_view key, std::string_view value);

template <class T>
void append_any(std::string* out, std::string_view key, const T& value) {
  if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    append_field(out, key, std::string_view(value));
  } else {
    append_field(out, key, fmt::format("{}", value));
  }
}

inline void append_pairs(std::string*) {}
template <class V, class... Rest>
void append_pairs(std::string* out, std::string_view key, const V& value, const Rest&... rest) {
  append_any(out, key, value);
  append_pairs(out, rest...);
}

// log(Level::kInfo, "listening", "port", 9092, "proto", "kafka")
template <class... KV>
void log(Level lvl, std::string_view msg, const KV&... kv) {
  if (static_cast<int>(lvl) < static_cast<int>(level())) return;
  std::string fields;
  append_pairs(&fields, kv...);
  write(lvl, msg, fields);
}

template <class... KV> void debug(std::string_view msg, const KV&... kv) { log(Level::kDebug, msg, kv...); }
template <class... KV> void info(std::string_view msg, const KV&... kv) { log(Level::kInfo, msg, kv...); }
template <class... KV> void warn(std::string_view msg, const KV&... kv) { log(Level::kWarn, msg, kv...); }
template <class... KV> void error(std::string_view msg, const KV&... kv) { log(Level::kError, msg, kv...); }

}  // namespace strata::logging
