#include "columnar/table_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "columnar/table_state.h"
#include "columnar/test_util.h"
#include "io/fault_injecting_file_system.h"

namespace strata::columnar {
namespace {

using testing::TempDir;
using types::Type;
using types::Value;

std::vector<TableColumn> two_columns() {
  return {{"id", Type::bigint(), Value(), 0}, {"name", Type::text(), Value(), 0}};
}

types::Batch rows_batch(int64_t first, size_t count) {
  types::Batch b(std::vector<Type>{Type::bigint(), Type::text()});
  for (size_t i = 0; i < count; i++) {
    int64_t id = first + static_cast<int64_t>(i);
    b.append_row({Value::bigint(id), id % 10 == 0 ? Value::null(Type::text()) : Value::text("n" + std::to_string(id))});
  }
  return b;
}

Status insert(TableStore& t, int64_t first, size_t count, Durability d = Durability::kSync) {
  auto w = t.begin_write({d});
  STRATA_RETURN_IF_ERROR(w->insert(rows_batch(first, count)));
  return w->commit();
}

// id -> row id of every live row; checks names match ids.
std::map<int64_t, RowId> scan_ids(const std::shared_ptr<const TableSnapshot>& snap, ScanSpec spec = {}) {
  if (spec.columns.empty()) spec.columns = {0, 1};
  auto scan = TableStore::scan(snap, spec);
  EXPECT_TRUE(scan.ok()) << scan.status().to_string();
  std::map<int64_t, RowId> out;
  types::Batch b;
  std::vector<RowId> ids;
  while (true) {
    auto more = (*scan)->next(&b, &ids);
    EXPECT_TRUE(more.ok()) << more.status().to_string();
    if (!more.ok() || !*more) break;
    EXPECT_EQ(ids.size(), b.rows);
    for (size_t i = 0; i < b.rows; i++) {
      int64_t id = b.columns[0].get_value(i).as_int();
      if (b.columns.size() > 1) {
        Value name = b.columns[1].get_value(i);
        if (id % 10 == 0) {
          EXPECT_TRUE(name.is_null());
        } else {
          EXPECT_EQ(name.as_string(), "n" + std::to_string(id));
        }
      }
      EXPECT_TRUE(out.emplace(id, ids[i]).second) << "duplicate id " << id;
    }
  }
  return out;
}

std::set<int64_t> ids_of(const std::map<int64_t, RowId>& m) {
  std::set<int64_t> s;
  for (const auto& [id, _] : m) s.insert(id);
  return s;
}

std::set<int64_t> range(int64_t a, int64_t b) {
  std::set<int64_t> s;
  for (int64_t i = a; i < b; i++) s.insert(i);
  return s;
}

TableStoreOptions small_options() {
  TableStoreOptions o;
  o.part.row_group_rows = 64;
  o.insert_part_rows_min = 100;
  o.write_spill_rows = 1000;
  o.small_part_rows_max = 500;
  o.merge_parts_min = 2;
  return o;
}

TEST(TableStoreTest, SmallAndLargeInsertsSurviveReopen) {
  TempDir dir;
  io::FileSystem* fs = io::posix_file_system();
  {
    auto t = TableStore::create(fs, dir.path() + "/t", two_columns(), small_options());
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    for (int i = 0; i < 50; i++) ASSERT_TRUE(insert(**t, i, 1).ok());
    ASSERT_TRUE(insert(**t, 1000, 300).ok());  // a part
    auto s = (*t)->stats();
    EXPECT_EQ(s.tail_rows, 50u);
    EXPECT_EQ(s.part_count, 1u);
    EXPECT_EQ(s.row_count, 350u);
    auto want = range(0, 50);
    for (auto x : range(1000, 1300)) want.insert(x);
    EXPECT_EQ(ids_of(scan_ids((*t)->snapshot())), want);
  }
  auto t = TableStore::open(fs, dir.path() + "/t", small_options());
  ASSERT_TRUE(t.ok()) << t.status().to_string();
  EXPECT_EQ((*t)->snapshot()->row_count(), 350u);
  EXPECT_EQ(scan_ids((*t)->snapshot()).size(), 350u);
  EXPECT_EQ(TableStore::create(fs, dir.path() + "/t", two_columns()).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(TableStore::open(fs, dir.path() + "/none").status().code(), StatusCode::kNotFound);
}

TEST(TableStoreTest, SnapshotsAreIsolatedFromLaterCommits) {
  TempDir dir;
  auto t = TableStore::create(io::posix_file_system(), dir.path() + "/t", two_columns(), small_options());
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(insert(**t, 0, 20).ok());
  ASSERT_TRUE(insert(**t, 100, 200).ok());
  auto before = (*t)->snapshot();
  auto rows = scan_ids(before);
  ASSERT_EQ(rows.size(), 220u);

  auto w = (*t)->begin_write();
  std::vector<RowId> del = {rows[3], rows[150]};
  ASSERT_TRUE(w->delete_rows(del).ok());
  ASSERT_TRUE(w->insert(rows_batch(5000, 3)).ok());
  // Read-your-own-writes inside the write; invisible outside before commit.
  auto own = w->scan({{0, 1}, {}, 7, nullptr});
  ASSERT_TRUE(own.ok());
  std::set<int64_t> seen;
  types::Batch b;
  std::vector<RowId> ids;
  while (*(*own)->next(&b, &ids)) {
    for (size_t i = 0; i < b.rows; i++) seen.insert(b.columns[0].get_value(i).as_int());
  }
  EXPECT_EQ(seen.size(), 221u);
  EXPECT_FALSE(seen.count(3));
  EXPECT_TRUE(seen.count(5002));
  EXPECT_EQ(scan_ids((*t)->snapshot()).size(), 220u);
  ASSERT_TRUE(w->commit().ok());

  ASSERT_TRUE((*t)->flush_tail(true).ok());
  ASSERT_TRUE((*t)->truncate().ok());
  EXPECT_EQ(scan_ids((*t)->snapshot()).size(), 0u);
  // The old snapshot still reads everything it saw, though its parts were truncated away.
  EXPECT_EQ(scan_ids(before).size(), 220u);
  EXPECT_EQ(before->row_count(), 220u);
}

TEST(TableStoreTest, DeleteConflictsAreSerializationFailures) {
  TempDir dir;
  auto t = TableStore::create(io::posix_file_system(), dir.path() + "/t", two_columns(), small_options());
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(insert(**t, 0, 10).ok());
  auto rows = scan_ids((*t)->snapshot());
  auto a = (*t)->begin_write();
  auto b = (*t)->begin_write();
  std::vector<RowId> r5 = {rows[5]};
  std::vector<RowId> r6 = {rows[6]};
  ASSERT_TRUE(a->delete_rows(r5).ok());
  ASSERT_TRUE(b->delete_rows(r5).ok());
  ASSERT_TRUE(b->delete_rows(r6).ok());
  ASSERT_TRUE(a->commit().ok());
  Status s = b->commit();
  EXPECT_EQ(s.sqlstate(), "40001") << s.to_string();
  auto now = ids_of(scan_ids((*t)->snapshot()));
  EXPECT_FALSE(now.count(5));
  EXPECT_TRUE(now.count(6));  // b's commit left nothing behind
  // Deleting a row id the snapshot never had is the caller's error.
  auto c = (*t)->begin_write();
  std::vector<RowId> bogus = {RowId(777, 1)};
  EXPECT_EQ(c->delete_rows(bogus).code(), StatusCode::kInvalidArgument);
  // A write started before a column change cannot commit.
  auto d = (*t)->begin_write();
  ASSERT_TRUE(d->insert(rows_batch(50, 1)).ok());
  ASSERT_TRUE((*t)->add_column("extra", Type::integer(), Value::integer(7)).ok());
  EXPECT_EQ(d->commit().sqlstate(), "40001");
}

TEST(TableStoreTest, FlushKeepsRowIdsAndMergeTranslatesThem) {
  TempDir dir;
  auto t = TableStore::create(io::posix_file_system(), dir.path() + "/t", two_columns(), small_options());
  ASSERT_TRUE(t.ok());
  for (int i = 0; i < 30; i++) ASSERT_TRUE(insert(**t, i, 1).ok());
  auto rows = scan_ids((*t)->snapshot());
  ASSERT_TRUE((*t)->flush_tail(true).ok());
  EXPECT_EQ(scan_ids((*t)->snapshot()), rows);  // same ids after the flush
  for (int k = 0; k < 3; k++) {
    for (int i = 0; i < 10; i++) ASSERT_TRUE(insert(**t, 100 * (k + 1) + i, 1).ok());
    ASSERT_TRUE((*t)->flush_tail(true).ok());
  }
  ASSERT_TRUE(insert(**t, 2000, 150).ok());
  auto snap = (*t)->snapshot();
  auto before = scan_ids(snap);
  ASSERT_EQ((*t)->stats().part_count, 5u);
  // A write on the pre-merge snapshot, and a row deleted while the merge runs.
  auto w = (*t)->begin_write();
  std::vector<RowId> del = {before[7], before[2010]};
  ASSERT_TRUE(w->delete_rows(del).ok());
  {
    auto d = (*t)->begin_write();
    std::vector<RowId> r = {before[101]};
    ASSERT_TRUE(d->delete_rows(r).ok());
    ASSERT_TRUE(d->commit().ok());
  }
  ASSERT_TRUE((*t)->merge_small_parts().ok());
  auto after = scan_ids((*t)->snapshot());
  EXPECT_EQ((*t)->stats().part_count, 1u);
  auto want = ids_of(before);
  want.erase(101);
  EXPECT_EQ(ids_of(after), want);
  ASSERT_TRUE(w->commit().ok());
  want.erase(7);
  want.erase(2010);
  EXPECT_EQ(ids_of(scan_ids((*t)->snapshot())), want);
  // The old snapshot still reads the merged-away parts.
  EXPECT_EQ(scan_ids(snap), before);
  // Conflicts are still detected through the remap.
  auto x = (*t)->begin_write();
  auto y = (*t)->begin_write();
  auto now = scan_ids((*t)->snapshot());
  std::vector<RowId> r = {now[20]};
  ASSERT_TRUE(x->delete_rows(r).ok());
  ASSERT_TRUE(y->delete_rows(r).ok());
  ASSERT_TRUE(x->commit().ok());
  EXPECT_EQ(y->commit().sqlstate(), "40001");
  snap.reset();
  w.reset();
  x.reset();
  y.reset();
  // Only live files remain once old snapshots are gone.
  auto names = io::posix_file_system()->list_dir(dir.path() + "/t");
  ASSERT_TRUE(names.ok());
  size_t parts = std::count_if(names->begin(), names->end(), [](const auto& n) { return n.rfind("part-", 0) == 0; });
  EXPECT_EQ(parts, (*t)->stats().part_count);
  auto reopened = TableStore::open(io::posix_file_system(), dir.path() + "/t", small_options());
  ASSERT_TRUE(reopened.ok()) << reopened.status().to_string();
  EXPECT_EQ(ids_of(scan_ids((*reopened)->snapshot())), ids_of(scan_ids((*t)->snapshot())));
}

TEST(TableStoreTest, ZoneMapsSkipRowGroupsInScans) {
  TempDir dir;
  auto t = TableStore::create(io::posix_file_system(), dir.path() + "/t", two_columns(), small_options());
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(insert(**t, 0, 640).ok());  // 10 row groups of 64
  ScanSpec spec{{0}, {{0, CompareOp::kGe, Value::bigint(600)}}, types::kBatchRows, nullptr};
  auto scan = TableStore::scan((*t)->snapshot(), spec);
  ASSERT_TRUE(scan.ok());
  types::Batch b;
  size_t n = 0;
  while (*(*scan)->next(&b, nullptr)) n += b.rows;
  EXPECT_EQ(n, 64u);  // the last group: rows 576..639
  EXPECT_EQ((*scan)->stats().row_groups_skipped, 9u);
  // A predicate on a column added later is tested against its default.
  ASSERT_TRUE((*t)->add_column("k", Type::integer(), Value::integer(3)).ok());
  ScanSpec spec2{{2}, {{2, CompareOp::kEq, Value::integer(4)}}, types::kBatchRows, nullptr};
  auto scan2 = TableStore::scan((*t)->snapshot(), spec2);
  ASSERT_TRUE(scan2.ok());
  EXPECT_FALSE(*(*scan2)->next(&b, nullptr));
  EXPECT_EQ((*scan2)->stats().row_groups_skipped, 10u);
}

TEST(TableStoreTest, MorselScansShareRowGroupsOnce) {
  TempDir dir;
  auto t = TableStore::create(io::posix_file_system(), dir.path() + "/t", two_columns(), small_options());
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(insert(**t, 0, 640).ok());   // a part: 10 row groups of 64
  ASSERT_TRUE(insert(**t, 1000, 3).ok());  // tail chunks
  ASSERT_TRUE(insert(**t, 2000, 2).ok());
  {
    auto w = (*t)->begin_write({Durability::kSync});
    auto ids = scan_ids((*t)->snapshot());
    std::vector<RowId> del = {ids.at(5), ids.at(1001)};
    ASSERT_TRUE(w->delete_rows(del).ok());
    ASSERT_TRUE(w->commit().ok());
  }
  auto snap = (*t)->snapshot();
  std::set<int64_t> expected = ids_of(scan_ids(snap));
  ASSERT_EQ(expected.size(), 643u);
  // Four scans on four threads claim units from one cursor: each row once.
  auto morsels = std::make_shared<ScanMorsels>();
  std::vector<std::vector<int64_t>> seen(4);
  std::vector<std::thread> threads;
  for (size_t k = 0; k < seen.size(); k++) {
    threads.emplace_back([&, k] {
      ScanSpec spec{{0}, {}, 16, morsels};
      auto scan = TableStore::scan(snap, spec);
      ASSERT_TRUE(scan.ok());
      types::Batch b;
      while (true) {
        auto more = (*scan)->next(&b, nullptr);
        ASSERT_TRUE(more.ok());
        if (!*more) break;
        for (size_t i = 0; i < b.rows; i++) seen[k].push_back(b.columns[0].get_value(i).as_int());
      }
    });
  }
  for (auto& th : threads) th.join();
  std::multiset<int64_t> all;
  for (const auto& v : seen) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), expected.size());
  EXPECT_EQ(std::set<int64_t>(all.begin(), all.end()), expected);
  // The cursor is used up: a late scan sharing it reads nothing.
  ScanSpec late{{0}, {}, 16, morsels};
  auto scan = TableStore::scan(snap, late);
  ASSERT_TRUE(scan.ok());
  types::Batch b;
  EXPECT_FALSE(*(*scan)->next(&b, nullptr));
}

TEST(TableStoreTest, ColumnChangesApplyToOldPartsAndTail) {
  TempDir dir;
  io::FileSystem* fs = io::posix_file_system();
  {
    auto t = TableStore::create(fs, dir.path() + "/t", two_columns(), small_options());
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(insert(**t, 0, 200).ok());
    ASSERT_TRUE(insert(**t, 500, 2).ok());
    ASSERT_TRUE((*t)->add_column("flag", Type::boolean(), Value::boolean(true)).ok());
    ASSERT_TRUE((*t)->drop_column(1).ok());
    EXPECT_FALSE((*t)->add_column("bad", Type::integer(), Value::text("x")).ok());
    auto w = (*t)->begin_write();
    types::Batch b(std::vector<Type>{Type::bigint(), Type::boolean()});
    b.append_row({Value::bigint(900), Value::boolean(false)});
    ASSERT_TRUE(w->insert(b).ok());
    ASSERT_TRUE(w->commit().ok());
  }
  auto t = TableStore::open(fs, dir.path() + "/t", small_options());
  ASSERT_TRUE(t.ok()) << t.status().to_string();
  auto snap = (*t)->snapshot();
  ASSERT_EQ(snap->columns().size(), 2u);
  EXPECT_EQ(snap->columns()[1].name, "flag");
  auto scan = TableStore::scan(snap, {{1, 0}, {}, types::kBatchRows, nullptr});
  ASSERT_TRUE(scan.ok());
  types::Batch b;
  size_t rows = 0;
  while (*(*scan)->next(&b, nullptr)) {
    for (size_t i = 0; i < b.rows; i++) {
      EXPECT_EQ(b.columns[0].get_value(i).as_bool(), b.columns[1].get_value(i).as_int() != 900);
      rows++;
    }
  }
  EXPECT_EQ(rows, 203u);
  // Merging rewrites old parts in the current columns.
  ASSERT_TRUE((*t)->flush_tail(true).ok());
  ASSERT_TRUE((*t)->merge_small_parts().ok());
  EXPECT_EQ((*t)->stats().part_count, 1u);
  EXPECT_EQ((*t)->snapshot()->parts()[0].part->reader().columns().size(), 2u);
}

TEST(TableStoreTest, RecoveryTruncatesATornWal) {
  TempDir dir;
  io::FileSystem* fs = io::posix_file_system();
  std::string wal;
  uint64_t last_record_bytes = 0;
  {
    auto t = TableStore::create(fs, dir.path() + "/t", two_columns(), small_options());
    ASSERT_TRUE(t.ok());
    for (int i = 0; i < 10; i++) {
      uint64_t before = (*t)->stats().wal_bytes;
      ASSERT_TRUE(insert(**t, i, 1).ok());
      last_record_bytes = (*t)->stats().wal_bytes - before;
    }
  }
  auto names = fs->list_dir(dir.path() + "/t");
  for (const auto& n : *names) {
    if (n.rfind("wal-", 0) == 0) wal = dir.path() + "/t/" + n;
  }
  auto bytes = fs->read_file(wal, 1 << 20);
  ASSERT_TRUE(bytes.ok());
  // Cut into the last record at every position: 9 rows survive each time.
  ASSERT_GT(last_record_bytes, 10u);
  for (size_t cut = 1; cut < last_record_bytes; cut += 2) {
    {
      auto f = fs->open_writable(wal);
      ASSERT_TRUE(f.ok());
      ASSERT_TRUE((*f)->truncate(0).ok());
      std::vector<uint8_t> part(bytes->begin(), bytes->end() - static_cast<ptrdiff_t>(cut));
      ASSERT_TRUE((*f)->append(part).ok());
    }
    auto t = TableStore::open(fs, dir.path() + "/t", small_options());
    ASSERT_TRUE(t.ok()) << t.status().to_string();
    EXPECT_EQ(ids_of(scan_ids((*t)->snapshot())), range(0, 9)) << "cut " << cut;
  }
  // A flipped byte in the last record is a torn record too.
  {
    auto f = fs->open_writable(wal);
    ASSERT_TRUE((*f)->truncate(0).ok());
    std::vector<uint8_t> flipped = *bytes;
    flipped[flipped.size() - 3] ^= 0x40;
    ASSERT_TRUE((*f)->append(flipped).ok());
  }
  auto t = TableStore::open(fs, dir.path() + "/t", small_options());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ids_of(scan_ids((*t)->snapshot())), range(0, 9));
  ASSERT_TRUE(insert(**t, 9, 1).ok());  // appends after the truncation point
  t = TableStore::open(fs, dir.path() + "/t", small_options());
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ids_of(scan_ids((*t)->snapshot())), range(0, 10));
}

TEST(TableStoreTest, WriteSpillsAndAbortRemovesItsParts) {
  TempDir dir;
  io::FileSystem* fs = io::posix_file_system();
  auto t = TableStore::create(fs, dir.path() + "/t", two_columns(), small_options());
  ASSERT_TRUE(t.ok());
  {
    auto w = (*t)->begin_write();
    for (int i = 0; i < 5; i++) ASSERT_TRUE(w->insert(rows_batch(i * 600, 600)).ok());
    EXPECT_LT(w->pending_bytes(), 200000u);
    w->abort();
  }
  auto names = fs->list_dir(dir.path() + "/t");
  EXPECT_EQ(std::count_if(names->begin(), names->end(), [](const auto& n) { return n.rfind("part-", 0) == 0; }), 0);
  auto w = (*t)->begin_write();
  for (int i = 0; i < 5; i++) ASSERT_TRUE(w->insert(rows_batch(i * 600, 600)).ok());
  // Delete some pending rows (spilled and in memory) through the write's own scan.
  auto scan = w->scan({{0}, {}, types::kBatchRows, nullptr});
  ASSERT_TRUE(scan.ok());
  types::Batch b;
  std::vector<RowId> ids, del;
  while (*(*scan)->next(&b, &ids)) {
    for (size_t i = 0; i < b.rows; i++) {
      if (b.columns[0].get_value(i).as_int() % 7 == 0) del.push_back(ids[i]);
    }
  }
  ASSERT_TRUE(w->delete_rows(del).ok());
  ASSERT_TRUE(w->commit().ok());
  std::set<int64_t> want;
  for (int64_t i = 0; i < 3000; i++) {
    if (i % 7 != 0) want.insert(i);
  }
  EXPECT_EQ(ids_of(scan_ids((*t)->snapshot())), want);
  auto r = TableStore::open(fs, dir.path() + "/t2");
  EXPECT_FALSE(r.ok());
}

TEST(TableStoreTest, DropRemovesTheDirectory) {
  TempDir dir;
  io::FileSystem* fs = io::posix_file_system();
  auto t = TableStore::create(fs, dir.path() + "/t", two_columns(), small_options());
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(insert(**t, 0, 300).ok());
  auto snap = (*t)->snapshot();
  ASSERT_TRUE((*t)->drop().ok());
  EXPECT_FALSE(fs->exists(dir.path() + "/t"));
  EXPECT_EQ(insert(**t, 0, 1).code(), StatusCode::kUnavailable);
  EXPECT_EQ(scan_ids(snap).size(), 300u);  // open files stay readable
}

// Runs a workload on a fault-injecting file system; after each operation
// simulates a power loss and checks the reopened table against what was
// acknowledged: an ok commit is present, a failed one is all or nothing.
TEST(TableStoreTest, CommitsAreAtomicUnderInjectedFaults) {
  for (uint64_t seed = 1; seed <= 12; seed++) {
    TempDir dir;
    std::string path = dir.path() + "/t";
    io::FaultInjectingFileSystem ffs(io::posix_file_system(), seed);
    TableStoreOptions opt = small_options();
    opt.tail_bytes_max = 4096;
    {
      auto t = TableStore::create(&ffs, path, two_columns(), opt);
      ASSERT_TRUE(t.ok());
    }
    std::mt19937_64 rng(seed);
    std::set<int64_t> acknowledged;  // present for sure
    int64_t next_id = 0;
    int failures = 0;
    for (int step = 0; step < 25; step++) {
      auto t = TableStore::open(&ffs, path, opt);
      ASSERT_TRUE(t.ok()) << "seed " << seed << " step " << step << ": " << t.status().to_string();
      auto current = ids_of(scan_ids((*t)->snapshot()));
      ASSERT_TRUE(std::includes(current.begin(), current.end(), acknowledged.begin(), acknowledged.end()))
          << "seed " << seed << " step " << step << ": an acknowledged commit was lost";
      acknowledged = current;
      ffs.set_append_failure_probability(0.05);
      ffs.set_sync_failure_probability(0.15);
      // One operation.
      int op = static_cast<int>(rng() % 5);
      std::set<int64_t> added, removed;
      Status s;
      if (op <= 1) {
        size_t n = op == 0 ? 1 + rng() % 3 : 120 + rng() % 100;
        for (size_t i = 0; i < n; i++) added.insert(next_id + static_cast<int64_t>(i));
        s = insert(**t, next_id, n);
        next_id += static_cast<int64_t>(n);
      } else if (op == 2) {
        auto rows = scan_ids((*t)->snapshot());
        auto w = (*t)->begin_write();
        std::vector<RowId> del;
        for (const auto& [id, rid] : rows) {
          if (rng() % 4 == 0) {
            del.push_back(rid);
            removed.insert(id);
          }
        }
        s = w->delete_rows(del);
        ASSERT_TRUE(s.ok());
        for (int i = 0; i < 2; i++) added.insert(next_id + i);
        s = w->insert(rows_batch(next_id, 2));
        next_id += 2;
        ASSERT_TRUE(s.ok());
        s = w->commit();
      } else if (op == 3) {
        s = (*t)->flush_tail(true);
      } else {
        s = (*t)->merge_small_parts();
      }
      ffs.set_append_failure_probability(0);
      ffs.set_sync_failure_probability(0);
      if (!s.ok()) failures++;
      if (s.ok() && op <= 2) {
        // Acknowledged: must survive a power loss.
        for (auto id : added) acknowledged.insert(id);
        for (auto id : removed) acknowledged.erase(id);
      }
      std::set<int64_t> with = acknowledged;
      if (!s.ok() && op <= 2) {
        for (auto id : added) with.insert(id);
        for (auto id : removed) with.erase(id);
      }
      t->reset();
      ASSERT_TRUE(ffs.drop_unsynced_data().ok());
      auto r = TableStore::open(&ffs, path, opt);
      ASSERT_TRUE(r.ok()) << "seed " << seed << " step " << step << ": " << r.status().to_string();
      auto got = ids_of(scan_ids((*r)->snapshot()));
      if (s.ok()) {
        EXPECT_EQ(got, acknowledged) << "seed " << seed << " step " << step << " op " << op;
      } else {
        EXPECT_TRUE(got == acknowledged || got == with)
            << "seed " << seed << " step " << step << " op " << op << ": partial commit after " << s.to_string();
        acknowledged = got;
      }
    }
    EXPECT_GT(failures + ffs.injected_sync_failures(), 0) << "seed " << seed;
  }
}

TEST(TableStoreTest, FailedSyncFencesAndIsNeverSuccess) {
  TempDir dir;
  io::FaultInjectingFileSystem ffs(io::posix_file_system());
  auto t = TableStore::create(&ffs, dir.path() + "/t", two_columns(), small_options());
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(insert(**t, 0, 1).ok());
  ffs.fail_next_syncs(1);
  Status s = insert(**t, 1, 1);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.to_string();
  EXPECT_TRUE((*t)->stats().fenced);
  EXPECT_EQ(insert(**t, 2, 1).code(), StatusCode::kUnavailable);
  EXPECT_EQ(ids_of(scan_ids((*t)->snapshot())), range(0, 1));  // readers keep the last good state
  t->reset();
  auto r = TableStore::open(&ffs, dir.path() + "/t", small_options());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)->stats().fenced);
  ASSERT_TRUE(insert(**r, 2, 1).ok());
}

TEST(TableStoreTest, NoSyncCommitsReachTheOsAndPowerLossNeverCorrupts) {
  TempDir dir;
  io::FaultInjectingFileSystem ffs(io::posix_file_system());
  {
    auto t = TableStore::create(&ffs, dir.path() + "/t", two_columns(), small_options());
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(insert(**t, 0, 5).ok());
    for (int i = 5; i < 20; i++) ASSERT_TRUE(insert(**t, i, 1, Durability::kNoSync).ok());
    // Without a power loss everything is there after a reopen.
  }
  {
    auto t = TableStore::open(&ffs, dir.path() + "/t", small_options());
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(ids_of(scan_ids((*t)->snapshot())), range(0, 20));
    for (int i = 20; i < 30; i++) ASSERT_TRUE(insert(**t, i, 1, Durability::kNoSync).ok());
  }
  ASSERT_TRUE(ffs.drop_unsynced_data().ok());
  auto t = TableStore::open(&ffs, dir.path() + "/t", small_options());
  ASSERT_TRUE(t.ok()) << t.status().to_string();
  auto got = ids_of(scan_ids((*t)->snapshot()));
  const auto synced = range(0, 5);
  EXPECT_TRUE(std::includes(got.begin(), got.end(), synced.begin(), synced.end()));
  // A prefix of the commits, never a hole.
  EXPECT_EQ(got, range(0, static_cast<int64_t>(got.size())));
}

TEST(TableStoreTest, ManySmallCommitsStayCheap) {
  TempDir dir;
  TableStoreOptions opt;
  opt.tail_bytes_max = 64 << 10;
  auto t = TableStore::create(io::posix_file_system(), dir.path() + "/t", two_columns(), opt);
  ASSERT_TRUE(t.ok());
  for (int i = 0; i < 2000; i++) ASSERT_TRUE(insert(**t, i, 1, Durability::kNoSync).ok());
  auto s = (*t)->stats();
  EXPECT_EQ(s.row_count, 2000u);
  EXPECT_LE(s.part_count, 3u);  // the tail flushed itself past 2 x tail_bytes_max
  EXPECT_EQ(scan_ids((*t)->snapshot()).size(), 2000u);
}

TEST(TableStoreTest, ConcurrentWritersReadersAndMaintenance) {
  TempDir dir;
  TableStoreOptions opt = small_options();
  opt.tail_bytes_max = 2048;
  auto t = TableStore::create(io::posix_file_system(), dir.path() + "/t", two_columns(), opt);
  ASSERT_TRUE(t.ok());
  TableStore& store = **t;
  std::atomic<bool> stop{false};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; w++) {
    threads.emplace_back([&, w] {
      int64_t next = w * 100000;
      for (int i = 0; i < 150; i++) {
        size_t n = i % 10 == 0 ? 120 : 2;
        ASSERT_TRUE(insert(store, next, n, Durability::kNoSync).ok());
        next += static_cast<int64_t>(n);
        if (i % 5 == 0) {
          // Delete one row of the other writer's (may conflict with the other deleter).
          auto wr = store.begin_write();
          auto rows = scan_ids(wr->snapshot());
          for (const auto& [id, rid] : rows) {
            if (id % 3 == 0) {
              std::vector<RowId> one = {rid};
              ASSERT_TRUE(wr->delete_rows(one).ok());
              break;
            }
          }
          Status s = wr->commit();
          if (!s.ok()) {
            ASSERT_EQ(s.sqlstate(), "40001") << s.to_string();
            conflicts++;
          }
        }
      }
    });
  }
  threads.emplace_back([&] {
    while (!stop) {
      ASSERT_TRUE(store.flush_tail().ok());
      ASSERT_TRUE(store.merge_small_parts().ok());
      std::this_thread::yield();
    }
  });
  threads.emplace_back([&] {
    while (!stop) {
      auto snap = store.snapshot();
      EXPECT_EQ(scan_ids(snap).size(), snap->row_count());
    }
  });
  threads[0].join();
  threads[1].join();
  stop = true;
  threads[2].join();
  threads[3].join();
  auto final_rows = scan_ids(store.snapshot());
  EXPECT_EQ(final_rows.size(), store.snapshot()->row_count());
  auto reopened = TableStore::open(io::posix_file_system(), dir.path() + "/t", opt);
  t->reset();
  ASSERT_TRUE(reopened.ok()) << reopened.status().to_string();
  EXPECT_EQ(ids_of(scan_ids((*reopened)->snapshot())), ids_of(final_rows));
}

}  // namespace
}  // namespace strata::columnar
