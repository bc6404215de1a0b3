// DuckDB for sql_bench.py: one database, statements in, results out.
//
//   node bench/duckdb_runner.mjs [DB_PATH]      (no path: an in-memory database)
//
// Reads one JSON request per stdin line: {"sql": "...", "timeout_ms": N}.
// Writes one JSON reply per stdout line, in order:
//   {"ok": true, "ms": TIME, "types": ["INTEGER", ...], "rows": [[...], ...]}
//   {"ok": false, "ms": TIME, "error": "..."}
// ms is the time of connection.runAndReadAll (execution and reading every result
// chunk), measured here so the pipe to Python is not part of it. Values are in
// DuckDB's JSON form (64- and 128-bit integers and decimals as strings); the
// caller converts them using `types`. A statement still running after
// timeout_ms (0 = none) is interrupted and reported as an error.

import { DuckDBInstance } from '@duckdb/node-api';
import { createInterface } from 'node:readline';

const path = process.argv[2] ?? ':memory:';
const instance = await DuckDBInstance.create(path);
const connection = await instance.connect();

function reply(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === '') continue;
  const req = JSON.parse(line);
  let timer = null;
  if (req.timeout_ms > 0) timer = setTimeout(() => connection.interrupt(), req.timeout_ms);
  const t0 = performance.now();
  try {
    const reader = await connection.runAndReadAll(req.sql);
    const ms = performance.now() - t0;
    reply({
      ok: true,
      ms,
      types: reader.columnTypes().map((t) => t.toString()),
      rows: reader.getRowsJson(),
    });
  } catch (e) {
    reply({ ok: false, ms: performance.now() - t0, error: String(e?.message ?? e) });
  } finally {
    if (timer) clearTimeout(timer);
  }
}
connection.closeSync();
instance.closeSync();
