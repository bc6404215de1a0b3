#include "catalog/catalog.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/bytes.h"
#include "base/crc32c.h"

namespace strata::catalog {

namespace {

constexpr uint32_t kMagic = 0x53544341;  // "STCA"
// Version 1 had no streams section; it is read as a catalog without streams.
// Version 2 had no materialized views section; read as a catalog without them.
// Version 3 had no sinks section; read as a catalog without sinks.
constexpr uint32_t kFirstFormatVersion = 1;
constexpr uint64_t kMaxCatalogBytes = 256ull << 20;
const char* kFileName = "catalog.bin";

void put_string(ByteWriter& w, std::string_view s) {
  w.uvarint(s.size());
  w.string(s);
}

std::string get_string(ByteReader& r) {
  uint64_t n = r.uvarint64();
  if (n > r.remaining()) {
    r.fail();
    return {};
  }
  return std::string(r.string_view(n));
}

void put_type(ByteWriter& w, const types::Type& t) {
  w.u8(static_cast<uint8_t>(t.id()));
  w.varint(t.precision());
  w.varint(t.scale());
}

types::Type get_type(ByteReader& r) {
  uint8_t id = r.u8();
  int32_t p = static_cast<int32_t>(r.varint64());
  int32_t s = static_cast<int32_t>(r.varint64());
  if (id > static_cast<uint8_t>(types::TypeId::kJsonb)) {
    r.fail();
    return types::Type();
  }
  return types::Type(static_cast<types::TypeId>(id), p, s);
}

void put_ints(ByteWriter& w, const std::vector<int32_t>& v) {
  w.uvarint(v.size());
  for (int32_t x : v) w.varint(x);
}

// Element counts are bounded by the bytes left, so a corrupt count cannot make us
// allocate more than the file's size.
uint64_t get_count(ByteReader& r) {
  uint64_t n = r.uvarint64();
  if (n > r.remaining()) {
    r.fail();
    return 0;
  }
  return n;
}

std::vector<int32_t> get_ints(ByteReader& r) {
  std::vector<int32_t> v(get_count(r));
  for (auto& x : v) x = static_cast<int32_t>(r.varint64());
  return v;
}

}  // namespace

int32_t TableDef::column_index(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int32_t>(i);
  }
  return -1;
}

std::string CatalogSnapshot::key(std::string_view schema, std::string_view name) {
  std::string k(schema);
  k.push_back('.');
  k.append(name);
  return k;
}

const TableDef* CatalogSnapshot::find_table(std::string_view schema, std::string_view name) const {
  auto it = tables.find(key(schema, name));
  return it == tables.end() ? nullptr : it->second.get();
}

const ViewDef* CatalogSnapshot::find_view(std::string_view schema, std::string_view name) const {
  auto it = views.find(key(schema, name));
  return it == views.end() ? nullptr : it->second.get();
}

const IndexDef* CatalogSnapshot::find_index(std::string_view schema, std::string_view name) const {
  auto it = indexes.find(key(schema, name));
  return it == indexes.end() ? nullptr : it->second.get();
}

const TableDef* CatalogSnapshot::find_table_by_oid(Oid oid) const {
  for (const auto& [k, t] : tables) {
    if (t->oid == oid) return t.get();
  }
  return nullptr;
}

const StreamDef* CatalogSnapshot::find_stream(std::string_view schema, std::string_view name) const {
  auto it = streams.find(key(schema, name));
  return it == streams.end() ? nullptr : it->second.get();
}

const StreamDef* CatalogSnapshot::find_stream_by_oid(Oid oid) const {
  for (const auto& [k, s] : streams) {
    if (s->oid == oid) return s.get();
  }
  return nullptr;
}

int32_t StreamDef::column_index(std::string_view column) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return static_cast<int32_t>(i);
  }
  return -1;
}

std::shared_ptr<const TableDef> StreamDef::as_table() const {
  auto t = std::make_shared<TableDef>();
  t->oid = oid;
  t->schema = schema;
  t->name = name;
  t->columns = columns;
  t->comment = comment;
  return t;
}

const MaterializedViewDef* CatalogSnapshot::find_materialized_view(std::string_view schema,
                                                                   std::string_view name) const {
  auto it = materialized_views.find(key(schema, name));
  return it == materialized_views.end() ? nullptr : it->second.get();
}

const MaterializedViewDef* CatalogSnapshot::find_materialized_view_by_oid(Oid oid) const {
  for (const auto& [k, v] : materialized_views) {
    if (v->oid == oid) return v.get();
  }
  return nullptr;
}

const SinkDef* CatalogSnapshot::find_sink(std::string_view schema, std::string_view name) const {
  auto it = sinks.find(key(schema, name));
  return it == sinks.end() ? nullptr : it->second.get();
}

std::shared_ptr<const TableDef> MaterializedViewDef::as_table() const {
  auto t = std::make_shared<TableDef>();
  t->oid = oid;
  t->schema = schema;
  t->name = name;
  for (size_t i = 0; i < column_names.size(); ++i) {
    ColumnDef c;
    c.name = column_names[i];
    c.type = column_types[i];
    t->columns.push_back(std::move(c));
  }
  t->comment = comment;
  return t;
}

bool CatalogSnapshot::has_schema(std::string_view schema) const {
  return std::find(schemas.begin(), schemas.end(), schema) != schemas.end();
}

bool CatalogSnapshot::relation_exists(std::string_view schema, std::string_view name) const {
  std::string k = key(schema, name);
  return tables.count(k) != 0 || views.count(k) != 0 || indexes.count(k) != 0 || streams.count(k) != 0 ||
         materialized_views.count(k) != 0;
}

std::vector<uint8_t> encode_catalog(const CatalogSnapshot& s) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.u32(kMagic);
  w.u32(kCatalogFormatVersion);
  w.u32(0);  // CRC-32C of everything after this field, patched below
  w.u64(s.version);
  w.u32(s.next_oid);
  w.uvarint(s.schemas.size());
  for (const auto& sc : s.schemas) put_string(w, sc);
  w.uvarint(s.tables.size());
  for (const auto& [k, t] : s.tables) {
    w.u32(t->oid);
    put_string(w, t->schema);
    put_string(w, t->name);
    put_string(w, t->comment);
    w.uvarint(t->columns.size());
    for (const auto& c : t->columns) {
      put_string(w, c.name);
      put_type(w, c.type);
      w.u8(c.not_null ? 1 : 0);
      put_string(w, c.default_sql);
      put_string(w, c.comment);
    }
    put_ints(w, t->primary_key);
    w.uvarint(t->unique_keys.size());
    for (const auto& u : t->unique_keys) put_ints(w, u);
    w.uvarint(t->checks.size());
    for (const auto& c : t->checks) {
      put_string(w, c.name);
      put_string(w, c.expr_sql);
    }
  }
  w.uvarint(s.views.size());
  for (const auto& [k, v] : s.views) {
    w.u32(v->oid);
    put_string(w, v->schema);
    put_string(w, v->name);
    put_string(w, v->comment);
    put_string(w, v->query_sql);
    w.uvarint(v->column_names.size());
    for (size_t i = 0; i < v->column_names.size(); ++i) {
      put_string(w, v->column_names[i]);
      put_type(w, v->column_types[i]);
    }
  }
  w.uvarint(s.indexes.size());
  for (const auto& [k, ix] : s.indexes) {
    w.u32(ix->oid);
    put_string(w, ix->schema);
    put_string(w, ix->name);
    w.u32(ix->table_oid);
    put_ints(w, ix->columns);
    w.uvarint(ix->expression_sql.size());
    for (const auto& e : ix->expression_sql) put_string(w, e);
    w.u8(static_cast<uint8_t>((ix->unique ? 1 : 0) | (ix->primary ? 2 : 0)));
  }
  w.uvarint(s.streams.size());
  for (const auto& [k, st] : s.streams) {
    w.u32(st->oid);
    put_string(w, st->schema);
    put_string(w, st->name);
    put_string(w, st->comment);
    w.uvarint(st->columns.size());
    for (const auto& c : st->columns) {
      put_string(w, c.name);
      put_type(w, c.type);
      w.u8(c.not_null ? 1 : 0);
      put_string(w, c.comment);
    }
    put_string(w, st->topic);
    put_string(w, st->format);
    w.varint(st->partitions);
    put_string(w, st->watermark_column);
    put_string(w, st->watermark_sql);
    w.varint(st->watermark_delay_us);
    w.varint(st->allowed_lateness_us);
    put_string(w, st->dead_letter_topic);
  }
  w.uvarint(s.materialized_views.size());
  for (const auto& [k, v] : s.materialized_views) {
    w.u32(v->oid);
    put_string(w, v->schema);
    put_string(w, v->name);
    put_string(w, v->comment);
    put_string(w, v->query_sql);
    w.u32(v->stream_oid);
    w.uvarint(v->column_names.size());
    for (size_t i = 0; i < v->column_names.size(); ++i) {
      put_string(w, v->column_names[i]);
      put_type(w, v->column_types[i]);
    }
  }
  w.uvarint(s.sinks.size());
  for (const auto& [k, sk] : s.sinks) {
    w.u32(sk->oid);
    put_string(w, sk->schema);
    put_string(w, sk->name);
    put_string(w, sk->comment);
    w.u32(sk->view_oid);
    put_string(w, sk->topic);
    put_string(w, sk->format);
    put_string(w, sk->mode);
    w.varint(sk->partitions);
  }
  uint32_t crc = crc32c(out.data() + 12, out.size() - 12);
  w.patch_i32(8, static_cast<int32_t>(crc));
  return out;
}

Result<CatalogSnapshot> decode_catalog(std::span<const uint8_t> bytes) {
  ByteReader r(bytes);
  if (r.u32() != kMagic) return Status::corruption("catalog: bad magic");
  uint32_t version = r.u32();
  if (version < kFirstFormatVersion || version > kCatalogFormatVersion) return Status::corruption(fmt::format("catalog: unknown format version {}", version));
  uint32_t crc = r.u32();
  if (!r.ok() || crc32c(bytes.data() + 12, bytes.size() - 12) != crc) {
    return Status::corruption("catalog: checksum mismatch");
  }
  CatalogSnapshot s;
  s.version = r.u64();
  s.next_oid = r.u32();
  s.schemas.clear();
  for (uint64_t n = get_count(r); n > 0 && r.ok(); --n) s.schemas.push_back(get_string(r));
  for (uint64_t n = get_count(r); n > 0 && r.ok(); --n) {
    auto t = std::make_shared<TableDef>();
    t->oid = r.u32();
    t->schema = get_string(r);
    t->name = get_string(r);
    t->comment = get_string(r);
    for (uint64_t c = get_count(r); c > 0 && r.ok(); --c) {
      ColumnDef col;
      col.name = get_string(r);
      col.type = get_type(r);
      col.not_null = r.u8() != 0;
      col.default_sql = get_string(r);
      col.comment = get_string(r);
      t->columns.push_back(std::move(col));
    }
    t->primary_key = get_ints(r);
    for (uint64_t u = get_count(r); u > 0 && r.ok(); --u) t->unique_keys.push_back(get_ints(r));
    for (uint64_t c = get_count(r); c > 0 && r.ok(); --c) {
      CheckDef chk;
      chk.name = get_string(r);
      chk.expr_sql = get_string(r);
      t->checks.push_back(std::move(chk));
    }
    s.tables[CatalogSnapshot::key(t->schema, t->name)] = std::move(t);
  }
  for (uint64_t n = get_count(r); n > 0 && r.ok(); --n) {
    auto v = std::make_shared<ViewDef>();
    v->oid = r.u32();
    v->schema = get_string(r);
    v->name = get_string(r);
    v->comment = get_string(r);
    v->query_sql = get_string(r);
    for (uint64_t c = get_count(r); c > 0 && r.ok(); --c) {
      v->column_names.push_back(get_string(r));
      v->column_types.push_back(get_type(r));
    }
    s.views[CatalogSnapshot::key(v->schema, v->name)] = std::move(v);
  }
  for (uint64_t n = get_count(r); n > 0 && r.ok(); --n) {
    auto ix = std::make_shared<IndexDef>();
    ix->oid = r.u32();
    ix->schema = get_string(r);
    ix->name = get_string(r);
    ix->table_oid = r.u32();
    ix->columns = get_ints(r);
    for (uint64_t c = get_count(r); c > 0 && r.ok(); --c) ix->expression_sql.push_back(get_string(r));
    uint8_t flags = r.u8();
    ix->unique = flags & 1;
    ix->primary = flags & 2;
    s.indexes[CatalogSnapshot::key(ix->schema, ix->name)] = std::move(ix);
  }
  if (version >= 2) {
    for (uint64_t n = get_count(r); n > 0 && r.ok(); --n) {
      auto st = std::make_shared<StreamDef>();
      st->oid = r.u32();
      st->schema = get_string(r);
      st->name = get_string(r);
      st->comment = get_string(r);
      for (uint64_t c = get_count(r); c > 0 && r.ok(); --c) {
        ColumnDef col;
        col.name = get_string(r);
        col.type = get_type(r);
        col.not_null = r.u8() != 0;
        col.comment = get_string(r);
        st->columns.push_back(std::move(col));
      }
      st->topic = get_string(r);
      st->format = get_string(r);
      st->partitions = static_cast<int32_t>(r.varint64());
      st->watermark_column = get_string(r);
      st->watermark_sql = get_string(r);
      st->watermark_delay_us = r.varint64();
      st->allowed_lateness_us = r.varint64();
      st->dead_letter_topic = get_string(r);
      s.streams[CatalogSnapshot::key(st->schema, st->name)] = std::move(st);
    }
  }
  if (version >= 3) {
    for (uint64_t n = get_count(r); n > 0 && r.ok(); --n) {
      auto v = std::make_shared<MaterializedViewDef>();
      v->oid = r.u32();
      v->schema = get_string(r);
      v->name = get_string(r);
      v->comment = get_string(r);
      v->query_sql = get_string(r);
      v->stream_oid = r.u32();
      for (uint64_t c = get_count(r); c > 0 && r.ok(); --c) {
        v->column_names.push_back(get_string(r));
        v->column_types.push_back(get_type(r));
      }
      s.materialized_views[CatalogSnapshot::key(v->schema, v->name)] = std::move(v);
    }
  }
  if (version >= 4) {
    for (uint64_t n = get_count(r); n > 0 && r.ok(); --n) {
      auto sk = std::make_shared<SinkDef>();
      sk->oid = r.u32();
      sk->schema = get_string(r);
      sk->name = get_string(r);
      sk->comment = get_string(r);
      sk->view_oid = r.u32();
      sk->topic = get_string(r);
      sk->format = get_string(r);
      sk->mode = get_string(r);
      sk->partitions = static_cast<int32_t>(r.varint64());
      s.sinks[CatalogSnapshot::key(sk->schema, sk->name)] = std::move(sk);
    }
  }
  if (!r.ok() || !r.at_end()) return Status::corruption("catalog: truncated or trailing bytes");
  return s;
}

Result<std::unique_ptr<Catalog>> Catalog::open(io::FileSystem* fs, std::string dir) {
  STRATA_RETURN_IF_ERROR(fs->create_dirs(dir));
  std::unique_ptr<Catalog> c(new Catalog(fs, dir));
  std::string path = dir + "/" + kFileName;
  if (fs->exists(path)) {
    STRATA_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, fs->read_file(path, kMaxCatalogBytes));
    Result<CatalogSnapshot> s = decode_catalog(bytes);
    if (!s.ok()) return Status::corruption(fmt::format("{}: {}", path, s.status().message()));
    c->current_ = std::make_shared<const CatalogSnapshot>(std::move(s).value());
  } else {
    c->current_ = std::make_shared<const CatalogSnapshot>();
  }
  return c;
}

std::unique_ptr<Catalog> Catalog::in_memory() {
  std::unique_ptr<Catalog> c(new Catalog(nullptr, ""));
  c->current_ = std::make_shared<const CatalogSnapshot>();
  return c;
}

std::shared_ptr<const CatalogSnapshot> Catalog::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

Status Catalog::persist(const CatalogSnapshot& s) {
  if (fs_ == nullptr) return Status::ok_status();
  std::vector<uint8_t> bytes = encode_catalog(s);
  return fs_->write_file_atomic(dir_ + "/" + kFileName, bytes);
}

Status Catalog::update(const std::function<Status(CatalogSnapshot& next)>& edit) {
  std::lock_guard<std::mutex> lock(mu_);
  CatalogSnapshot next = *current_;
  STRATA_RETURN_IF_ERROR(edit(next));
  next.version = current_->version + 1;
  STRATA_RETURN_IF_ERROR(persist(next));
  current_ = std::make_shared<const CatalogSnapshot>(std::move(next));
  return Status::ok_status();
}

}  // namespace strata::catalog
