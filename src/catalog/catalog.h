// Catalog: the definitions of schemas, tables, views and indexes, and their
// persistence (docs/formats/catalog.md).
//
// Model: copy-on-write snapshots. Readers take `snapshot()` (an immutable
// CatalogSnapshot shared by pointer) and bind a whole statement against it. DDL calls
// `update()` with an edit function: the edit runs on a private copy, the copy is
// written durably (temp file, fdatasync, rename, directory fsync), and only then
// published. Writers are serialised by a mutex; readers never block.
//
// Object ids (OIDs) are allocated from a counter starting at kFirstUserOid, as
// PostgreSQL does, and are never reused. Names are case-sensitive (the parser has
// already folded unquoted identifiers).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "io/file_system.h"
#include "types/type.h"

namespace strata::catalog {

using Oid = uint32_t;
inline constexpr Oid kFirstUserOid = 16384;
inline constexpr Oid kPublicNamespaceOid = 2200;
inline constexpr Oid kPgCatalogNamespaceOid = 11;
inline constexpr Oid kInformationSchemaNamespaceOid = 13000;

struct ColumnDef {
  std::string name;
  types::Type type;
  bool not_null = false;
  std::string default_sql;  // the DEFAULT expression's text; "" when none
  std::string comment;
};

struct CheckDef {
  std::string name;
  std::string expr_sql;
};

struct TableDef {
  Oid oid = 0;
  std::string schema = "public";
  std::string name;
  std::vector<ColumnDef> columns;
  std::vector<int32_t> primary_key;                 // column positions; empty when none
  std::vector<std::vector<int32_t>> unique_keys;    // UNIQUE constraints (besides the primary key)
  std::vector<CheckDef> checks;
  std::string comment;

  // Position of a column by name, or -1.
  int32_t column_index(std::string_view column) const;
};

struct ViewDef {
  Oid oid = 0;
  std::string schema = "public";
  std::string name;
  std::vector<std::string> column_names;  // output names (after the optional column list)
  std::vector<types::Type> column_types;
  std::string query_sql;                  // the defining query's text
  std::string comment;
};

struct IndexDef {
  Oid oid = 0;
  std::string schema = "public";
  std::string name;
  Oid table_oid = 0;
  std::vector<int32_t> columns;  // positions in the table; expression indexes keep their text
  std::vector<std::string> expression_sql;
  bool unique = false;
  bool primary = false;
};

// A typed stream over a Kafka topic (CREATE STREAM). Its rows are the topic's
// records decoded by `format` (src/formats/); the topic itself belongs to the log
// and outlives the stream (DROP STREAM leaves it).
struct StreamDef {
  Oid oid = 0;
  std::string schema = "public";
  std::string name;
  std::vector<ColumnDef> columns;  // default_sql is always empty (streams take no defaults)
  std::string topic;
  std::string format = "json";       // "json" | "csv" | "raw" (formats::parse_record_format)
  int32_t partitions = 1;            // asked at creation; the topic's own count is authoritative
  std::string watermark_column;      // "" when the stream has no watermark
  std::string watermark_sql;         // WATERMARK FOR col AS <this>, as written
  int64_t watermark_delay_us = 0;    // the watermark trails the column's maximum by this much
  int64_t allowed_lateness_us = 0;   // rows later than watermark - this are late
  std::string dead_letter_topic;     // where the streaming runtime puts rejected records
  std::string comment;

  int32_t column_index(std::string_view column) const;
  // The stream seen as a relation (same OID, schema, name and columns): how the
  // binder and executor read and insert into it.
  std::shared_ptr<const TableDef> as_table() const;
};

// A continuously maintained materialized view (CREATE MATERIALIZED VIEW) over a
// stream. Only the definition lives here; its state and result belong to the
// engine's streaming runtime (exec/view_maintainer.h) and its checkpoint files.
struct MaterializedViewDef {
  Oid oid = 0;
  std::string schema = "public";
  std::string name;
  std::vector<std::string> column_names;  // output names (after the optional column list)
  std::vector<types::Type> column_types;
  std::string query_sql;                  // the defining query's text
  Oid stream_oid = 0;                     // the stream it reads (DROP STREAM refuses while it exists)
  std::string comment;

  // The view seen as a relation (same OID, schema, name; its output columns):
  // how the binder and executor read its current result.
  std::shared_ptr<const TableDef> as_table() const;
};

// A sink (CREATE SINK): the changes of a materialized view's result written to a
// Kafka topic of the log (docs/streams.md, "Sinks"). Only the definition lives
// here; what it has emitted belongs to the streaming runtime (exec/view_sink.h)
// and its sink file. The topic belongs to the log and outlives the sink.
struct SinkDef {
  Oid oid = 0;
  std::string schema = "public";
  std::string name;
  Oid view_oid = 0;           // the materialized view it reads (DROP MATERIALIZED VIEW refuses while it exists)
  std::string topic;
  std::string format = "json";   // the record values' format (formats::RecordFormat; json today)
  std::string mode = "append";   // "append" | "upsert" | "changelog"
  int32_t partitions = 1;        // asked at creation; the topic's own count is authoritative
  std::string comment;
};

// An immutable version of the catalog.
struct CatalogSnapshot {
  uint64_t version = 0;
  Oid next_oid = kFirstUserOid;
  std::vector<std::string> schemas = {"public"};
  // Keyed by "schema.name".
  std::map<std::string, std::shared_ptr<const TableDef>> tables;
  std::map<std::string, std::shared_ptr<const ViewDef>> views;
  std::map<std::string, std::shared_ptr<const IndexDef>> indexes;
  std::map<std::string, std::shared_ptr<const StreamDef>> streams;
  std::map<std::string, std::shared_ptr<const MaterializedViewDef>> materialized_views;
  std::map<std::string, std::shared_ptr<const SinkDef>> sinks;  // their own namespace, not pg_class's

  static std::string key(std::string_view schema, std::string_view name);
  const TableDef* find_table(std::string_view schema, std::string_view name) const;
  const ViewDef* find_view(std::string_view schema, std::string_view name) const;
  const IndexDef* find_index(std::string_view schema, std::string_view name) const;
  const StreamDef* find_stream(std::string_view schema, std::string_view name) const;
  const StreamDef* find_stream_by_oid(Oid oid) const;
  const TableDef* find_table_by_oid(Oid oid) const;
  const MaterializedViewDef* find_materialized_view(std::string_view schema, std::string_view name) const;
  const MaterializedViewDef* find_materialized_view_by_oid(Oid oid) const;
  const SinkDef* find_sink(std::string_view schema, std::string_view name) const;
  bool has_schema(std::string_view schema) const;
  // Whether any table, view, index, stream or materialized view of that schema has this name (relations
  // share one namespace, as in PostgreSQL's pg_class).
  bool relation_exists(std::string_view schema, std::string_view name) const;
  Oid allocate_oid() { return next_oid++; }
};

class Catalog {
 public:
  // Opens (or creates) the catalog stored in `dir`. Corruption of the stored file
  // is reported, never silently reset.
  static Result<std::unique_ptr<Catalog>> open(io::FileSystem* fs, std::string dir);
  // An in-memory catalog that persists nothing (tests).
  static std::unique_ptr<Catalog> in_memory();

  std::shared_ptr<const CatalogSnapshot> snapshot() const;

  // Runs `edit` on a copy of the latest snapshot; when it returns ok the copy gets
  // the next version, is persisted, and becomes the latest snapshot. A failed edit
  // or a failed write changes nothing.
  Status update(const std::function<Status(CatalogSnapshot& next)>& edit);

 private:
  Catalog(io::FileSystem* fs, std::string dir) : fs_(fs), dir_(std::move(dir)) {}
  Status persist(const CatalogSnapshot& s);

  io::FileSystem* fs_;  // null: in memory
  std::string dir_;
  mutable std::mutex mu_;  // guards current_ and serialises update()
  std::shared_ptr<const CatalogSnapshot> current_;
};

// Encoding of a snapshot (docs/formats/catalog.md), exposed for tests. Writes the
// current format version; `decode_catalog` also reads every earlier version.
inline constexpr uint32_t kCatalogFormatVersion = 4;
std::vector<uint8_t> encode_catalog(const CatalogSnapshot& s);
Result<CatalogSnapshot> decode_catalog(std::span<const uint8_t> bytes);

}  // namespace strata::catalog
