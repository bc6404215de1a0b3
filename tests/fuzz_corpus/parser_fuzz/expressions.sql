SELECT -2 ^ 2, 1 + 2 * 3 % 4, 'a' || E'\n' || $$x$$ || $t$y$t$, x::int::text[], CAST(y AS numeric(10,2)),
  DATE '2024-01-01', INTERVAL '1' DAY, TIMESTAMP WITH TIME ZONE 'x' AT TIME ZONE 'UTC', c COLLATE "C",
  CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END, CASE x WHEN 1 THEN 'one' END,
  EXTRACT(year FROM d), POSITION('a' IN s), SUBSTRING(s FROM 1 FOR 2), TRIM(LEADING 'x' FROM s), OVERLAY(s PLACING 'y' FROM 1),
  CURRENT_DATE, CURRENT_TIMESTAMP(3), current_schema(), ARRAY[1, 2][1], ARRAY(SELECT 1), ROW(1, 2), (1, 2) IN ((1, 2)),
  j -> 'a' ->> 'b', j @> '{}', j ? 'k', a OPERATOR(pg_catalog.~) 'x', x LIKE 'a%' ESCAPE '!', x NOT ILIKE ANY (ARRAY['a']),
  x = ANY (SELECT 1), x < ALL ('{1}'::int[]), a IS NULL, b ISNULL, c NOTNULL, d IS NOT TRUE, string_agg(x, ',' ORDER BY y),
  percentile_cont(0.5) WITHIN GROUP (ORDER BY x), (x).f, arr[1:2] /* nested /* comment */ */ -- done
