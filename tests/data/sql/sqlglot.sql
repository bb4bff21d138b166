SELECT 'x' LIKE 'x' NOT LIKE '1'
-- ;;
SELECT NULL IS NULL < FALSE IN (0)
-- ;;
SELECT NULL IS (NULL < FALSE) IN (0)
-- ;;
SELECT FALSE IS DISTINCT FROM TRUE IS DISTINCT FROM FALSE
-- ;;
SELECT NULL IS NULL < FALSE
-- ;;
SELECT NULL IS (NULL < FALSE)
-- ;;
SELECT FALSE IS DISTINCT FROM NULL = NULL
-- ;;
SELECT 1 IN (0) IN (1)
-- ;;
SELECT 1 LIKE 2 LIKE 3
-- ;;
SELECT 1 NOT IN (0) IN (0, 1)
-- ;;
SELECT (NOT 1 IN (0)) IN (0, 1)
-- ;;
SELECT x NOT IN (1) IS TRUE
-- ;;
SELECT (NOT x IN (1)) IS TRUE
-- ;;
SELECT 0 NOT IN (1) NOT IN (2)
-- ;;
SELECT NOT (NOT 0 IN (1)) IN (2)
-- ;;
WITH xyz(x) AS (SELECT 1) SELECT x FROM xyz
-- ;;
SELECT * FROM t INDEXED BY i
-- ;;
SELECT * FROM t NOT INDEXED
-- ;;
SELECT match FROM t
-- ;;
SELECT * FROM t WHERE a REGEXP 'x'
-- ;;
SELECT GROUP_CONCAT(x, ',') OVER (PARTITION BY z ORDER BY y)
-- ;;
SELECT GROUP_CONCAT(x, ',') FILTER(WHERE y > 0) OVER (PARTITION BY z)
-- ;;
SELECT RANK() OVER (RANGE CURRENT ROW) FROM tbl
-- ;;
SELECT RANK() OVER (RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM tbl
-- ;;
SELECT RANK() OVER (RANGE BETWEEN CURRENT ROW AND CURRENT ROW) FROM tbl
-- ;;
SELECT RANK() OVER (ORDER BY x RANGE BETWEEN CURRENT ROW AND 1 + 1 FOLLOWING) FROM tbl
-- ;;
SELECT DATE('now', 'start of month', '+1 month', '-1 day')
-- ;;
SELECT DATE('2020-01-31', '+1 month')
-- ;;
SELECT DATE('2020-03-15', 'start of month', '+1 day')
-- ;;
SELECT DATE(d, '1 DAY') FROM t
-- ;;
SELECT DATE_ADD(d, '1'') ; SELECT 1; --')
-- ;;
SELECT DATE(d, (n) || ' DAY') FROM t
-- ;;
SELECT DATE(d, (n + 1) || ' DAY') FROM t
-- ;;
SELECT DATE(d, (-n) || ' MONTH') FROM t
-- ;;
SELECT DATE(d, (NULL) || ' DAY') FROM t
-- ;;
SELECT DATETIME(1092941466, 'unixepoch')
-- ;;
SELECT DATETIME(1092941466, 'unixepoch', 'localtime')
-- ;;
SELECT JULIANDAY('now') - JULIANDAY('1776-07-04')
-- ;;
SELECT UNIXEPOCH() - UNIXEPOCH('2004-01-01 02:34:56')
-- ;;
SELECT (JULIANDAY('now') - 2440587.5) * 86400.0
-- ;;
SELECT * FROM GENERATE_SERIES(1, 5)
-- ;;
SELECT INSTR(haystack, needle)
-- ;;
SELECT a, SUM(b) OVER (ORDER BY a ROWS BETWEEN -1 PRECEDING AND 1 FOLLOWING) FROM t1 ORDER BY 1
-- ;;
SELECT a -> '$.k' FROM t
-- ;;
SELECT a ->> '$.k' FROM t
-- ;;
SELECT JSON_SET('{}', '$.x', JSON_EXTRACT(a, '$.k'))
-- ;;
SELECT JSON_EXTRACT(a, b) FROM t
-- ;;
SELECT item AS "item", some AS "some" FROM data WHERE (item = 'value_1' COLLATE NOCASE) AND (some = 't' COLLATE NOCASE) ORDER BY item ASC LIMIT 1 OFFSET 0
-- ;;
SELECT a FROM t1 WHERE a NOT NULL AND a NOT NULL ORDER BY a
-- ;;
SELECT a FROM t1 WHERE NOT a IS NULL AND NOT a IS NULL ORDER BY a
-- ;;
SELECT a, b FROM t1 WHERE b + a NOT NULL ORDER BY 1
-- ;;
SELECT a, b FROM t1 WHERE NOT b + a IS NULL ORDER BY 1
-- ;;
SELECT * FROM t1, t2
-- ;;
SELECT * FROM t1 CROSS JOIN t2
-- ;;
ALTER TABLE t RENAME a TO b
-- ;;
ALTER TABLE t RENAME COLUMN a TO b
-- ;;
SELECT LIKE(y, x)
-- ;;
SELECT GLOB('*y*', 'xyz')
-- ;;
SELECT LIKE('%y%', 'xyz', '')
-- ;;
SELECT MAX(COALESCE(a, b), COALESCE(b, a)) FROM t
-- ;;
SELECT MAX(COALESCE(a, b, c), COALESCE(b, c, a), COALESCE(c, a, b)) FROM t
-- ;;
SELECT MAX(COALESCE(NULL, 1), COALESCE(1, NULL))
-- ;;
SELECT MIN(COALESCE(3, NULL, 1), COALESCE(NULL, 1, 3), COALESCE(1, 3, NULL))
-- ;;
SELECT CONCAT_WS(',', a, b) FROM t
-- ;;
SELECT a || b FROM t
-- ;;
SELECT CASE WHEN ',' IS NULL OR a IS NULL OR b IS NULL THEN NULL ELSE CONCAT_WS(',', a, b) END FROM t
-- ;;
INSERT OR IGNORE INTO foo (x, y) VALUES (1, 2)
-- ;;
SELECT CAST([a].[b] AS SMALLINT) FROM foo
-- ;;
SELECT fname, lname, age FROM person ORDER BY age DESC NULLS FIRST, fname ASC NULLS LAST, lname
-- ;;
SELECT * FROM station WHERE city IS NOT ''
-- ;;
SELECT JSON_OBJECT('col1', 1, 'col2', '1')
-- ;;
REPLACE INTO foo (x, y) VALUES (1, 2)
-- ;;
ATTACH DATABASE NOT EXISTS(SELECT 1) AS schema_name
-- ;;
ATTACH NOT EXISTS(SELECT 1) AS schema_name
-- ;;
ATTACH DATABASE IIF(NOT EXISTS(SELECT 1), 'foo1', 'foo2') AS schema_name
-- ;;
ATTACH IIF(NOT EXISTS(SELECT 1), 'foo1', 'foo2') AS schema_name
-- ;;
ATTACH DATABASE 'foo' || '.foo2' AS schema_name
-- ;;
ATTACH 'foo' || '.foo2' AS schema_name
-- ;;
DETACH schema_name
-- ;;
SELECT * FROM t WHERE NULL IS y
-- ;;
SELECT * FROM t WHERE NULL IS NOT y
-- ;;
SELECT a.data ->> b.key ->> a.final_key FROM t
-- ;;
SELECT a -> b ->> c -> d FROM t
-- ;;
SELECT a || b ->> c
-- ;;
SELECT (a || b) ->> c
-- ;;
SELECT a ->> b || c FROM t
-- ;;
SELECT a ->> ('$.' || f)
-- ;;
SELECT a -> ('$.' || f)
-- ;;
SELECT 2 * 3 || 4
-- ;;
SELECT 2 * (3 || 4)
-- ;;
SELECT 1 + 2 || 3
-- ;;
SELECT 1 + (2 || 3)
-- ;;
SELECT a || b * c FROM t
-- ;;
SELECT (a || b) * c FROM t
-- ;;
SELECT a - b ->> c FROM t
-- ;;
SELECT a - (b ->> c) FROM t
-- ;;
SELECT a ->> b + c FROM t
-- ;;
SELECT (a ->> b) + c FROM t
-- ;;
SELECT -a || b FROM t
-- ;;
SELECT a || b COLLATE NOCASE FROM t ORDER BY 1
-- ;;
SELECT a COLLATE NOCASE || b -> c FROM t
-- ;;
SELECT (a COLLATE NOCASE || b) -> c FROM t
-- ;;
SELECT a COLLATE NOCASE || b * c FROM t
-- ;;
SELECT (a COLLATE NOCASE || b) * c FROM t
-- ;;
SELECT a COLLATE NOCASE -> b + c FROM t
-- ;;
SELECT (a COLLATE NOCASE -> b) + c FROM t
-- ;;
SELECT STRFTIME('%s', CURRENT_TIMESTAMP)
-- ;;
SELECT X'0a', 0x0a
-- ;;
SELECT FIRST_VALUE(Name) OVER (PARTITION BY AlbumId ORDER BY Bytes DESC) AS LargestTrack FROM tracks
-- ;;
CREATE TABLE t (a INTEGER, b INTEGER AS (a * 2) STORED)
-- ;;
CREATE TABLE t (a INTEGER, b INTEGER AS (a * 2))
-- ;;
CREATE TABLE t (a INTEGER, b AS (a * 2) STORED)
-- ;;
CREATE TABLE t (a INTEGER, b AS (a * 2))
-- ;;
CREATE TABLE t (a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) STORED)
-- ;;
CREATE TABLE t (a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL)
-- ;;
CREATE TABLE t (a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2))
-- ;;
CREATE TABLE t (a INTEGER, b AS (a * 2) STORED NOT NULL)
-- ;;
CREATE TABLE over (x, y)
-- ;;
INSERT OR ABORT INTO foo (x, y) VALUES (1, 2)
-- ;;
INSERT OR FAIL INTO foo (x, y) VALUES (1, 2)
-- ;;
INSERT OR REPLACE INTO foo (x, y) VALUES (1, 2)
-- ;;
INSERT OR ROLLBACK INTO foo (x, y) VALUES (1, 2)
-- ;;
INSERT INTO foo AS f (x, y) VALUES (1, 2)
-- ;;
INSERT INTO foo AS f (x, y) VALUES (1, 2) ON CONFLICT(x) DO UPDATE SET y = f.y + 1
-- ;;
INSERT INTO tbl (x, y) SELECT 1, 'a' WHERE TRUE ON CONFLICT(x, LOWER(y)) DO UPDATE SET y = excluded.y
-- ;;
INSERT INTO tbl (x, y) VALUES (1, 'a') ON CONFLICT(x, LOWER(y) COLLATE NOCASE ASC, y DESC) DO NOTHING
-- ;;
INSERT INTO tbl (x, y) VALUES (1, 'a') ON CONFLICT(CASE WHEN x > 0 THEN x ELSE -x END) DO NOTHING
-- ;;
INSERT INTO tbl (x, y) VALUES (1, 'a') ON CONFLICT(x) WHERE x > 0 DO UPDATE SET y = excluded.y
-- ;;
CREATE TABLE foo (id INTEGER PRIMARY KEY ASC)
-- ;;
CREATE TEMPORARY TABLE foo (id INTEGER)
-- ;;
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(title, content)
-- ;;
CREATE VIRTUAL TABLE main.docs USING fts5(title, content)
-- ;;
PRAGMA foo = -2000
-- ;;
PRAGMA foo(-2000)
-- ;;
PRAGMA main.cache_size = 2000
-- ;;
PRAGMA cache_size(2000)
-- ;;
PRAGMA main.cache_size(2000)
-- ;;
CREATE TABLE z (a INTEGER UNIQUE PRIMARY KEY AUTOINCREMENT)
-- ;;
CREATE TABLE "x" ("Name" NVARCHAR(200) NOT NULL)
-- ;;
CREATE TABLE store (store_id INTEGER PRIMARY KEY AUTOINCREMENT, mgr_id INTEGER NOT NULL UNIQUE REFERENCES staff ON UPDATE CASCADE)
-- ;;
ANALYZE tbl
-- ;;
ANALYZE schma.tbl
-- ;;
SELECT a IS b, a IS NOT b FROM t
-- ;;
SELECT a IS NOT DISTINCT FROM b, a IS DISTINCT FROM b FROM t
-- ;;
SELECT a IS b FROM t
-- ;;
SELECT a IS NOT DISTINCT FROM b FROM t
-- ;;
SELECT a IS NULL, a IS NOT NULL FROM t
-- ;;
SELECT a IS NULL, NOT a IS NULL FROM t
-- ;;
SELECT 3 UNION ALL SELECT * FROM (SELECT 2 INTERSECT SELECT 2 ORDER BY 1 NULLS LAST)
-- ;;
SELECT * FROM (SELECT 2 INTERSECT SELECT 2 ORDER BY 1 NULLS LAST) UNION ALL SELECT 3
-- ;;
SELECT 9 UNION ALL SELECT * FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 ORDER BY 1 DESC NULLS FIRST LIMIT 1 OFFSET 1)
-- ;;
SELECT 9 UNION ALL SELECT * FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 ORDER BY 1 NULLS LAST LIMIT 2 OFFSET 1)
-- ;;
SELECT * FROM (SELECT 1 UNION ALL SELECT 2 ORDER BY 1 DESC NULLS FIRST LIMIT 1) AS t
-- ;;
SELECT (SELECT 1 UNION ALL SELECT 2 ORDER BY 1 DESC NULLS FIRST LIMIT 1)
-- ;;
WITH t AS (SELECT 1 AS x) SELECT x FROM t UNION ALL SELECT 2 ORDER BY 1 DESC NULLS FIRST LIMIT 1
-- ;;
SELECT 1 LIMIT 1
-- ;;
SELECT 1 LIMIT -1 OFFSET 1
-- ;;
SELECT 1 UNION ALL SELECT 2 LIMIT -1 OFFSET 1
-- ;;
SELECT 9 UNION ALL SELECT * FROM (SELECT 1 UNION ALL SELECT 2 LIMIT -1 OFFSET 1)
-- ;;
SELECT * FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3 ORDER BY 1 LIMIT 2) ORDER BY 1 DESC LIMIT 1
-- ;;
SELECT * FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3 ORDER BY 1 LIMIT 2) ORDER BY 1 DESC
-- ;;
SELECT * FROM (SELECT 1 AS x UNION ALL SELECT 2 LIMIT 1) LIMIT 2
-- ;;
SELECT * FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3 ORDER BY 1 LIMIT 2 OFFSET 1) LIMIT 1 OFFSET 1
-- ;;
WITH a AS (SELECT 1 AS x) SELECT * FROM (WITH b AS (SELECT 2 AS x) SELECT * FROM b) LIMIT 1
-- ;;
SELECT * FROM t AS t
-- ;;
SELECT (FALSE IS NOT TRUE) IS NOT FALSE
-- ;;
SELECT (FALSE IS DISTINCT FROM TRUE) IS DISTINCT FROM FALSE
-- ;;
SELECT (FALSE IS NOT NULL) = NULL
-- ;;
SELECT (FALSE IS DISTINCT FROM NULL) = NULL
-- ;;
SELECT CAST('[10, 20, [30, 40]]' AS JSON) ->> '$[1]'
-- ;;
SELECT '[10, 20, [30, 40]]' ->> '$[1]'
-- ;;
SELECT x LIKE y
-- ;;
SELECT 'xyz' GLOB '*y*'
-- ;;
SELECT 'xyz' LIKE '%y%' ESCAPE ''
-- ;;
SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE LEAST(a, b) END FROM t
-- ;;
SELECT GREATEST(a, b, c) FROM t
-- ;;
SELECT GREATEST(NULL, 1)
-- ;;
SELECT LEAST(3, NULL, 1)
-- ;;
SELECT CONCAT(COALESCE(a, ''), COALESCE(b, '')) FROM t
-- ;;
SELECT CONCAT_WS(',', COALESCE(a, ''), COALESCE(b, '')) FROM t
-- ;;
SELECT CAST('2020-01-01 16:03:05' AS DATE)
-- ;;
SELECT a.data ->> b.key ->> a.final_key FROM source AS a JOIN keys AS b ON TRUE
-- ;;
SELECT GET_JSON_OBJECT(a, CONCAT('$.', f))
-- ;;
SELECT a || b COLLATE NOCASE FROM t
-- ;;
SELECT STRFTIME(CAST('2020-01-01 12:05:03' AS TIMESTAMP), '%Y-%m-%d')
-- ;;
SELECT STRFTIME(CAST(CURRENT_TIMESTAMP AS TIMESTAMP), '%Y-%m-%d')
-- ;;
CREATE TABLE t (x DOUBLE PRECISION, y DOUBLE PRECISION)
-- ;;
CREATE TABLE a (b, c, UNIQUE (b, c) ON CONFLICT IGNORE)
-- ;;
SELECT NULL
-- ;;
SELECT CAST(x AS REAL) FROM t
-- ;;
SELECT CAST(x AS DOUBLE PRECISION) FROM t
-- ;;
SELECT call.x
-- ;;
SELECT end
-- ;;
SELECT * WHERE interval IS NULL
-- ;;
SELECT * WHERE NOT interval IS NULL
-- ;;
SELECT * FROM db.FOO()
-- ;;
SELECT *, 1 FROM test
-- ;;
SELECT * FROM a.b
-- ;;
SELECT 1 FROM test
-- ;;
SELECT * FROM a, b, (SELECT 1) AS c
-- ;;
SELECT 1 AS filter
-- ;;
SELECT 1 AS "quoted alias"
-- ;;
SELECT SUM(x) AS filter
-- ;;
SELECT 1 AS range FROM test
-- ;;
SELECT 1 AS count FROM test
-- ;;
SELECT COALESCE(offset, 1)
-- ;;
SELECT DISTINCT x, y FROM test
-- ;;
SELECT DISTINCT TIMESTAMP_TRUNC(time_field, MONTH) AS time_value FROM "table"
-- ;;
SELECT DISTINCT FROM_SOMETHING
-- ;;
SELECT TIMESTAMP(DATE_TRUNC('MONTH', DATE(time_field))) AS time_value FROM "table"
-- ;;
SELECT GREATEST((3 + 1), LEAST(3, 4))
-- ;;
SELECT TRANSFORM(a, b -> b) AS x
-- ;;
SELECT AGGREGATE(a, (a, b) -> a + b) AS x
-- ;;
SELECT COUNT(DISTINCT a, b)
-- ;;
SELECT COUNT(DISTINCT a, b + 1)
-- ;;
SELECT SUM(DISTINCT x)
-- ;;
SELECT LAG(x) OVER (ORDER BY y) AS x
-- ;;
SELECT LEAD(a, 1) OVER (PARTITION BY a ORDER BY a) AS x
-- ;;
SELECT LEAD(a, 1, b) OVER (PARTITION BY a ORDER BY a) AS x
-- ;;
SELECT X((a, b) -> a + b, z -> z) AS x
-- ;;
SELECT X(a -> a + ("z" - 1))
-- ;;
SELECT test.* FROM test
-- ;;
SELECT a AS b FROM test
-- ;;
SELECT "a"."b" FROM "a"
-- ;;
SELECT '"hi' AS x FROM x
-- ;;
SELECT 1 + 1 FROM test
-- ;;
SELECT 1 - 1 FROM test
-- ;;
SELECT 1 * 1 FROM test
-- ;;
SELECT 1 % 1 FROM test
-- ;;
SELECT 1 / 1 FROM test
-- ;;
SELECT 1 < 2 FROM test
-- ;;
SELECT 1 <= 2 FROM test
-- ;;
SELECT 1 > 2 FROM test
-- ;;
SELECT 1 >= 2 FROM test
-- ;;
SELECT 1 <> 2 FROM test
-- ;;
SELECT x LIKE '%x%' FROM test
-- ;;
SELECT * FROM test LIMIT 100
-- ;;
SELECT * FROM test LIMIT 1 + 1
-- ;;
SELECT * FROM test LIMIT 100 OFFSET 200
-- ;;
SELECT * FROM test LIMIT (SELECT 1)
-- ;;
SELECT * FROM test LIMIT (SELECT 1) OFFSET (SELECT 1)
-- ;;
SELECT * FROM test ORDER BY always DESC
-- ;;
SELECT (1 > 2) AS x FROM test
-- ;;
SELECT NOT (1 > 2) FROM test
-- ;;
SELECT 1 + 2 AS x FROM test
-- ;;
SELECT a, b, 1 < 1 FROM test
-- ;;
SELECT a FROM test WHERE NOT FALSE
-- ;;
SELECT a FROM test WHERE a IN (SELECT b FROM z)
-- ;;
SELECT a FROM test WHERE a IN ((SELECT 1), 2)
-- ;;
SELECT * FROM x WHERE y IN (SELECT 1 UNION SELECT 2)
-- ;;
SELECT * FROM x WHERE y IN ((SELECT 1 UNION SELECT 2))
-- ;;
SELECT * FROM x WHERE y IN (WITH z AS (SELECT 1) SELECT * FROM z)
-- ;;
SELECT a FROM test WHERE (a > 1)
-- ;;
SELECT a FROM test WHERE a > (SELECT 1 FROM x GROUP BY y)
-- ;;
SELECT a FROM test WHERE EXISTS(SELECT 1)
-- ;;
SELECT a FROM test WHERE EXISTS(SELECT * FROM x UNION SELECT * FROM Y) OR TRUE
-- ;;
SELECT a FROM test WHERE TRUE OR NOT EXISTS(SELECT * FROM x)
-- ;;
SELECT a FROM test WHERE (a, b) IN (SELECT 1, 2)
-- ;;
SELECT x FROM tests ORDER BY a DESC, b DESC, c
-- ;;
SELECT a FROM test ORDER BY a > 1
-- ;;
SELECT * FROM test ORDER BY DATE DESC, TIMESTAMP DESC
-- ;;
SELECT a, b FROM test GROUP BY 1
-- ;;
SELECT a, b FROM test GROUP BY a
-- ;;
SELECT a, b FROM test WHERE a = 1 GROUP BY a HAVING a = 2
-- ;;
SELECT a, b FROM test WHERE a = 1 GROUP BY a HAVING a = 2 ORDER BY a
-- ;;
SELECT a, b FROM test WHERE a = 1 GROUP BY CASE 1 WHEN 1 THEN 1 END
-- ;;
SELECT a FROM test GROUP BY CUBE (x)
-- ;;
SELECT t.a FROM test AS t GROUP BY ROLLUP (t.x)
-- ;;
SELECT a FROM test GROUP BY CUBE (x), ROLLUP (x, y, z)
-- ;;
SELECT a FROM test GROUP BY ROLLUP (x) LIMIT 5
-- ;;
SELECT a FROM test GROUP BY ROLLUP (x) WINDOW w AS (ORDER BY x)
-- ;;
SELECT CASE WHEN a < b THEN 1 WHEN a < c THEN 2 ELSE 3 END FROM test
-- ;;
SELECT CASE 1 WHEN 1 THEN 1 ELSE 2 END
-- ;;
SELECT CASE 1 WHEN 1 THEN MAP('a', 'b') ELSE MAP('b', 'c') END['a']
-- ;;
SELECT CASE 1 + 2 WHEN 1 THEN 1 ELSE 2 END
-- ;;
SELECT CASE a.b WHEN 1 THEN 1 ELSE 2 END
-- ;;
SELECT CASE CASE x > 1 WHEN TRUE THEN 1 END WHEN 1 THEN 1 ELSE 2 END
-- ;;
SELECT a FROM (SELECT a FROM test) AS x
-- ;;
SELECT a FROM (SELECT a FROM (SELECT a FROM test) AS y) AS x
-- ;;
SELECT a FROM test WHERE a IN (1, 2, 3) OR b BETWEEN 1 AND 4
-- ;;
SELECT COUNT(1) FROM test
-- ;;
SELECT COUNT() FROM test
-- ;;
SELECT COUNT(DISTINCT a) FROM test
-- ;;
SELECT POWER(a, 2) FROM test
-- ;;
SELECT CAST(a < 1 AS INT) FROM test
-- ;;
SELECT CAST(a IS NULL AS INT) FROM test
-- ;;
SELECT COUNT(CAST(1 < 2 AS INT)) FROM test
-- ;;
SELECT COUNT(CASE WHEN CAST(1 < 2 AS BOOLEAN) THEN 1 END) FROM test
-- ;;
SELECT CAST(a AS DECIMAL(1)) FROM test
-- ;;
SELECT CAST(a AS DECIMAL(1, 2)) FROM test
-- ;;
SELECT 1 FROM a JOIN b ON a.x = b.x
-- ;;
SELECT 1 FROM a JOIN b AS c ON a.x = b.x
-- ;;
SELECT 1 FROM a INNER JOIN b ON a.x = b.x
-- ;;
SELECT 1 FROM a LEFT JOIN b ON a.x = b.x
-- ;;
SELECT 1 FROM a RIGHT JOIN b ON a.x = b.x
-- ;;
SELECT 1 FROM a CROSS JOIN b ON a.x = b.x
-- ;;
SELECT 1 FROM a SEMI JOIN b ON a.x = b.x
-- ;;
SELECT 1 FROM a JOIN b USING (x)
-- ;;
SELECT 1 FROM a JOIN b USING (x, y, z)
-- ;;
SELECT 1 FROM a JOIN (SELECT a FROM c) AS b ON a.x = b.x AND a.x < 2
-- ;;
SELECT 1 FROM a UNION SELECT 2 FROM b
-- ;;
SELECT 1 FROM a UNION ALL SELECT 2 FROM b
-- ;;
SELECT 1 FROM a JOIN b ON a.foo = b.bar JOIN c ON a.foo = c.bar
-- ;;
SELECT 1 FROM a LEFT JOIN b ON a.foo = b.bar JOIN c ON a.foo = c.bar
-- ;;
SELECT 1 FROM a LEFT OUTER JOIN b ON a.foo = b.bar
-- ;;
SELECT 1 FROM a NATURAL JOIN b
-- ;;
SELECT 1 FROM a NATURAL LEFT JOIN b
-- ;;
SELECT 1 FROM a NATURAL LEFT OUTER JOIN b
-- ;;
SELECT 1 FROM a FULL JOIN b ON a.foo = b.bar
-- ;;
SELECT 1 UNION ALL SELECT 2
-- ;;
SELECT 1 EXCEPT SELECT 2
-- ;;
SELECT 1 INTERSECT SELECT 2
-- ;;
SELECT * FROM (x)
-- ;;
SELECT * FROM ((x))
-- ;;
SELECT * FROM (((x)))
-- ;;
SELECT * FROM ((SELECT 1))
-- ;;
SELECT * FROM (SELECT 1) AS x
-- ;;
SELECT * FROM (SELECT 1 UNION SELECT 2) AS x
-- ;;
SELECT * FROM (SELECT 1 UNION ALL SELECT 2) AS x
-- ;;
SELECT * FROM (SELECT 1 UNION ALL SELECT 2)
-- ;;
SELECT * FROM (table1 AS t1 LEFT JOIN table2 AS t2 ON 1 = 1)
-- ;;
SELECT * FROM (tbl1 LEFT JOIN tbl2 ON 1 = 1)
-- ;;
SELECT * FROM (tbl1, tbl2 JOIN tbl3 ON TRUE)
-- ;;
SELECT * FROM (tbl1 CROSS JOIN tbl2)
-- ;;
SELECT * FROM (tbl1 CROSS JOIN tbl2) AS t
-- ;;
SELECT * FROM (tbl AS tbl) AS t
-- ;;
SELECT * FROM (tbl1 JOIN (tbl2 CROSS JOIN tbl3) ON bla = foo)
-- ;;
WITH out AS (SELECT 1 AS c) SELECT * FROM out
-- ;;
WITH a AS (SELECT 1) SELECT 1 UNION ALL SELECT 2
-- ;;
WITH a AS (SELECT 1) SELECT 1 UNION SELECT 2
-- ;;
WITH a AS (SELECT 1) SELECT 1 INTERSECT SELECT 2
-- ;;
WITH a AS (SELECT 1) SELECT 1 EXCEPT SELECT 2
-- ;;
SELECT * FROM ((SELECT 1 AS x) CROSS JOIN (SELECT 2 AS y)) AS z
-- ;;
WITH a AS (SELECT 1) SELECT a.* FROM a
-- ;;
WITH a AS (SELECT 1), b AS (SELECT 2) SELECT a.*, b.* FROM a CROSS JOIN b
-- ;;
WITH a AS (WITH b AS (SELECT 1 AS x) SELECT b.x FROM b) SELECT a.x FROM a
-- ;;
WITH baz AS (SELECT 1 AS col) UPDATE bar SET cid = baz.col1 FROM baz
-- ;;
SELECT * FROM (WITH y AS (SELECT 1 AS z) SELECT z FROM y) AS x
-- ;;
SELECT RANK() OVER () FROM x
-- ;;
SELECT RANK() OVER () AS y FROM x
-- ;;
SELECT RANK() OVER (PARTITION BY a) FROM x
-- ;;
SELECT RANK() OVER (PARTITION BY a, b) FROM x
-- ;;
SELECT RANK() OVER (ORDER BY a) FROM x
-- ;;
SELECT RANK() OVER (ORDER BY a, b) FROM x
-- ;;
SELECT RANK() OVER (PARTITION BY a ORDER BY a) FROM x
-- ;;
SELECT RANK() OVER (PARTITION BY a, b ORDER BY a, b DESC) FROM x
-- ;;
SELECT SUM(x) OVER (PARTITION BY a) AS y FROM x
-- ;;
SELECT SUM(x) OVER (PARTITION BY a ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
-- ;;
SELECT SUM(x) OVER (PARTITION BY a ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
-- ;;
SELECT SUM(x) OVER (PARTITION BY a ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
-- ;;
SELECT SUM(x) OVER (PARTITION BY a ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
-- ;;
SELECT SUM(x) OVER (PARTITION BY a RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
-- ;;
SELECT SUM(x) OVER (PARTITION BY a RANGE BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)
-- ;;
SELECT AVG(x) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t
-- ;;
SELECT SUM(x) OVER (PARTITION BY a ORDER BY date ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)
-- ;;
SELECT SUM(x) FILTER(WHERE x > 1)
-- ;;
SELECT SUM(x) FILTER(WHERE x > 1) OVER (ORDER BY y)
-- ;;
SELECT COUNT(DISTINCT a) OVER (PARTITION BY c ORDER BY d ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)
-- ;;
SELECT a['1'], b[0], x.c[0], "x".d['1'] FROM x
-- ;;
SELECT ARRAY(1, 2, 3) FROM x
-- ;;
SELECT ARRAY(ARRAY(1), ARRAY(2)) FROM x
-- ;;
SELECT MAP[ARRAY(1), ARRAY(2)] FROM x
-- ;;
SELECT MAX(ARRAY(1, 2, 3)) FROM x
-- ;;
CREATE TABLE a.b AS SELECT 1
-- ;;
CREATE TABLE a.b AS SELECT a FROM a.c
-- ;;
CREATE TABLE IF NOT EXISTS x AS SELECT a FROM d
-- ;;
CREATE TABLE z (a INT, b VARCHAR, c VARCHAR(100), d DECIMAL(5, 3))
-- ;;
CREATE TABLE z (end INT)
-- ;;
CREATE TABLE z (n INT DEFAULT 0 NOT NULL)
-- ;;
CREATE TABLE z (a INT(11) NOT NULL DEFAULT 1)
-- ;;
CREATE TABLE z (a INT(11) NOT NULL DEFAULT -1)
-- ;;
CREATE TABLE z (a INT, PRIMARY KEY (a))
-- ;;
CREATE TABLE z (a INT AUTO_INCREMENT)
-- ;;
CREATE TABLE z (a INT REFERENCES parent (b, c))
-- ;;
CREATE TABLE z (a INT, FOREIGN KEY (a) REFERENCES parent (b, c))
-- ;;
CREATE TABLE foo (bar INT REFERENCES baz (baz_id) ON DELETE NO ACTION)
-- ;;
CREATE TABLE foo (bar INT REFERENCES baz (baz_id) ON DELETE CASCADE)
-- ;;
CREATE TABLE foo (bar INT REFERENCES baz (baz_id) ON DELETE SET NULL)
-- ;;
CREATE TABLE foo (bar INT REFERENCES baz (baz_id) ON DELETE SET DEFAULT)
-- ;;
CREATE TABLE foo (bar INT REFERENCES baz (baz_id) ON UPDATE NO ACTION)
-- ;;
CREATE TABLE foo (bar INT REFERENCES baz (baz_id) ON UPDATE CASCADE)
-- ;;
CREATE TABLE foo (bar INT REFERENCES baz (baz_id) ON UPDATE SET NULL)
-- ;;
CREATE TABLE foo (bar INT REFERENCES baz (baz_id) ON UPDATE SET DEFAULT)
-- ;;
CREATE TABLE konyvszerzo (szerzo_azon INT CONSTRAINT konyvszerzo_szerzo_fk REFERENCES szerzo)
-- ;;
CREATE TABLE foo (baz_id INT REFERENCES baz (id) DEFERRABLE)
-- ;;
CREATE TABLE db.foo (id INT NOT NULL, valid_date DATE FORMAT 'YYYY-MM-DD', measurement INT COMPRESS)
-- ;;
CREATE TEMPORARY TABLE x AS SELECT a FROM d
-- ;;
CREATE TEMPORARY TABLE IF NOT EXISTS x AS SELECT a FROM d
-- ;;
CREATE VIEW IF NOT EXISTS x AS SELECT a FROM b
-- ;;
CREATE TEMPORARY VIEW x AS SELECT a FROM d
-- ;;
CREATE TEMPORARY VIEW IF NOT EXISTS x AS SELECT a FROM d
-- ;;
CREATE TEMPORARY VIEW x AS WITH y AS (SELECT 1) SELECT * FROM y
-- ;;
CREATE UNIQUE INDEX abc ON t(a, b, b)
-- ;;
CREATE UNIQUE INDEX IF NOT EXISTS my_idx ON tbl(a, b)
-- ;;
DELETE FROM x WHERE y > 1
-- ;;
DROP TABLE IF EXISTS a
-- ;;
DROP TABLE IF EXISTS a.b
-- ;;
DROP VIEW a.b
-- ;;
DROP VIEW IF EXISTS a
-- ;;
DROP VIEW IF EXISTS a.b
-- ;;
INSERT INTO x SELECT * FROM y
-- ;;
INSERT INTO x WITH y AS (SELECT 1) SELECT * FROM y
-- ;;
INSERT INTO x VALUES (1, 'a', 2.0)
-- ;;
INSERT INTO "tests_user" ("username", "first_name", "last_name") VALUES ('fiara', 'Fiara', 'Ironhide') RETURNING "tests_user"."id"
-- ;;
SELECT 1 FROM PARQUET_SCAN('/x/y/*') AS y
-- ;;
UPDATE tbl_name SET foo = 123
-- ;;
UPDATE tbl_name SET foo = 123, bar = 345
-- ;;
UPDATE db.tbl_name SET foo = 123 WHERE tbl_name.bar = 234
-- ;;
UPDATE db.tbl_name SET foo = 123, foo_1 = 234 WHERE tbl_name.bar = 234
-- ;;
UPDATE products SET price = price * 1.10 WHERE price <= 99.99 RETURNING name, price AS new_price
-- ;;
WITH a AS (SELECT 1) INSERT INTO b SELECT * FROM a
-- ;;
WITH a AS (SELECT * FROM b) UPDATE a SET col = 1
-- ;;
WITH a AS (SELECT * FROM b) DELETE FROM a
-- ;;
SELECT :hello, ? FROM x LIMIT :my_limit
-- ;;
SELECT a FROM b WHERE c IS ?
-- ;;
SELECT (WITH x AS (SELECT 1 AS y) SELECT * FROM x) AS z
-- ;;
SELECT ((SELECT 1) + 1)
-- ;;
SELECT c /* c1 */ AS alias /* c2 */
-- ;;
SELECT a /* x */, b /* x */
-- ;;
SELECT 1 /* c1 */ + 2 /* c2 */ + 3 /* c3 */
-- ;;
SELECT 1 /* c1 */ + 2 /* c2 */, 3 /* c3 */
-- ;;
SELECT FOO(x /* c */) /* FOO */, b /* b */
-- ;;
SELECT FOO(x /* c1 */ + y /* c2 */ + BLA(5 /* c3 */)) FROM (VALUES (1 /* c4 */, "test" /* c5 */)) /* c6 */
-- ;;
SELECT a FROM x WHERE a COLLATE 'utf8_general_ci' = 'b'
-- ;;
ALTER TABLE integers ADD COLUMN k INT
-- ;;
ALTER TABLE integers ADD COLUMN k INT FIRST
-- ;;
ALTER TABLE integers ADD COLUMN k INT AFTER m
-- ;;
ALTER TABLE integers DROP COLUMN k
-- ;;
SELECT div.a FROM test_table AS div
-- ;;
WITH view AS (SELECT 1 AS x) SELECT * FROM view
-- ;;
SELECT partition FROM a
-- ;;
SELECT end FROM a
-- ;;
SELECT LEFT.FOO FROM BLA AS LEFT
-- ;;
SELECT RIGHT.FOO FROM BLA AS RIGHT
-- ;;
SELECT LEFT FROM LEFT LEFT JOIN RIGHT RIGHT JOIN LEFT
-- ;;
PRAGMA schema.QUICK_CHECK('sqlite_master')
-- ;;
PRAGMA synchronous = FULL
-- ;;
PRAGMA schema.synchronous = FULL
-- ;;
PRAGMA schema.memory_limit = '1GB'
-- ;;
SELECT if.x
-- ;;
SELECT PERCENTILE_CONT(x, 0.5) OVER ()
-- ;;
WITH my_cte AS (SELECT 'a' AS desc) SELECT desc AS description FROM my_cte
-- ;;
WITH my_cte AS (SELECT 'a' AS asc) SELECT asc AS description FROM my_cte
-- ;;
SELECT * FROM current_date
-- ;;
SELECT * FROM schema.current_date
-- ;;
SELECT * FROM (tbl1 CROSS JOIN (SELECT * FROM tbl2) AS t1)
-- ;;
SELECT next, transform, if
-- ;;
SELECT "any", "case", "if", "next"
-- ;;
SELECT x FROM y ORDER BY x ASC
-- ;;
SELECT x FROM t1 UNION ALL SELECT x FROM t2 LIMIT 1
-- ;;
SELECT x FROM t1 UNION ALL SELECT x FROM t2 UNION ALL SELECT x FROM t3 LIMIT 1
-- ;;
SELECT recursive FROM t
-- ;;
SELECT (ROW_NUMBER() OVER (PARTITION BY user ORDER BY date ASC) - ROW_NUMBER() OVER (PARTITION BY user, segment ORDER BY date ASC)) AS group_id FROM example_table
-- ;;
SELECT cube, cube.x FROM cube
-- ;;
SELECT COUNT(DISTINCT "foo bar") FROM (SELECT 1 AS "foo bar") AS t
-- ;;
SELECT rename
-- ;;
SELECT attach
-- ;;
SELECT detach
-- ;;
SELECT CUME_DIST() OVER (ORDER BY 1) FROM (SELECT 1)
-- ;;
SELECT NTILE(1) OVER (ORDER BY 1) FROM (SELECT 1)
-- ;;
WITH UNNEST AS (SELECT 1 AS UNNEST) SELECT UNNEST FROM UNNEST
-- ;;
SELECT analyze FROM (SELECT 1 AS analyze)
-- ;;
SELECT UNIFORM(1, 10)
-- ;;
DROP INDEX "concurrently"
-- ;;
SELECT a BETWEEN "symmetric" AND b FROM t
-- ;;
SELECT * FROM (WITH y AS ( SELECT 1 AS z) SELECT z from y) x
-- ;;
CREATE TABLE "t_customer_account" ( "id" int, "customer_id" int, "bank" varchar(100), "account_no" varchar(100))
-- ;;
SELECT
  X(
    "aaaaaaaaaaaaaa",
    "bbbbbbbbbbbbb",
    "ccccccccc",
    "ddddddddddddd",
    "eeeeeeeeeeeee",
    "fffffff"
  ),
  ARRAY(
    "aaaaaaaaaaaaaa",
    "bbbbbbbbbbbbb",
    "ccccccccc",
    "ddddddddddddd",
    "eeeeeeeeeeeee",
    "fffffff"
  ),
  ARRAY(
    "aaaaaaaaaaaaaa",
    "bbbbbbbbbbbbb",
    "ccccccccc",
    "ddddddddddddd",
    "eeeeeeeeeeeee",
    "fffffff",
    ARRAY(
      "aaaaaaaaaaaaaa",
      "bbbbbbbbbbbbb",
      "ccccccccc",
      "ddddddddddddd",
      "eeeeeeeeeeeee",
      "fffffff"
    )
  ),
  ARRAY(
    ARRAY(
      "aaaaaaaaaaaaaa",
      "bbbbbbbbbbbbb",
      "ccccccccc",
      "ddddddddddddd",
      "eeeeeeeeeeeee",
      "fffffff"
    )
  )
-- ;;
SELECT x FROM (SELECT * FROM bla /*x*/WHERE id = 1) /*x*/
-- ;;
SELECT * /* multi
   line
   comment */
-- ;;
SELECT *
FROM foo
wHERE 1=1
    AND
        -- my comment
        EXISTS (
            SELECT 1
            FROM bar
        )
-- ;;
SELECT 1
FROM foo
WHERE 1=1
AND -- first comment
    -- second comment
    foo.a = 1
-- ;;
SELECT
    *
FROM
    a
WHERE
    /*111*/
    b = 1
    /*222*/
ORDER BY
    c
-- ;;
SELECT
    COUNT(*)
FROM
    table_a
/* join comment */
JOIN
    table_b
ON
    table_a.id = table_b.id
/* group by comment */
GROUP BY
    table_a.id
/* having comment */
HAVING
    table_a.id = 1
-- ;;
SELECT w.d + w.e AS c FROM w AS w
-- ;;
SELECT CONCAT("w"."d", "w"."e") AS "c" FROM "w" AS "w"
-- ;;
SELECT CAST(w.d AS DATE) > w.e AS a FROM w AS w
-- ;;
SELECT CAST("w"."d" AS DATE) > CAST("w"."e" AS DATE) AS "a" FROM "w" AS "w"
-- ;;
SELECT COUNT(*) FROM users WHERE last_access > '2014-09-01'
-- ;;
SELECT COUNT(*) AS "_col_0" FROM "users" AS "users" WHERE "users"."last_access" > DATETIME('2014-09-01')
-- ;;
SELECT CAST(1 AS VARCHAR) AS a FROM w AS w
-- ;;
SELECT CAST(1 + 3.2 AS DOUBLE) AS a FROM w AS w
-- ;;
SELECT (1 + 3.2) AS "a" FROM "w" AS "w"
-- ;;
SELECT '1' + 1 AS "col"
-- ;;
SELECT '1' + '1' AS "col"
-- ;;
SELECT CONCAT('1', '1') AS "col"
-- ;;
SELECT CAST('2022-01-01' AS DATE) IS NULL AS "a"
-- ;;
SELECT a FROM x WHERE b
-- ;;
SELECT "x"."a" AS "a" FROM "x" AS "x" WHERE "x"."b" <> 0
-- ;;
SELECT NOT b FROM x
-- ;;
SELECT NOT "x"."b" <> 0 AS "_col_0" FROM "x" AS "x"
-- ;;
SELECT a FROM x GROUP BY a HAVING SUM(b)
-- ;;
SELECT "x"."a" AS "a" FROM "x" AS "x" GROUP BY "x"."a" HAVING SUM("x"."b") <> 0
-- ;;
SELECT a FROM x GROUP BY a HAVING SUM(b) AND TRUE
-- ;;
SELECT "x"."a" AS "a" FROM "x" AS "x" GROUP BY "x"."a" HAVING SUM("x"."b") <> 0 AND TRUE
-- ;;
SELECT a FROM x WHERE 1
-- ;;
SELECT "x"."a" AS "a" FROM "x" AS "x" WHERE 1 <> 0
-- ;;
SELECT a FROM x WHERE COALESCE(0, 1)
-- ;;
SELECT "x"."a" AS "a" FROM "x" AS "x" WHERE COALESCE(0 <> 0, 1 <> 0)
-- ;;
SELECT a FROM x WHERE CASE WHEN COALESCE(b, 1) THEN 1 ELSE 0 END
-- ;;
SELECT "x"."a" AS "a" FROM "x" AS "x" WHERE CASE WHEN COALESCE("x"."b" <> 0, 1 <> 0) THEN 1 ELSE 0 END <> 0
-- ;;
SELECT DATE_ADD(t.d, 1, 'HOUR') FROM temporal AS t
-- ;;
SELECT DATE_ADD(CAST("t"."d" AS DATETIME), 1, 'HOUR') AS "_col_0" FROM "temporal" AS "t"
-- ;;
SELECT DATE_TRUNC('SECOND', t.d) FROM temporal AS t
-- ;;
SELECT a FROM x WHERE b > 5
-- ;;
WITH t AS (SELECT a, b FROM x) SELECT * FROM t
-- ;;
WITH t1 AS (SELECT a FROM x), t2 AS (SELECT b FROM y) SELECT t1.a, t2.b FROM t1 JOIN t2 ON t1.a = t2.b
-- ;;
SELECT x.a, y.c FROM x CROSS JOIN y
-- ;;
SELECT x.a, y.c FROM x JOIN y ON x.b = y.b
-- ;;
SELECT a.a, b.b FROM x AS a JOIN x AS b ON a.a = b.b
-- ;;
SELECT t.a FROM (SELECT a FROM x) AS t
-- ;;
SELECT t.a FROM (SELECT t.a FROM (SELECT a FROM x) AS t) AS t
-- ;;
SELECT a FROM x WHERE EXISTS (SELECT 1 FROM y WHERE y.b = x.b)
-- ;;
SELECT a, COUNT(b) FROM x GROUP BY a HAVING COUNT(b) > 1
-- ;;
SELECT a + 1 FROM x
-- ;;
SELECT a, b FROM x ORDER BY 1 DESC
-- ;;
SELECT a, COUNT(b) FROM x GROUP BY 1
-- ;;
SELECT a, b, COUNT(*) FROM x GROUP BY 1, 2
-- ;;
SELECT CASE WHEN a > 0 THEN b ELSE a END FROM x
-- ;;
SELECT x.a, y.b, z.c FROM x JOIN y ON x.b = y.b JOIN z ON y.c = z.c
-- ;;
SELECT structs.one.a_1 FROM structs
-- ;;
SELECT structs.one.b_1 FROM structs WHERE structs.one.a_1 > 0
-- ;;
SELECT a, ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) AS rn FROM x
-- ;;
SELECT x.a, (SELECT MAX(y.c) FROM y) AS m FROM x
-- ;;
SELECT a, (SELECT MAX(y.c) FROM y) FROM x UNION ALL SELECT a, (SELECT MAX(y.c) FROM y) FROM x
-- ;;
WITH t AS (SELECT a, (SELECT MAX(y.c) FROM y) FROM x) SELECT a FROM t
-- ;;
SELECT * FROM x JOIN y USING (b)
-- ;;
SELECT a FROM x UNION SELECT b FROM y UNION SELECT c FROM z
-- ;;
SELECT SUM(a) FILTER (WHERE b > 0) FROM x
-- ;;
WITH RECURSIVE cte AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM cte WHERE n < 5) SELECT * FROM cte
-- ;;
WITH RECURSIVE "_t0" AS (SELECT 1 AS "_c0" UNION ALL SELECT "_t0"."_c0" + 1 AS "_c1" FROM "_t0" AS "_t0" WHERE "_t0"."_c0" < 5) SELECT "_t0"."_c0" AS "n" FROM "_t0" AS "_t0"
-- ;;
SELECT t.id, u FROM t CROSS JOIN UNNEST(t.arr) AS u
-- ;;
SELECT x.a, p.sid FROM x JOIN (SELECT sid FROM UNNEST([STRUCT('a' AS sid), STRUCT('b')])) AS p ON x.a = p.sid
-- ;;
WITH cte AS (SELECT [STRUCT('a' AS sid)] AS arr) SELECT v.sid FROM cte, UNNEST(cte.arr) AS v
-- ;;
WITH q AS (
  SELECT
    a
  FROM x
)
SELECT
  a
FROM x
-- ;;
SELECT
  a
FROM (
  WITH q AS (
    SELECT
      a
    FROM x
  )
  SELECT a FROM x
)
-- ;;
SELECT
  a
FROM (
  SELECT
    a
  FROM x
)
-- ;;
WITH q AS (
  SELECT
    a
  FROM x
), r AS (
  SELECT
    a
  FROM q
)
SELECT
  a
FROM x
-- ;;
WITH q AS (
  SELECT
    a
  FROM y
)
SELECT
  a
FROM x AS q
WHERE
  a IN (
    SELECT
      a
    FROM q
  )
-- ;;
WITH q AS (
  SELECT
    a
  FROM y
), q2 AS (
  SELECT
    a
  FROM y
)
SELECT
  a
FROM q2 AS q
WHERE
  a IN (
    SELECT
      a
    FROM q
  )
-- ;;
SELECT
  x.a
FROM x
LEFT JOIN (
  SELECT DISTINCT
    y.b
  FROM y
) AS y
  ON x.b = y.b
-- ;;
SELECT
  x.a
FROM x
LEFT JOIN (
  SELECT
    y.b,
    SUM(y.c)
  FROM y
  GROUP BY y.b
) AS y
  ON x.b = y.b
-- ;;
SELECT
  x.a
FROM x
LEFT JOIN (
  SELECT
    SUM(y.b) AS b
  FROM y
) AS y
  ON x.b = y.b
-- ;;
SELECT
  x.a
FROM x
LEFT JOIN (
  SELECT DISTINCT
    y.b,
    y.c
  FROM y
) AS y
  ON x.b = y.b
-- ;;
SELECT
  x.a
FROM x
LEFT JOIN (
  SELECT
    y.b,
    y.c
  FROM y
  GROUP BY
    y.b,
    y.c
) AS y
  ON x.b = y.b
-- ;;
SELECT
  x.a
FROM x
JOIN (
  SELECT DISTINCT
    y.b
  FROM y
) AS y
  ON x.b = y.b
-- ;;
SELECT
  a
FROM x
LEFT JOIN (
  SELECT DISTINCT
    y.b
  FROM y
) AS y
  ON x.b = y.b
-- ;;
SELECT
  a
FROM x
CROSS JOIN (
  SELECT DISTINCT
    y.b
  FROM y
) AS y
-- ;;
SELECT
  x.a,
  y.b
FROM x
LEFT JOIN (
  SELECT DISTINCT
    y.b
  FROM y
) AS y
  ON x.b = y.b
-- ;;
SELECT
  x.a
FROM x
LEFT JOIN (
  SELECT
    y.b AS b,
    y.c + 1 AS d,
    COUNT(1)
  FROM y
  GROUP BY y.b, y.c + 1
) AS y
  ON x.b = y.b
  AND 1 = y.d
-- ;;
SELECT
  x.a
FROM x
LEFT JOIN (
  SELECT
    y.b AS b
  FROM y
  GROUP BY y.b
) AS y
  ON x.b = y.b
LEFT JOIN (
  SELECT
    y.b AS c
  FROM y
  GROUP BY y.b
) AS z
  ON y.b = z.c
-- ;;
WITH z AS (
  SELECT DISTINCT
    y.b
  FROM y
)
SELECT
  x.a
FROM x
LEFT JOIN z
  ON x.b = z.b
-- ;;
WITH z AS (
  SELECT DISTINCT
    y.b
  FROM y
)
SELECT
  x.a
FROM x
-- ;;
SELECT
  x.a
FROM x
LEFT JOIN (
  SELECT
    y.b
  FROM y
  GROUP BY
    y.b,
    y.c
) AS y
  ON x.b = y.b
-- ;;
SELECT
  x.a
FROM x
CROSS JOIN (
  SELECT
    SUM(y.b) AS b
  FROM y
) AS y
-- ;;
SELECT
  x.a
FROM x
CROSS JOIN (
  SELECT
    y.b AS b
  FROM y
  LIMIT 1
) AS y
-- ;;
SELECT
  x.a
FROM x
CROSS JOIN (
  SELECT
    1 AS b,
    2 AS c
) AS y
-- ;;
SELECT
  x.a
FROM x
CROSS JOIN (
  SELECT
    y.b
  FROM y
) AS y
-- ;;
SELECT
  x.a
FROM x
CROSS JOIN (
  SELECT
    1 AS b
  WHERE
    FALSE
) AS y
-- ;;
SELECT
  x.a
FROM x
CROSS JOIN (
  SELECT
    COUNT(*) AS b
  FROM y
  HAVING
    FALSE
) AS y
-- ;;
SELECT
  x.a
FROM x
CROSS JOIN (
  SELECT
    COUNT(*) AS b
  FROM y
  GROUP BY
    y.b
) AS y
-- ;;
SELECT
  x.a
FROM x
CROSS JOIN (
  SELECT
    COUNT(*) AS b
  FROM y
  WHERE
    FALSE
) AS y
-- ;;
SELECT
  x.a
FROM x
CROSS JOIN (
  SELECT
    UNNEST(ARRAY(1, 1)) AS b
) AS y
-- ;;
SELECT
  x.a
FROM x
CROSS JOIN (
  SELECT
    COUNT(*) AS b,
    UNNEST(ARRAY(1, 2)) AS c
  FROM y
) AS y
-- ;;
SELECT
  x.a
FROM x
LEFT JOIN (
  SELECT
    UNNEST(ARRAY(1, 1)) AS b
) AS y
  ON x.a = y.b
-- ;;
SELECT
  x.a
FROM x
LEFT JOIN (
  SELECT
    y.b AS b
  FROM y
) AS y
  ON x.a = y.b
-- ;;
SELECT
  x.a
FROM x
LEFT JOIN (
  SELECT
    y.b AS b
  FROM y
  WHERE
    y.b > 100
  LIMIT 1
) AS y
  ON x.a = y.b
-- ;;
SELECT a FROM (SELECT b FROM (SELECT c FROM x))
-- ;;
WITH cte AS (SELECT c FROM x), cte_2 AS (SELECT b FROM cte AS cte) SELECT a FROM cte_2 AS cte_2
-- ;;
SELECT b FROM (SELECT b FROM (SELECT b FROM x JOIN (SELECT b FROM y) AS y ON x.b = y.b))
-- ;;
WITH y_2 AS (SELECT b FROM y), cte AS (SELECT b FROM x JOIN y_2 AS y ON x.b = y.b), cte_2 AS (SELECT b FROM cte AS cte) SELECT b FROM cte_2 AS cte_2
-- ;;
WITH q AS (SELECT c FROM x) SELECT a FROM (SELECT b FROM q AS y) AS z
-- ;;
WITH x AS (SELECT a FROM (SELECT a FROM x) AS y) SELECT a FROM x
-- ;;
WITH y AS (SELECT a FROM x), x AS (SELECT a FROM y AS y) SELECT a FROM x
-- ;;
SELECT a, b FROM (SELECT c FROM (SELECT d FROM x) AS x) AS y JOIN x ON x.a = y.a
-- ;;
WITH x_2 AS (SELECT d FROM x), y AS (SELECT c FROM x_2 AS x) SELECT a, b FROM y AS y JOIN x ON x.a = y.a
-- ;;
SELECT * FROM (SELECT * FROM (SELECT a FROM x) AS x) AS y JOIN (SELECT * FROM x) AS z ON x.a = y.a
-- ;;
WITH x_2 AS (SELECT a FROM x), y AS (SELECT * FROM x_2 AS x), z AS (SELECT * FROM x) SELECT * FROM y AS y JOIN z AS z ON x.a = y.a
-- ;;
SELECT a FROM (SELECT a FROM (SELECT a FROM x) AS y) AS z CROSS JOIN q AS y
-- ;;
WITH y AS (SELECT a FROM x), z AS (SELECT a FROM y AS y) SELECT a FROM z AS z CROSS JOIN q AS y
-- ;;
SELECT a FROM x WHERE b = (SELECT y.c FROM y)
-- ;;
SELECT a FROM x WHERE b = (SELECT c FROM y WHERE y.a = x.a)
-- ;;
SELECT a FROM (SELECT b FROM x) AS y CROSS JOIN (SELECT b FROM x) AS z
-- ;;
WITH y AS (SELECT b FROM x) SELECT a FROM y AS y CROSS JOIN y AS z
-- ;;
SELECT x.v, y.v FROM (SELECT JSON_EXTRACT(j, '$..Key') AS v FROM t) AS x JOIN (SELECT JSON_EXTRACT(j, '$..key') AS v FROM t) AS y ON x.v = y.v
-- ;;
WITH x AS (SELECT JSON_EXTRACT(j, '$..Key') AS v FROM t), y AS (SELECT JSON_EXTRACT(j, '$..key') AS v FROM t) SELECT x.v, y.v FROM x AS x JOIN y AS y ON x.v = y.v
-- ;;
SELECT * FROM (SELECT * FROM x JOIN (SELECT * FROM x) AS y) AS z JOIN (SELECT * FROM x JOIN (SELECT * FROM x) AS y) AS q
-- ;;
WITH y AS (SELECT * FROM x), z AS (SELECT * FROM x, y AS y) SELECT * FROM z AS z, z AS q
-- ;;
SELECT x.id FROM (SELECT * FROM x AS x JOIN y AS y ON x.id = y.id) AS x JOIN (SELECT * FROM x AS x JOIN y AS y ON x.id = y.id) AS y ON x.id = y.id
-- ;;
WITH x_2 AS (SELECT * FROM x AS x JOIN y AS y ON x.id = y.id) SELECT x.id FROM x_2 AS x JOIN x_2 AS y ON x.id = y.id
-- ;;
WITH y AS (SELECT a FROM x) SELECT a FROM (SELECT a FROM x) AS y CROSS JOIN y AS z
-- ;;
WITH cte1 AS (SELECT a FROM x) SELECT a FROM (WITH cte2 AS (SELECT a FROM cte1) SELECT a FROM cte2)
-- ;;
WITH cte1 AS (SELECT a FROM x), cte2 AS (SELECT a FROM cte1), cte AS (SELECT a FROM cte2 AS cte2) SELECT a FROM cte AS cte
-- ;;
WITH cte1 AS (WITH cte2 AS (SELECT a FROM x) SELECT t.a FROM cte2 AS t) SELECT a FROM cte1
-- ;;
WITH cte2 AS (SELECT a FROM x), cte1 AS (SELECT t.a FROM cte2 AS t) SELECT a FROM cte1
-- ;;
WITH cte1 AS (SELECT a FROM x), cte2 AS (WITH cte3 AS (SELECT a FROM x) SELECT a FROM cte3) SELECT a FROM cte2
-- ;;
SELECT * FROM ((SELECT c FROM t1) JOIN t2)
-- ;;
SELECT * FROM x AS x, y AS y2
-- ;;
SELECT * FROM (SELECT * FROM x AS x) AS x, (SELECT * FROM y AS y2) AS y2
-- ;;
SELECT * FROM x AS x WHERE x = 1
-- ;;
SELECT * FROM x AS x CROSS JOIN y AS y
-- ;;
SELECT * FROM (SELECT * FROM x AS x) AS x CROSS JOIN (SELECT * FROM y AS y) AS y
-- ;;
SELECT * FROM (SELECT 1) AS x CROSS JOIN y AS y
-- ;;
SELECT * FROM (SELECT 1) AS x CROSS JOIN (SELECT * FROM y AS y) AS y
-- ;;
SELECT * FROM x AS x JOIN (SELECT * FROM y) AS y
-- ;;
SELECT * FROM (SELECT * FROM x AS x) AS x, (SELECT * FROM y) AS y
-- ;;
WITH y AS (SELECT *) SELECT * FROM x AS x
-- ;;
WITH y AS (SELECT * FROM y AS y2 CROSS JOIN x AS z2) SELECT * FROM x AS x CROSS JOIN y as y
-- ;;
WITH y AS (SELECT * FROM (SELECT * FROM y AS y2) AS y2 CROSS JOIN (SELECT * FROM x AS z2) AS z2) SELECT * FROM (SELECT * FROM x AS x) AS x CROSS JOIN y AS y
-- ;;
SELECT * FROM (SELECT * FROM x AS x) AS x CROSS JOIN xx AS y
-- ;;
SELECT a, b FROM (SELECT a, b FROM x)
-- ;;
SELECT x.a AS a, x.b AS b FROM x AS x
-- ;;
SELECT c * 2 AS d FROM (SELECT a + b AS c FROM x)
-- ;;
SELECT (x.a + x.b) * 2 AS d FROM x AS x
-- ;;
SELECT c + d AS e FROM (SELECT a + b AS c, a AS d FROM x)
-- ;;
SELECT (x.a + x.b) + x.a AS e FROM x AS x
-- ;;
WITH cte AS (SELECT a * b AS c, a AS d FROM x) SELECT c + d AS e FROM cte
-- ;;
SELECT (x.a * x.b) + x.a AS e FROM x AS x
-- ;;
SELECT 2 * foo AS bar FROM (SELECT CAST(b AS DOUBLE) AS foo FROM x)
-- ;;
SELECT 2 * CAST(x.b AS DOUBLE) AS bar FROM x AS x
-- ;;
SELECT foo * 2 AS bar FROM (SELECT (1 + 2 + 3) AS foo FROM x)
-- ;;
SELECT (1 + 2 + 3) * 2 AS bar FROM x AS x
-- ;;
SELECT a, b FROM (SELECT a, b FROM x AS q) AS r
-- ;;
SELECT a, b FROM (SELECT a, b FROM (SELECT a, b FROM x))
-- ;;
SELECT a, SUM(b) AS b FROM (SELECT a, b FROM x WHERE a > 1) GROUP BY a
-- ;;
SELECT x.a AS a, SUM(x.b) AS b FROM x AS x WHERE x.a > 1 GROUP BY x.a
-- ;;
SELECT a, c FROM (SELECT a, b FROM x WHERE a > 1) AS x JOIN y ON x.b = y.b
-- ;;
SELECT x.a AS a, y.c AS c FROM x AS x JOIN y AS y ON x.b = y.b WHERE x.a > 1
-- ;;
SELECT x.a AS a, y.c AS c FROM (SELECT x.a AS a, x.b AS b FROM x AS x WHERE x.a > 1) AS x JOIN y AS y ON x.b = y.b
-- ;;
SELECT a, c FROM x JOIN (SELECT b, c FROM y) AS y ON x.b = y.b
-- ;;
SELECT x.a AS a, y.c AS c FROM x AS x JOIN y AS y ON x.b = y.b
-- ;;
SELECT a, c FROM (SELECT a, c FROM x JOIN y ON x.b = y.b)
-- ;;
SELECT a, c FROM (SELECT q.a, q.b FROM x AS q) AS x JOIN y AS q ON x.b = q.b
-- ;;
SELECT x.a, q.c FROM (SELECT a, x.b FROM x JOIN y AS q ON x.b = q.b) AS x JOIN y AS q ON x.b = q.b
-- ;;
SELECT x.a AS a, q.c AS c FROM x AS x JOIN y AS q_2 ON x.b = q_2.b JOIN y AS q ON x.b = q.b
-- ;;
SELECT x.a, q.c, r.c FROM (SELECT q.a, r.b FROM x AS q JOIN y AS r ON q.b = r.b) AS x JOIN y AS q ON x.b = q.b JOIN y AS r ON x.b = r.b ORDER BY x.a, q.c, r.c
-- ;;
SELECT q_2.a AS a, q.c AS c, r.c AS c FROM x AS q_2 JOIN y AS r_2 ON q_2.b = r_2.b JOIN y AS q ON r_2.b = q.b JOIN y AS r ON r_2.b = r.b ORDER BY q_2.a, q.c, r.c
-- ;;
SELECT r.b FROM (SELECT b FROM x AS x) AS q JOIN (SELECT b FROM x) AS r ON q.b = r.b
-- ;;
SELECT x_2.b AS b FROM x AS x JOIN x AS x_2 ON x.b = x_2.b
-- ;;
SELECT x.a, y.c FROM x JOIN (SELECT b, c FROM y WHERE c > 1) AS y ON x.b = y.b ORDER BY x.a
-- ;;
SELECT * FROM x WHERE (A AND B) OR C
-- ;;
SELECT * FROM x WHERE (A OR C) AND (B OR C)
-- ;;
SELECT A AS A FROM (SELECT a AS A FROM x)
-- ;;
SELECT a AS B FROM x ORDER BY B
-- ;;
SELECT A AS B FROM X GROUP BY A HAVING SUM(B) > 0
-- ;;
SELECT A AS B, SUM(B) AS C FROM X GROUP BY A HAVING C > 0
-- ;;
SELECT A AS A FROM X UNION SELECT A AS A FROM X
-- ;;
SELECT COALESCE(json_val.a /* sqlglot.meta case_sensitive */, json_val.A /* sqlglot.meta case_sensitive */) FROM tbl
-- ;;
SELECT `foo`, `BaR` FROM baz CROSS JOIN `bla` CROSS JOIN bloo
-- ;;
SELECT * FROM x JOIN y ON y.a = 1 JOIN z ON x.a = z.a AND y.a = z.a
-- ;;
SELECT * FROM x JOIN z ON x.a = z.a AND TRUE JOIN y ON y.a = 1 AND y.a = z.a
-- ;;
SELECT * FROM x JOIN y ON y.a = 1 JOIN z ON x.a = z.a
-- ;;
SELECT * FROM x CROSS JOIN y JOIN z ON x.a = z.a AND y.a = z.a
-- ;;
SELECT * FROM x JOIN z ON x.a = z.a AND TRUE JOIN y ON y.a = z.a
-- ;;
SELECT * FROM x LEFT JOIN y ON y.a = 1 JOIN z ON x.a = z.a AND y.a = z.a
-- ;;
SELECT * FROM x INNER JOIN z ON x.id = z.id
-- ;;
SELECT * FROM x JOIN z ON x.id = z.id
-- ;;
SELECT * FROM x LEFT OUTER JOIN z
-- ;;
SELECT * FROM x LEFT JOIN z ON TRUE
-- ;;
SELECT * FROM x JOIN z
-- ;;
SELECT * FROM x FULL JOIN z
-- ;;
SELECT * FROM x FULL JOIN z ON TRUE
-- ;;
SELECT * FROM x NATURAL JOIN z
-- ;;
SELECT * FROM x RIGHT JOIN z
-- ;;
SELECT * FROM x RIGHT JOIN z ON TRUE
-- ;;
SELECT * FROM x CROSS JOIN z ON TRUE
-- ;;
SELECT * FROM x CROSS JOIN y ANTI JOIN z ON x.a = z.a AND y.a = x.a
-- ;;
SELECT * FROM x CROSS JOIN y JOIN z ON x.a = z.a OR y.a = x.a
-- ;;
SELECT * FROM x CROSS JOIN y SEMI JOIN z ON x.a = z.a OR y.a = x.a
-- ;;
SELECT CASE WHEN x.a > 1 THEN x.b WHEN TRUE THEN 2 END AS result FROM x
-- ;;
SELECT
  CASE WHEN "x"."a" > 1 THEN "x"."b" ELSE 2 END AS "result"
FROM "x" AS "x"
-- ;;
WITH cte1 AS (
    SELECT a
    FROM x
), cte2 AS (
    SELECT a + 1 AS a
    FROM cte1
)
SELECT
    a
FROM cte1
UNION ALL
SELECT
    a
FROM cte2
-- ;;
WITH "cte1" AS (
  SELECT
    "x"."a" AS "a"
  FROM "x" AS "x"
)
SELECT
  "cte1"."a" AS "a"
FROM "cte1" AS "cte1"
UNION ALL
SELECT
  "cte1"."a" + 1 AS "a"
FROM "cte1" AS "cte1"
-- ;;
SELECT a, SUM(b) AS sum_b
FROM (
    SELECT x.a, y.b
    FROM x, y
    WHERE (SELECT max(b) FROM y WHERE x.b = y.b) >= 0 AND x.b = y.b
) d
WHERE (TRUE AND TRUE OR 'a' = 'b') AND a > 1
GROUP BY a
-- ;;
WITH "_u_0" AS (
  SELECT
    MAX("y"."b") AS "_col_0",
    "y"."b" AS "_u_1"
  FROM "y" AS "y"
  GROUP BY
    "y"."b"
)
SELECT
  "x"."a" AS "a",
  SUM("y"."b") AS "sum_b"
FROM "x" AS "x"
JOIN "y" AS "y"
  ON "x"."b" = "y"."b"
LEFT JOIN "_u_0" AS "_u_0"
  ON "_u_0"."_u_1" = "x"."b"
WHERE
  "_u_0"."_col_0" >= 0 AND "x"."a" > 1
GROUP BY
  "x"."a"
-- ;;
SELECT /*+ BROADCAST(y) */ x.b FROM x JOIN y ON x.b = y.b
-- ;;
SELECT AGGREGATE(ARRAY(x.a, x.b), 0, (x, acc) -> x + acc + a) AS sum_agg FROM x
-- ;;
SELECT
  AGGREGATE(ARRAY("x"."a", "x"."b"), 0, ("x", "acc") -> "x" + "acc" + "x"."a") AS "sum_agg"
FROM "x" AS "x"
-- ;;
WITH m AS (
  SELECT
    x.a,
    x.b
  FROM x
), n AS (
  SELECT
    y.b,
    y.c
  FROM y
), joined as (
  SELECT /*+ BROADCAST(n) */
    m.a,
    n.c
  FROM m JOIN n ON m.b = n.b
)
SELECT
  joined.a,
  joined.c
FROM joined
-- ;;
WITH cte1 AS (
  WITH cte2 AS (
    SELECT a, b FROM x
  )
  SELECT a1
  FROM (
    WITH cte3 AS (SELECT 1)
    SELECT a AS a1, b AS b1 FROM cte2
  )
)
SELECT a1 FROM cte1
-- ;;
SELECT
  "x"."a" AS "a1"
FROM "x" AS "x"
-- ;;
WITH RECURSIVE cte1 AS (
  SELECT *
  FROM (
      SELECT 1 AS a, 2 AS b
  ) base
  CROSS JOIN (SELECT 3 c) y
  UNION ALL
  SELECT *
  FROM cte1
  WHERE a < 1
)
SELECT *
FROM cte1
-- ;;
WITH RECURSIVE "base" AS (
  SELECT
    1 AS "a",
    2 AS "b"
), "y" AS (
  SELECT
    3 AS "c"
), "cte1" AS (
  SELECT
    "base"."a" AS "a",
    "base"."b" AS "b",
    "y"."c" AS "c"
  FROM "base" AS "base"
  CROSS JOIN "y" AS "y"
  UNION ALL
  SELECT
    "cte1"."a" AS "a",
    "cte1"."b" AS "b",
    "cte1"."c" AS "c"
  FROM "cte1" AS "cte1"
  WHERE
    "cte1"."a" < 1
)
SELECT
  "cte1"."a" AS "a",
  "cte1"."b" AS "b",
  "cte1"."c" AS "c"
FROM "cte1" AS "cte1"
-- ;;
SELECT x.a, y.b
FROM x
RIGHT JOIN y
ON x.a = y.b
WHERE x.b = 1
-- ;;
SELECT
  "x"."a" AS "a",
  "y"."b" AS "b"
FROM "x" AS "x"
RIGHT JOIN "y" AS "y"
  ON "x"."a" = "y"."b"
WHERE
  "x"."b" = 1
-- ;;
WITH "y_2" AS (
  SELECT
    "y"."b" AS "b"
  FROM "y" AS "y"
  WHERE
    "y"."b" = 1
)
SELECT
  "x"."a" AS "a",
  "y"."b" AS "b"
FROM "x" AS "x"
RIGHT JOIN "y_2" AS "y"
  ON "x"."a" = "y"."b"
-- ;;
SELECT x.a + 1 AS c, c + 1 AS d FROM x
-- ;;
SELECT
  "x"."a" + 1 AS "c",
  "x"."a" + 2 AS "d"
FROM "x" AS "x"
-- ;;
SELECT
  main_query.id,
  main_query.score
FROM (
  SELECT
    alias_1.id,
    score
  FROM (
    SELECT
      company_table.score AS score,
      id
    FROM company_table
  ) AS alias_1
  JOIN (
    SELECT
      id
    FROM (
      SELECT
        company_table_2.id,
        CASE WHEN unlocked.company_id IS NULL THEN 0 ELSE 1 END AS is_exported
      FROM company_table AS company_table_2
      LEFT JOIN unlocked AS unlocked
        ON company_table_2.id = unlocked.company_id
    )
    WHERE
      NOT id IS NULL AND is_exported = FALSE
  ) AS alias_2
    ON (
      alias_1.id = alias_2.id
    )
) AS main_query
-- ;;
WITH "alias_2" AS (
  SELECT
    "company_table_2"."id" AS "id"
  FROM "company_table" AS "company_table_2"
  LEFT JOIN "unlocked" AS "unlocked"
    ON "company_table_2"."id" = "unlocked"."company_id"
  WHERE
    CASE WHEN "unlocked"."company_id" IS NULL THEN 0 ELSE 1 END = FALSE
    AND NOT "company_table_2"."id" IS NULL
)
SELECT
  "company_table"."id" AS "id",
  "company_table"."score" AS "score"
FROM "company_table" AS "company_table"
JOIN "alias_2" AS "alias_2"
  ON "alias_2"."id" = "company_table"."id"
-- ;;
select * from db1.tbl, db2.tbl
-- ;;
SELECT
  "tbl"."a" AS "a",
  "tbl_2"."b" AS "b"
FROM "db1"."tbl" AS "tbl"
CROSS JOIN "db2"."tbl" AS "tbl_2"
-- ;;
with cte1("id", foo) as (select 1, 2) select "id" from cte1
-- ;;
WITH "CTE1" AS (
  SELECT
    1 AS "id"
)
SELECT
  "CTE1"."id" AS "id"
FROM "CTE1" AS "CTE1"
-- ;;
SELECT "foO".x FROM (SELECT 1 AS x) AS "foO"
-- ;;
SELECT a + 1 + 1 + 1 + 1 AS b, 2 + 1 AS c FROM x GROUP BY a + 1 + 1 HAVING a + 1 + 1 + 1 + 1 > 1
-- ;;
SELECT
  "x"."a" + 1 + 1 + 1 + 1 AS "b",
  3 AS "c"
FROM "x" AS "x"
GROUP BY
  "x"."a" + 1 + 1
HAVING
  "x"."a" + 1 + 1 + 1 + 1 > 1
-- ;;
WITH cte AS (SELECT a * b AS c, a AS d, b as e FROM x) SELECT c + d - (c - e) AS f FROM cte
-- ;;
SELECT
  "x"."a" * "x"."b" + "x"."a" - (
    "x"."a" * "x"."b" - "x"."b"
  ) AS "f"
FROM "x" AS "x"
-- ;;
WITH y(c) AS (SELECT SUM(a) FROM (SELECT 1 a) AS x HAVING c > 0) SELECT c FROM y
-- ;;
WITH y(c) AS (SELECT SUM(a) AS c FROM (SELECT 1 AS a) AS x HAVING c > 0) SELECT c FROM y
-- ;;
WITH y(c) AS (SELECT SUM(a) as d FROM (SELECT 1 a) AS x HAVING c > 0) SELECT c FROM y
-- ;;
WITH x(c) AS (SELECT SUM(1) a HAVING c > 0 LIMIT 1) SELECT * FROM x
-- ;;
WITH x(c) AS (SELECT SUM(1) AS c HAVING c > 0 LIMIT 1) SELECT * FROM x
-- ;;
WITH x(c) AS (SELECT SUM(a) FROM x HAVING c > 0 UNION ALL SELECT SUM(a) FROM y HAVING c > 0) SELECT * FROM x
-- ;;
SELECT x.a AS a FROM (SELECT x.a FROM x AS x) AS x JOIN y WHERE x.a = 1 AND x.b = 1 AND y.a = 1
-- ;;
SELECT x.a AS a FROM (SELECT x.a FROM x AS x WHERE x.a = 1 AND x.b = 1) AS x JOIN y ON y.a = 1 WHERE TRUE AND TRUE AND TRUE
-- ;;
WITH x AS (SELECT y.a FROM y) SELECT * FROM x WHERE x.a = 1
-- ;;
WITH x AS (SELECT y.a FROM y WHERE y.a = 1) SELECT * FROM x WHERE TRUE
-- ;;
SELECT x.a FROM (SELECT * FROM x) AS x CROSS JOIN y WHERE y.a = 1 OR (x.a = 1 AND x.b = 1)
-- ;;
SELECT x.a FROM (SELECT * FROM x) AS x CROSS JOIN y WHERE (x.a = 1 AND x.b = 1) OR y.a = 1
-- ;;
SELECT x.a FROM (SELECT * FROM x) AS x JOIN y WHERE (x.a = y.a AND x.a = 1 AND x.b = 1) OR x.a = y.a
-- ;;
SELECT x.a FROM (SELECT * FROM x) AS x JOIN y ON x.a = y.a WHERE TRUE
-- ;;
SELECT x.a FROM (SELECT * FROM x) AS x JOIN y ON (x.a = 1 AND x.a = y.a AND x.b = 1) OR x.a = y.b WHERE (x.a = 1 AND x.a = y.a AND x.b = 1) OR x.a = y.b
-- ;;
SELECT x.a FROM (SELECT x.a AS a, x.b * 1 AS c FROM x) AS x WHERE x.c = 1
-- ;;
SELECT x.a FROM (SELECT x.a AS a, x.b * 1 AS c FROM x WHERE (x.b * 1) = 1) AS x WHERE TRUE
-- ;;
SELECT x.a FROM (SELECT x.a AS a, x.b * 1 AS c FROM x) AS x WHERE x.c = 1 or x.c = 2
-- ;;
SELECT x.a FROM (SELECT x.a AS a, x.b * 1 AS c FROM x WHERE (x.b * 1) = 1 OR (x.b * 1) = 2) AS x WHERE TRUE
-- ;;
SELECT x.a FROM (SELECT x.a AS a, x.b OR x.c AS d FROM x) AS x WHERE x.d = FALSE
-- ;;
SELECT x.a FROM (SELECT x.a AS a, x.b OR x.c AS d FROM x WHERE (x.b OR x.c) = FALSE) AS x WHERE TRUE
-- ;;
SELECT x.a FROM (SELECT x.a AS a, x.b AND x.c AS d FROM x) AS x WHERE NOT x.d
-- ;;
SELECT x.a FROM (SELECT x.a AS a, x.b AND x.c AS d FROM x WHERE NOT x.b OR NOT x.c) AS x WHERE TRUE
-- ;;
SELECT x.a AS a FROM (SELECT x.a FROM x AS x) AS x JOIN y WHERE x.a = 1 AND x.b = 1 AND (x.c = 1 OR y.c = 1)
-- ;;
SELECT x.a AS a FROM (SELECT x.a FROM x AS x WHERE x.a = 1 AND x.b = 1) AS x JOIN y ON x.c = 1 OR y.c = 1 WHERE TRUE AND TRUE AND (TRUE)
-- ;;
SELECT x.a FROM x AS x JOIN (SELECT y.a FROM y AS y) AS y ON y.a = 1 AND x.a = y.a
-- ;;
SELECT x.a FROM x AS x JOIN (SELECT y.a FROM y AS y WHERE y.a = 1) AS y ON x.a = y.a AND TRUE
-- ;;
SELECT x.a AS a FROM x AS x JOIN (SELECT * FROM y AS y) AS y ON y.a = 1 WHERE x.a = 1 AND x.b = 1 AND y.a = x.a
-- ;;
SELECT x.a AS a FROM x AS x JOIN (SELECT * FROM y AS y WHERE y.a = 1) AS y ON x.a = y.a AND TRUE WHERE x.a = 1 AND TRUE AND x.b = 1
-- ;;
SELECT x.a AS a FROM x AS x CROSS JOIN (SELECT * FROM y AS y) AS y WHERE x.a = 1 AND x.b = 1 AND y.a = x.a AND y.a = 1
-- ;;
SELECT x.a AS a FROM x AS x JOIN (SELECT * FROM y AS y WHERE y.a = 1) AS y ON x.a = y.a AND TRUE WHERE x.a = 1 AND TRUE AND x.b = 1 AND TRUE
-- ;;
with t1 as (SELECT x.a, x.b, ROW_NUMBER() OVER (PARTITION BY x.a ORDER BY x.a) as row_num FROM x) SELECT t1.a, t1.b FROM t1 WHERE row_num = 1
-- ;;
SELECT x.cnt AS cnt FROM (SELECT COUNT(1) AS cnt FROM x AS x) AS x WHERE x.cnt > 0
-- ;;
SELECT x.cnt AS cnt FROM (SELECT COUNT(1) AS cnt FROM x AS x HAVING COUNT(1) > 0) AS x WHERE TRUE
-- ;;
SELECT x.cnt AS cnt FROM (SELECT COUNT(1) AS cnt, COUNT(x.a) AS cnt_a, COUNT(x.b) AS cnt_b FROM x AS x) AS x WHERE (x.cnt_a > 0 AND x.cnt_b > 0) OR x.cnt > 0
-- ;;
SELECT x.cnt AS cnt FROM (SELECT COUNT(1) AS cnt, COUNT(x.a) AS cnt_a, COUNT(x.b) AS cnt_b FROM x AS x HAVING COUNT(1) > 0 OR (COUNT(x.a) > 0 AND COUNT(x.b) > 0)) AS x WHERE x.cnt > 0 OR (x.cnt_a > 0 AND x.cnt_b > 0)
-- ;;
SELECT a FROM (SELECT * FROM x)
-- ;;
SELECT _0.a AS a FROM (SELECT x.a AS a FROM x AS x) AS _0
-- ;;
SELECT a FROM (SELECT a, b AS unused, a AS j, -b AS j FROM x ORDER BY 3, 4 LIMIT 2) AS t
-- ;;
SELECT t.a AS a FROM (SELECT x.a AS a, x.b AS unused, x.a AS j, -x.b AS j FROM x AS x ORDER BY 3, 4 LIMIT 2) AS t
-- ;;
SELECT 1 FROM (SELECT * FROM x) WHERE b = 2
-- ;;
SELECT 1 AS "1" FROM (SELECT x.b AS b FROM x AS x) AS _0 WHERE _0.b = 2
-- ;;
SELECT x.a AS a, x.b AS b, x.a AS a FROM x AS x
-- ;;
SELECT (SELECT c FROM y WHERE q.b = y.b) FROM (SELECT * FROM x) AS q
-- ;;
SELECT (SELECT y.c AS c FROM y AS y WHERE q.b = y.b) AS _col_0 FROM (SELECT x.b AS b FROM x AS x) AS q
-- ;;
SELECT a FROM x JOIN (SELECT b, c FROM y) AS z ON x.b = z.b
-- ;;
SELECT x.a AS a FROM x AS x JOIN (SELECT y.b AS b FROM y AS y) AS z ON x.b = z.b
-- ;;
SELECT x1.a FROM (SELECT * FROM x) AS x1, (SELECT * FROM x) AS x2
-- ;;
SELECT x1.a AS a FROM (SELECT x.a AS a FROM x AS x) AS x1, (SELECT 1 AS _ FROM x AS x) AS x2
-- ;;
SELECT a FROM (SELECT DISTINCT a, b FROM x)
-- ;;
SELECT _0.a AS a FROM (SELECT DISTINCT x.a AS a, x.b AS b FROM x AS x) AS _0
-- ;;
SELECT a FROM (SELECT a, b FROM x UNION ALL SELECT a, b FROM x)
-- ;;
SELECT _0.a AS a FROM (SELECT x.a AS a FROM x AS x UNION ALL SELECT x.a AS a FROM x AS x) AS _0
-- ;;
WITH t1 AS (SELECT x.a AS a, x.b AS b FROM x UNION ALL SELECT z.b AS b, z.c AS c FROM z) SELECT a, b FROM t1
-- ;;
WITH t1 AS (SELECT x.a AS a, x.b AS b FROM x AS x UNION ALL SELECT z.b AS b, z.c AS c FROM z AS z) SELECT t1.a AS a, t1.b AS b FROM t1 AS t1
-- ;;
SELECT a FROM (SELECT a, b FROM x UNION SELECT a, b FROM x)
-- ;;
SELECT _0.a AS a FROM (SELECT x.a AS a, x.b AS b FROM x AS x UNION SELECT x.a AS a, x.b AS b FROM x AS x) AS _0
-- ;;
WITH y AS (SELECT * FROM x) SELECT a FROM y
-- ;;
WITH y AS (SELECT x.a AS a FROM x AS x) SELECT y.a AS a FROM y AS y
-- ;;
WITH z AS (SELECT * FROM x), q AS (SELECT b FROM z) SELECT b FROM q
-- ;;
WITH z AS (SELECT x.b AS b FROM x AS x), q AS (SELECT z.b AS b FROM z AS z) SELECT q.b AS b FROM q AS q
-- ;;
WITH z AS (SELECT * FROM x) SELECT a FROM z UNION SELECT a FROM z
-- ;;
WITH z AS (SELECT x.a AS a FROM x AS x) SELECT z.a AS a FROM z AS z UNION SELECT z.a AS a FROM z AS z
-- ;;
SELECT b FROM (SELECT a, SUM(b) AS b FROM x GROUP BY a)
-- ;;
SELECT _0.b AS b FROM (SELECT SUM(x.b) AS b FROM x AS x GROUP BY x.a) AS _0
-- ;;
WITH x AS (SELECT 0 AS c, SUM(d) AS s FROM t GROUP BY 1) SELECT s FROM x
-- ;;
SELECT a FROM zz GROUP BY a ORDER BY a
-- ;;
SELECT zz.a AS a FROM zz AS zz GROUP BY zz.a ORDER BY a
-- ;;
SELECT x, p FROM (SELECT x from xx) xx CROSS JOIN yy
-- ;;
SELECT xx.x AS x, yy.p AS p FROM (SELECT xx.x AS x FROM xx AS xx) AS xx CROSS JOIN yy AS yy
-- ;;
SELECT a FROM x AS z
-- ;;
SELECT x.a AS a FROM x
-- ;;
SELECT 1, 2 + 3 FROM x
-- ;;
SELECT 1 AS "1", 2 + 3 AS _col_1 FROM x AS x
-- ;;
SELECT a + b FROM x
-- ;;
SELECT l.a FROM x l WHERE a IN (select a FROM x ORDER by a)
-- ;;
SELECT l.a AS a FROM x AS l WHERE l.a IN (SELECT x.a AS a FROM x AS x ORDER BY a)
-- ;;
SELECT a, SUM(b) FROM x WHERE a > 1 AND b > 1 GROUP BY a
-- ;;
SELECT x.a AS a, SUM(x.b) AS _col_1 FROM x AS x WHERE x.a > 1 AND x.b > 1 GROUP BY x.a
-- ;;
SELECT SUM(a) AS c FROM x HAVING SUM(a) > 3
-- ;;
SELECT SUM(x.a) AS c FROM x AS x HAVING SUM(x.a) > 3
-- ;;
SELECT SUM(a) AS c FROM x HAVING c > 3
-- ;;
SELECT a AS j, b FROM x ORDER BY j
-- ;;
SELECT x.a AS j, x.b AS b FROM x AS x ORDER BY j
-- ;;
SELECT a AS j, b AS a FROM x ORDER BY 1
-- ;;
SELECT a AS j, -b AS j FROM x GROUP BY 1, 2 ORDER BY 1, -b
-- ;;
SELECT x.a AS j, -x.b AS j FROM x AS x GROUP BY x.a, -x.b ORDER BY 1, -x.b
-- ;;
SELECT SUM(a) AS c, SUM(b) AS d FROM x ORDER BY 1, 2
-- ;;
SELECT SUM(x.a) AS c, SUM(x.b) AS d FROM x AS x ORDER BY c, d
-- ;;
SELECT CAST(a AS INT) FROM x ORDER BY a
-- ;;
SELECT CAST(x.a AS INT) AS a FROM x AS x ORDER BY a
-- ;;
SELECT SUM(a), SUM(b) AS c FROM x ORDER BY 1, 2
-- ;;
SELECT a AS j, b FROM x GROUP BY j, b
-- ;;
SELECT x.a AS j, x.b AS b FROM x AS x GROUP BY x.a, x.b
-- ;;
SELECT a, b FROM x GROUP BY 1, 2
-- ;;
SELECT a, b FROM x ORDER BY 1, 2
-- ;;
SELECT a FROM x AS z JOIN y AS z
-- ;;
SELECT a FROM x JOIN (SELECT b FROM y WHERE y.b = x.c)
-- ;;
SELECT a FROM x AS y JOIN (SELECT a FROM y) AS q ON y.a = q.a
-- ;;
SELECT q.a FROM (SELECT x.b FROM x) AS z JOIN (SELECT a FROM z) AS q ON z.b = q.a
-- ;;
SELECT b FROM x AS a CROSS JOIN y AS b CROSS JOIN y AS c
-- ;;
SELECT x.a FROM x JOIN y USING (a)
-- ;;
SELECT x.a FROM x INNER JOIN y ON x.a = c INNER JOIN z ON x.a = c
-- ;;
SELECT b FROM x INNER JOIN y ON x.a = y.c INNER JOIN z ON x.a = z.c
-- ;;
SELECT range + 1 AS range, range AS x FROM range(3)
-- ;;
SELECT range + 1 AS range FROM range(3) WHERE range > 1
-- ;;
SELECT r.range + 1 AS x FROM range(3) AS r WHERE x > 1
-- ;;
SELECT r.range + 1 AS x FROM range(3) AS r GROUP BY x
-- ;;
SELECT SUM(r.range) AS x FROM range(3) AS r HAVING x > 1
-- ;;
SELECT r.x + 1 AS y FROM (SELECT * FROM READ_PARQUET('f')) AS r WHERE y > 1
-- ;;
SELECT r FROM range(3) AS r
-- ;;
SELECT range + 1 FROM range(3) AS range
-- ;;
SELECT r FROM (SELECT * FROM READ_PARQUET('f')) AS r
-- ;;
SELECT p.range FROM range(10) AS p WHERE EXISTS (SELECT 1 FROM range(1) AS q WHERE range > 5)
-- ;;
SELECT p.range FROM range(10) AS p WHERE EXISTS (SELECT 1 WHERE range > 5)
-- ;;
SELECT x.a FROM x AS x CROSS JOIN (SELECT * FROM x)
-- ;;
SELECT x.a AS a FROM x AS x CROSS JOIN (SELECT x.a AS a FROM x AS x) AS _0
-- ;;
SELECT x.b FROM x AS x CROSS JOIN (SELECT b FROM x)
-- ;;
SELECT * FROM y CROSS JOIN z ON y.b = z.b
-- ;;
SELECT y.b AS b, z.b AS b FROM y AS y CROSS JOIN z AS z ON y.b = z.b
-- ;;
CREATE TABLE foo AS SELECT a FROM tbl
-- ;;
CREATE TABLE foo AS SELECT tbl.a AS a FROM tbl AS tbl
-- ;;
CREATE TABLE s AS SELECT * FROM (SELECT b FROM (SELECT b FROM y))
-- ;;
CREATE TABLE s AS SELECT _1.b AS b FROM (SELECT _0.b AS b FROM (SELECT y.b AS b FROM y AS y) AS _0) AS _1
-- ;;
WITH cte AS (SELECT b FROM y) INSERT INTO s SELECT * FROM cte
-- ;;
WITH cte AS (SELECT y.b AS b FROM y AS y) INSERT INTO s SELECT cte.b AS b FROM cte AS cte
-- ;;
INSERT INTO foo SELECT a FROM tbl
-- ;;
INSERT INTO foo SELECT tbl.a AS a FROM tbl AS tbl
-- ;;
SELECT 1 FROM y.z
-- ;;
SELECT 1 FROM y.z AS z, z.a
-- ;;
SELECT results FROM Coordinates, coordinates.position AS results
-- ;;
SELECT results FROM db.coordinates, Coordinates.position AS results
-- ;;
WITH Coordinates AS (SELECT [1, 2] AS position) SELECT results FROM Coordinates, `Coordinates.position` AS results
-- ;;
WITH Coordinates AS (SELECT [1, 2] AS position) SELECT results FROM Coordinates AS Coordinates CROSS JOIN `c.Coordinates.position` AS results
-- ;;
WITH a AS (SELECT 1 FROM z) SELECT 1 FROM a
-- ;;
WITH a AS (SELECT 1 FROM z) SELECT 1 FROM a CROSS JOIN a
-- ;;
SELECT (SELECT y.c FROM y AS y) FROM x
-- ;;
SELECT * FROM ((((tbl AS tbl))))
-- ;;
SELECT * FROM ((a CROSS JOIN b) CROSS JOIN c)
-- ;;
SELECT * FROM (a CROSS JOIN (b CROSS JOIN c))
-- ;;
SELECT * FROM ((a CROSS JOIN ((b CROSS JOIN c) CROSS JOIN d)))
-- ;;
SELECT * FROM (tbl1 CROSS JOIN (SELECT * FROM tbl2) AS t1) AS t2
-- ;;
SELECT * FROM a LEFT JOIN (b INNER JOIN c ON c.id = b.id) ON b.id = a.id
-- ;;
SELECT t.a FROM (tbl AS tbl) AS t
-- ;;
SELECT * FROM ((((tbl AS tbl)))) AS _0
-- ;;
SELECT * FROM (tbl1 AS tbl1 JOIN tbl2 AS tbl2 ON id1 = id2 JOIN tbl3 AS tbl3 ON id1 = id3) AS _0
-- ;;
SELECT * FROM ((tbl1 AS tbl1 JOIN tbl2 AS tbl2 ON id1 = id2 JOIN tbl3 AS tbl3 ON id1 = id3)) AS _0
-- ;;
SELECT * FROM ((t1 CROSS JOIN t2) CROSS JOIN t3) AS t
-- ;;
SELECT * FROM ((SELECT * FROM t1) CROSS JOIN t2) AS t
-- ;;
SELECT * FROM (tbl1 AS tbl1 JOIN (tbl2 AS tbl2 JOIN tbl3 AS tbl3 ON id2 = id3) AS _0 ON id1 = id3) AS _1
-- ;;
SELECT * FROM ((SELECT * FROM t))
-- ;;
SELECT * FROM ((SELECT * FROM t1) INNER JOIN t2 ON a = b)
-- ;;
DELETE FROM t1 WHERE NOT c IN (SELECT c FROM t2)
-- ;;
SELECT db1.a.id, db2.a.id FROM db1.a JOIN db2.a ON db1.a.id = db2.a.id
-- ;;
WITH cte_tbl AS (SELECT 1 AS col2) UPDATE y SET col1 = (SELECT * FROM x) WHERE EXISTS(SELECT 1 FROM cte_tbl)
-- ;;
WITH cte AS (SELECT 1 AS c, 'name' AS name) UPDATE t SET name = cte.name FROM cte WHERE cte.c = 1
-- ;;
SELECT * FROM db1.users JOIN db2.users ON db1.users.id = db2.users.id
-- ;;
WITH cte AS (SELECT * FROM t) SELECT * FROM cte
-- ;;
SELECT x.a AS a FROM db.x
-- ;;
SELECT (EXISTS(SELECT 1 WHERE FALSE)) AND NULL
-- ;;
SELECT EXISTS(SELECT 1 WHERE FALSE) AND NULL
-- ;;
SELECT NULL AND (EXISTS(SELECT 1 WHERE FALSE))
-- ;;
SELECT c = NOT (a = b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c = (a <> b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c = NOT (a <> b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c = (a = b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c = NOT (a < b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c = (a >= b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c = NOT (a <= b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c = (a > b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c = NOT (a > b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c = (a <= b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c = NOT (a >= b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c = (a < b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c <> NOT (a = b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c <> (a <> b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c <> NOT (a <> b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c <> (a = b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c <> NOT (a < b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c <> (a >= b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c <> NOT (a <= b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c <> (a > b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c <> NOT (a > b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c <> (a <= b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c <> NOT (a >= b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT c <> (a < b) AS result FROM comparisons ORDER BY a, b, c
-- ;;
SELECT t_bool.a AND TRUE FROM t_bool
-- ;;
SELECT TRUE AND t_bool.a FROM t_bool
-- ;;
SELECT t_bool.a OR FALSE FROM t_bool
-- ;;
WITH customer_total_return
     AS (SELECT sr_customer_sk     AS ctr_customer_sk,
                sr_store_sk        AS ctr_store_sk,
                Sum(sr_return_amt) AS ctr_total_return
         FROM   store_returns,
                date_dim
         WHERE  sr_returned_date_sk = d_date_sk
                AND d_year = 2001
         GROUP  BY sr_customer_sk,
                   sr_store_sk)
SELECT c_customer_id
FROM   customer_total_return ctr1,
       store,
       customer
WHERE  ctr1.ctr_total_return > (SELECT Avg(ctr_total_return) * 1.2
                                FROM   customer_total_return ctr2
                                WHERE  ctr1.ctr_store_sk = ctr2.ctr_store_sk)
       AND s_store_sk = ctr1.ctr_store_sk
       AND s_state = 'TN'
       AND ctr1.ctr_customer_sk = c_customer_sk
ORDER  BY c_customer_id
LIMIT 100
-- ;;
SELECT dt.d_year,
               item.i_brand_id          brand_id,
               item.i_brand             brand,
               Sum(ss_ext_discount_amt) sum_agg
FROM   date_dim dt,
       store_sales,
       item
WHERE  dt.d_date_sk = store_sales.ss_sold_date_sk
       AND store_sales.ss_item_sk = item.i_item_sk
       AND item.i_manufact_id = 427
       AND dt.d_moy = 11
GROUP  BY dt.d_year,
          item.i_brand,
          item.i_brand_id
ORDER  BY dt.d_year,
          sum_agg DESC,
          brand_id
LIMIT 100
-- ;;
SELECT
  "dt"."d_year" AS "d_year",
  "item"."i_brand_id" AS "brand_id",
  "item"."i_brand" AS "brand",
  SUM("store_sales"."ss_ext_discount_amt") AS "sum_agg"
FROM "date_dim" AS "dt"
JOIN "store_sales" AS "store_sales"
  ON "dt"."d_date_sk" = "store_sales"."ss_sold_date_sk"
JOIN "item" AS "item"
  ON "item"."i_item_sk" = "store_sales"."ss_item_sk" AND "item"."i_manufact_id" = 427
WHERE
  "dt"."d_moy" = 11
GROUP BY
  "dt"."d_year",
  "item"."i_brand",
  "item"."i_brand_id"
ORDER BY
  "d_year",
  "sum_agg" DESC,
  "brand_id"
LIMIT 100
-- ;;
SELECT a.ca_state state,
               Count(*)   cnt
FROM   customer_address a,
       customer c,
       store_sales s,
       date_dim d,
       item i
WHERE  a.ca_address_sk = c.c_current_addr_sk
       AND c.c_customer_sk = s.ss_customer_sk
       AND s.ss_sold_date_sk = d.d_date_sk
       AND s.ss_item_sk = i.i_item_sk
       AND d.d_month_seq = (SELECT DISTINCT ( d_month_seq )
                            FROM   date_dim
                            WHERE  d_year = 1998
                                   AND d_moy = 7)
       AND i.i_current_price > 1.2 * (SELECT Avg(j.i_current_price)
                                      FROM   item j
                                      WHERE  j.i_category = i.i_category)
GROUP  BY a.ca_state
HAVING Count(*) >= 10
ORDER  BY cnt
LIMIT 100
-- ;;
WITH "_u_0" AS (
  SELECT DISTINCT
    "date_dim"."d_month_seq" AS "d_month_seq"
  FROM "date_dim" AS "date_dim"
  WHERE
    "date_dim"."d_moy" = 7 AND "date_dim"."d_year" = 1998
), "_u_1" AS (
  SELECT
    AVG("j"."i_current_price") AS "_col_0",
    "j"."i_category" AS "_u_2"
  FROM "item" AS "j"
  GROUP BY
    "j"."i_category"
)
SELECT
  "a"."ca_state" AS "state",
  COUNT(*) AS "cnt"
FROM "customer_address" AS "a"
JOIN "customer" AS "c"
  ON "a"."ca_address_sk" = "c"."c_current_addr_sk"
JOIN "store_sales" AS "s"
  ON "c"."c_customer_sk" = "s"."ss_customer_sk"
JOIN "date_dim" AS "d"
  ON "d"."d_date_sk" = "s"."ss_sold_date_sk"
JOIN "item" AS "i"
  ON "i"."i_item_sk" = "s"."ss_item_sk"
JOIN "_u_0" AS "_u_0"
  ON "_u_0"."d_month_seq" = "d"."d_month_seq"
LEFT JOIN "_u_1" AS "_u_1"
  ON "_u_1"."_u_2" = "i"."i_category"
WHERE
  "i"."i_current_price" > 1.2 * "_u_1"."_col_0"
GROUP BY
  "a"."ca_state"
HAVING
  COUNT(*) >= 10
ORDER BY
  "cnt"
LIMIT 100
-- ;;
SELECT i_item_id,
               Avg(ss_quantity)    agg1,
               Avg(ss_list_price)  agg2,
               Avg(ss_coupon_amt)  agg3,
               Avg(ss_sales_price) agg4
FROM   store_sales,
       customer_demographics,
       date_dim,
       item,
       promotion
WHERE  ss_sold_date_sk = d_date_sk
       AND ss_item_sk = i_item_sk
       AND ss_cdemo_sk = cd_demo_sk
       AND ss_promo_sk = p_promo_sk
       AND cd_gender = 'F'
       AND cd_marital_status = 'W'
       AND cd_education_status = '2 yr Degree'
       AND ( p_channel_email = 'N'
              OR p_channel_event = 'N' )
       AND d_year = 1998
GROUP  BY i_item_id
ORDER  BY i_item_id
LIMIT 100
-- ;;
SELECT ca_zip,
               Sum(cs_sales_price) AS "_col_1"
FROM   catalog_sales,
       customer,
       customer_address,
       date_dim
WHERE  cs_bill_customer_sk = c_customer_sk
       AND c_current_addr_sk = ca_address_sk
       AND ( SUBSTRING(ca_zip, 1, 5) IN ( '85669', '86197', '88274', '83405',
                                       '86475', '85392', '85460', '80348',
                                       '81792' )
              OR ca_state IN ( 'CA', 'WA', 'GA' )
              OR cs_sales_price > 500 )
       AND cs_sold_date_sk = d_date_sk
       AND d_qoy = 1
       AND d_year = 1998
GROUP  BY ca_zip
ORDER  BY ca_zip
LIMIT 100
-- ;;
SELECT
  "customer_address"."ca_zip" AS "ca_zip",
  SUM("catalog_sales"."cs_sales_price") AS "_col_1"
FROM "catalog_sales" AS "catalog_sales"
JOIN "customer" AS "customer"
  ON "catalog_sales"."cs_bill_customer_sk" = "customer"."c_customer_sk"
JOIN "date_dim" AS "date_dim"
  ON "catalog_sales"."cs_sold_date_sk" = "date_dim"."d_date_sk"
  AND "date_dim"."d_qoy" = 1
  AND "date_dim"."d_year" = 1998
JOIN "customer_address" AS "customer_address"
  ON (
    "catalog_sales"."cs_sales_price" > 500
    OR "customer_address"."ca_state" IN ('CA', 'WA', 'GA')
    OR SUBSTRING("customer_address"."ca_zip", 1, 5) IN ('85669', '86197', '88274', '83405', '86475', '85392', '85460', '80348', '81792')
  )
  AND "customer"."c_current_addr_sk" = "customer_address"."ca_address_sk"
GROUP BY
  "customer_address"."ca_zip"
ORDER BY
  "ca_zip"
LIMIT 100
-- ;;
SELECT i_brand_id              brand_id,
               i_brand                 brand,
               i_manufact_id,
               i_manufact,
               Sum(ss_ext_sales_price) ext_price
FROM   date_dim,
       store_sales,
       item,
       customer,
       customer_address,
       store
WHERE  d_date_sk = ss_sold_date_sk
       AND ss_item_sk = i_item_sk
       AND i_manager_id = 38
       AND d_moy = 12
       AND d_year = 1998
       AND ss_customer_sk = c_customer_sk
       AND c_current_addr_sk = ca_address_sk
       AND SUBSTRING(ca_zip, 1, 5) <> SUBSTRING(s_zip, 1, 5)
       AND ss_store_sk = s_store_sk
GROUP  BY i_brand,
          i_brand_id,
          i_manufact_id,
          i_manufact
ORDER  BY ext_price DESC,
          i_brand,
          i_brand_id,
          i_manufact_id,
          i_manufact
LIMIT 100
-- ;;
SELECT i_product_name,
               i_brand,
               i_class,
               i_category,
               Avg(inv_quantity_on_hand) qoh
FROM   inventory,
       date_dim,
       item,
       warehouse
WHERE  inv_date_sk = d_date_sk
       AND inv_item_sk = i_item_sk
       AND inv_warehouse_sk = w_warehouse_sk
       AND d_month_seq BETWEEN 1205 AND 1205 + 11
GROUP  BY rollup( i_product_name, i_brand, i_class, i_category )
ORDER  BY qoh,
          i_product_name,
          i_brand,
          i_class,
          i_category
LIMIT 100
-- ;;
SELECT
  "item"."i_product_name" AS "i_product_name",
  "item"."i_brand" AS "i_brand",
  "item"."i_class" AS "i_class",
  "item"."i_category" AS "i_category",
  AVG("inventory"."inv_quantity_on_hand") AS "qoh"
FROM "inventory" AS "inventory"
JOIN "date_dim" AS "date_dim"
  ON "date_dim"."d_date_sk" = "inventory"."inv_date_sk"
  AND "date_dim"."d_month_seq" <= 1216
  AND "date_dim"."d_month_seq" >= 1205
JOIN "item" AS "item"
  ON "inventory"."inv_item_sk" = "item"."i_item_sk"
JOIN "warehouse" AS "warehouse"
  ON "inventory"."inv_warehouse_sk" = "warehouse"."w_warehouse_sk"
GROUP BY
  ROLLUP (
    "item"."i_product_name",
    "item"."i_brand",
    "item"."i_class",
    "item"."i_category"
  )
ORDER BY
  "qoh",
  "i_product_name",
  "i_brand",
  "i_class",
  "i_category"
LIMIT 100
-- ;;
SELECT i_item_id,
               s_state,
               Grouping(s_state)   g_state,
               Avg(ss_quantity)    agg1,
               Avg(ss_list_price)  agg2,
               Avg(ss_coupon_amt)  agg3,
               Avg(ss_sales_price) agg4
FROM   store_sales,
       customer_demographics,
       date_dim,
       store,
       item
WHERE  ss_sold_date_sk = d_date_sk
       AND ss_item_sk = i_item_sk
       AND ss_store_sk = s_store_sk
       AND ss_cdemo_sk = cd_demo_sk
       AND cd_gender = 'M'
       AND cd_marital_status = 'D'
       AND cd_education_status = 'College'
       AND d_year = 2000
       AND s_state IN ( 'TN', 'TN', 'TN', 'TN',
                        'TN', 'TN' )
GROUP  BY rollup ( i_item_id, s_state )
ORDER  BY i_item_id,
          s_state
LIMIT 100
-- ;;
SELECT
  "item"."i_item_id" AS "i_item_id",
  "item"."i_item_desc" AS "i_item_desc",
  "item"."i_current_price" AS "i_current_price"
FROM "item" AS "item"
JOIN "catalog_sales" AS "catalog_sales"
  ON "catalog_sales"."cs_item_sk" = "item"."i_item_sk"
JOIN "inventory" AS "inventory"
  ON "inventory"."inv_item_sk" = "item"."i_item_sk"
  AND "inventory"."inv_quantity_on_hand" <= 500
  AND "inventory"."inv_quantity_on_hand" >= 100
JOIN "date_dim" AS "date_dim"
  ON "date_dim"."d_date_sk" = "inventory"."inv_date_sk"
  AND CAST("date_dim"."d_date" AS DATE) <= CAST('1999-05-05' AS DATE)
  AND CAST("date_dim"."d_date" AS DATE) >= CAST('1999-03-06' AS DATE)
WHERE
  "item"."i_current_price" <= 50
  AND "item"."i_current_price" >= 20
  AND "item"."i_manufact_id" IN (843, 815, 850, 840)
GROUP BY
  "item"."i_item_id",
  "item"."i_item_desc",
  "item"."i_current_price"
ORDER BY
  "i_item_id"
LIMIT 100
-- ;;
SELECT dt.d_year,
               item.i_category_id,
               item.i_category,
               Sum(ss_ext_sales_price) AS "_col_3"
FROM   date_dim dt,
       store_sales,
       item
WHERE  dt.d_date_sk = store_sales.ss_sold_date_sk
       AND store_sales.ss_item_sk = item.i_item_sk
       AND item.i_manager_id = 1
       AND dt.d_moy = 12
       AND dt.d_year = 2000
GROUP  BY dt.d_year,
          item.i_category_id,
          item.i_category
ORDER  BY Sum(ss_ext_sales_price) DESC,
          dt.d_year,
          item.i_category_id,
          item.i_category
LIMIT 100
-- ;;
SELECT
  "dt"."d_year" AS "d_year",
  "item"."i_category_id" AS "i_category_id",
  "item"."i_category" AS "i_category",
  SUM("store_sales"."ss_ext_sales_price") AS "_col_3"
FROM "date_dim" AS "dt"
JOIN "store_sales" AS "store_sales"
  ON "dt"."d_date_sk" = "store_sales"."ss_sold_date_sk"
JOIN "item" AS "item"
  ON "item"."i_item_sk" = "store_sales"."ss_item_sk" AND "item"."i_manager_id" = 1
WHERE
  "dt"."d_moy" = 12 AND "dt"."d_year" = 2000
GROUP BY
  "dt"."d_year",
  "item"."i_category_id",
  "item"."i_category"
ORDER BY
  "_col_3" DESC,
  "d_year",
  "i_category_id",
  "i_category"
LIMIT 100
-- ;;
SELECT ca_zip,
               ca_state,
               Sum(ws_sales_price) AS "_col_2"
FROM   web_sales,
       customer,
       customer_address,
       date_dim,
       item
WHERE  ws_bill_customer_sk = c_customer_sk
       AND c_current_addr_sk = ca_address_sk
       AND ws_item_sk = i_item_sk
       AND ( SUBSTRING(ca_zip, 1, 5) IN ( '85669', '86197', '88274', '83405',
                                       '86475', '85392', '85460', '80348',
                                       '81792' )
              OR i_item_id IN (SELECT i_item_id
                               FROM   item
                               WHERE  i_item_sk IN ( 2, 3, 5, 7,
                                                     11, 13, 17, 19,
                                                     23, 29 )) )
       AND ws_sold_date_sk = d_date_sk
       AND d_qoy = 1
       AND d_year = 2000
GROUP  BY ca_zip,
          ca_state
ORDER  BY ca_zip,
          ca_state
LIMIT 100
-- ;;
SELECT dt.d_year,
               item.i_brand_id         brand_id,
               item.i_brand            brand,
               Sum(ss_ext_sales_price) ext_price
FROM   date_dim dt,
       store_sales,
       item
WHERE  dt.d_date_sk = store_sales.ss_sold_date_sk
       AND store_sales.ss_item_sk = item.i_item_sk
       AND item.i_manager_id = 1
       AND dt.d_moy = 11
       AND dt.d_year = 1999
GROUP  BY dt.d_year,
          item.i_brand,
          item.i_brand_id
ORDER  BY dt.d_year,
          ext_price DESC,
          brand_id
LIMIT 100
-- ;;
SELECT
  "dt"."d_year" AS "d_year",
  "item"."i_brand_id" AS "brand_id",
  "item"."i_brand" AS "brand",
  SUM("store_sales"."ss_ext_sales_price") AS "ext_price"
FROM "date_dim" AS "dt"
JOIN "store_sales" AS "store_sales"
  ON "dt"."d_date_sk" = "store_sales"."ss_sold_date_sk"
JOIN "item" AS "item"
  ON "item"."i_item_sk" = "store_sales"."ss_item_sk" AND "item"."i_manager_id" = 1
WHERE
  "dt"."d_moy" = 11 AND "dt"."d_year" = 1999
GROUP BY
  "dt"."d_year",
  "item"."i_brand",
  "item"."i_brand_id"
ORDER BY
  "d_year",
  "ext_price" DESC,
  "brand_id"
LIMIT 100
-- ;;
SELECT i_brand_id              brand_id,
               i_brand                 brand,
               Sum(ss_ext_sales_price) ext_price
FROM   date_dim,
       store_sales,
       item
WHERE  d_date_sk = ss_sold_date_sk
       AND ss_item_sk = i_item_sk
       AND i_manager_id = 33
       AND d_moy = 12
       AND d_year = 1998
GROUP  BY i_brand,
          i_brand_id
ORDER  BY ext_price DESC,
          i_brand_id
LIMIT 100
-- ;;
SELECT
  "item"."i_brand_id" AS "brand_id",
  "item"."i_brand" AS "brand",
  SUM("store_sales"."ss_ext_sales_price") AS "ext_price"
FROM "date_dim" AS "date_dim"
JOIN "store_sales" AS "store_sales"
  ON "date_dim"."d_date_sk" = "store_sales"."ss_sold_date_sk"
JOIN "item" AS "item"
  ON "item"."i_item_sk" = "store_sales"."ss_item_sk" AND "item"."i_manager_id" = 33
WHERE
  "date_dim"."d_moy" = 12 AND "date_dim"."d_year" = 1998
GROUP BY
  "item"."i_brand",
  "item"."i_brand_id"
ORDER BY
  "ext_price" DESC,
  "brand_id"
LIMIT 100
-- ;;
SELECT
  "item"."i_item_id" AS "i_item_id",
  "item"."i_item_desc" AS "i_item_desc",
  "item"."i_current_price" AS "i_current_price"
FROM "item" AS "item"
JOIN "inventory" AS "inventory"
  ON "inventory"."inv_item_sk" = "item"."i_item_sk"
  AND "inventory"."inv_quantity_on_hand" <= 500
  AND "inventory"."inv_quantity_on_hand" >= 100
JOIN "store_sales" AS "store_sales"
  ON "item"."i_item_sk" = "store_sales"."ss_item_sk"
JOIN "date_dim" AS "date_dim"
  ON "date_dim"."d_date_sk" = "inventory"."inv_date_sk"
  AND CAST("date_dim"."d_date" AS DATE) <= CAST('1998-06-26' AS DATE)
  AND CAST("date_dim"."d_date" AS DATE) >= CAST('1998-04-27' AS DATE)
WHERE
  "item"."i_current_price" <= 93
  AND "item"."i_current_price" >= 63
  AND "item"."i_manufact_id" IN (57, 293, 427, 320)
GROUP BY
  "item"."i_item_id",
  "item"."i_item_desc",
  "item"."i_current_price"
ORDER BY
  "i_item_id"
LIMIT 100
-- ;;
SELECT c_customer_id   AS customer_id,
               c_last_name
               || ', '
               || c_first_name AS customername
FROM   customer,
       customer_address,
       customer_demographics,
       household_demographics,
       income_band,
       store_returns
WHERE  ca_city = 'Green Acres'
       AND c_current_addr_sk = ca_address_sk
       AND ib_lower_bound >= 54986
       AND ib_upper_bound <= 54986 + 50000
       AND ib_income_band_sk = hd_income_band_sk
       AND cd_demo_sk = c_current_cdemo_sk
       AND hd_demo_sk = c_current_hdemo_sk
       AND sr_cdemo_sk = cd_demo_sk
ORDER  BY c_customer_id
LIMIT 100
-- ;;
SELECT
  "customer"."c_customer_id" AS "customer_id",
  "customer"."c_last_name" || ', ' || "customer"."c_first_name" AS "customername"
FROM "customer" AS "customer"
JOIN "customer_address" AS "customer_address"
  ON "customer"."c_current_addr_sk" = "customer_address"."ca_address_sk"
  AND "customer_address"."ca_city" = 'Green Acres'
JOIN "customer_demographics" AS "customer_demographics"
  ON "customer"."c_current_cdemo_sk" = "customer_demographics"."cd_demo_sk"
JOIN "household_demographics" AS "household_demographics"
  ON "customer"."c_current_hdemo_sk" = "household_demographics"."hd_demo_sk"
JOIN "income_band" AS "income_band"
  ON "household_demographics"."hd_income_band_sk" = "income_band"."ib_income_band_sk"
  AND "income_band"."ib_lower_bound" >= 54986
  AND "income_band"."ib_upper_bound" <= 104986
JOIN "store_returns" AS "store_returns"
  ON "customer_demographics"."cd_demo_sk" = "store_returns"."sr_cdemo_sk"
ORDER BY
  "customer"."c_customer_id"
LIMIT 100
-- ;;
SELECT Sum(ws_net_paid)                         AS total_sum,
               i_category,
               i_class,
               Grouping(i_category) + Grouping(i_class) AS lochierarchy,
               Rank()
                 OVER (
                   partition BY Grouping(i_category)+Grouping(i_class), CASE
                 WHEN Grouping(
                 i_class) = 0 THEN i_category END
                   ORDER BY Sum(ws_net_paid) DESC)      AS rank_within_parent
FROM   web_sales,
       date_dim d1,
       item
WHERE  d1.d_month_seq BETWEEN 1183 AND 1183 + 11
       AND d1.d_date_sk = ws_sold_date_sk
       AND i_item_sk = ws_item_sk
GROUP  BY rollup( i_category, i_class )
ORDER  BY lochierarchy DESC,
          CASE
            WHEN lochierarchy = 0 THEN i_category
          END,
          rank_within_parent
LIMIT 100
-- ;;
SELECT
  SUM("web_sales"."ws_net_paid") AS "total_sum",
  "item"."i_category" AS "i_category",
  "item"."i_class" AS "i_class",
  GROUPING("item"."i_category") + GROUPING("item"."i_class") AS "lochierarchy",
  RANK() OVER (
    PARTITION BY GROUPING("item"."i_category") + GROUPING("item"."i_class"), CASE WHEN GROUPING("item"."i_class") = 0 THEN "item"."i_category" END
    ORDER BY SUM("web_sales"."ws_net_paid") DESC
  ) AS "rank_within_parent"
FROM "web_sales" AS "web_sales"
JOIN "date_dim" AS "d1"
  ON "d1"."d_date_sk" = "web_sales"."ws_sold_date_sk"
  AND "d1"."d_month_seq" <= 1194
  AND "d1"."d_month_seq" >= 1183
JOIN "item" AS "item"
  ON "item"."i_item_sk" = "web_sales"."ws_item_sk"
GROUP BY
  ROLLUP (
    "item"."i_category",
    "item"."i_class"
  )
ORDER BY
  "lochierarchy" DESC,
  CASE WHEN "lochierarchy" = 0 THEN "i_category" END,
  "rank_within_parent"
LIMIT 100
-- ;;
SELECT ss_customer_sk,
               Sum(act_sales) sumsales
FROM   (SELECT ss_item_sk,
               ss_ticket_number,
               ss_customer_sk,
               CASE
                 WHEN sr_return_quantity IS NOT NULL THEN
                 ( ss_quantity - sr_return_quantity ) * ss_sales_price
                 ELSE ( ss_quantity * ss_sales_price )
               END act_sales
        FROM   store_sales
               LEFT OUTER JOIN store_returns
                            ON ( sr_item_sk = ss_item_sk
                                 AND sr_ticket_number = ss_ticket_number ),
               reason
        WHERE  sr_reason_sk = r_reason_sk
               AND r_reason_desc = 'reason 38') t
GROUP  BY ss_customer_sk
ORDER  BY sumsales,
          ss_customer_sk
LIMIT 100
-- ;;
SELECT
  "store_sales"."ss_customer_sk" AS "ss_customer_sk",
  SUM(
    CASE
      WHEN NOT "store_returns"."sr_return_quantity" IS NULL
      THEN (
        "store_sales"."ss_quantity" - "store_returns"."sr_return_quantity"
      ) * "store_sales"."ss_sales_price"
      ELSE (
        "store_sales"."ss_quantity" * "store_sales"."ss_sales_price"
      )
    END
  ) AS "sumsales"
FROM "store_sales" AS "store_sales"
LEFT JOIN "store_returns" AS "store_returns"
  ON "store_returns"."sr_item_sk" = "store_sales"."ss_item_sk"
  AND "store_returns"."sr_ticket_number" = "store_sales"."ss_ticket_number"
JOIN "reason" AS "reason"
  ON "reason"."r_reason_desc" = 'reason 38'
WHERE
  "reason"."r_reason_sk" = "store_returns"."sr_reason_sk"
GROUP BY
  "store_sales"."ss_customer_sk"
ORDER BY
  "sumsales",
  "ss_customer_sk"
LIMIT 100
-- ;;
SELECT Count(*) AS "_col_0"
FROM   store_sales,
       household_demographics,
       time_dim,
       store
WHERE  ss_sold_time_sk = time_dim.t_time_sk
       AND ss_hdemo_sk = household_demographics.hd_demo_sk
       AND ss_store_sk = s_store_sk
       AND time_dim.t_hour = 15
       AND time_dim.t_minute >= 30
       AND household_demographics.hd_dep_count = 7
       AND store.s_store_name = 'ese'
ORDER  BY Count(*)
LIMIT 100
-- ;;
SELECT
  COUNT(*) AS "_col_0"
FROM "store_sales" AS "store_sales"
JOIN "household_demographics" AS "household_demographics"
  ON "household_demographics"."hd_demo_sk" = "store_sales"."ss_hdemo_sk"
  AND "household_demographics"."hd_dep_count" = 7
JOIN "store" AS "store"
  ON "store"."s_store_name" = 'ese'
  AND "store"."s_store_sk" = "store_sales"."ss_store_sk"
JOIN "time_dim" AS "time_dim"
  ON "store_sales"."ss_sold_time_sk" = "time_dim"."t_time_sk"
  AND "time_dim"."t_hour" = 15
  AND "time_dim"."t_minute" >= 30
ORDER BY
  COUNT(*)
LIMIT 100
-- ;;
SELECT
  "lineitem"."l_returnflag" AS "l_returnflag",
  "lineitem"."l_linestatus" AS "l_linestatus",
  SUM("lineitem"."l_quantity") AS "sum_qty",
  SUM("lineitem"."l_extendedprice") AS "sum_base_price",
  SUM("lineitem"."l_extendedprice" * (
    1 - "lineitem"."l_discount"
  )) AS "sum_disc_price",
  SUM(
    "lineitem"."l_extendedprice" * (
      1 - "lineitem"."l_discount"
    ) * (
      1 + "lineitem"."l_tax"
    )
  ) AS "sum_charge",
  AVG("lineitem"."l_quantity") AS "avg_qty",
  AVG("lineitem"."l_extendedprice") AS "avg_price",
  AVG("lineitem"."l_discount") AS "avg_disc",
  COUNT(*) AS "count_order"
FROM "lineitem" AS "lineitem"
WHERE
  CAST("lineitem"."l_shipdate" AS DATE) <= CAST('1998-09-02' AS DATE)
GROUP BY
  "lineitem"."l_returnflag",
  "lineitem"."l_linestatus"
ORDER BY
  "l_returnflag",
  "l_linestatus"
-- ;;
select
   s_acctbal,
   s_name,
   n_name,
   p_partkey,
   p_mfgr,
   s_address,
   s_phone,
   s_comment
from
   part,
   supplier,
   partsupp,
   nation,
   region
where
   p_partkey = ps_partkey
   and s_suppkey = ps_suppkey
   and p_size = 15
   and p_type like '%BRASS'
   and s_nationkey = n_nationkey
   and n_regionkey = r_regionkey
   and r_name = 'EUROPE'
   and ps_supplycost = (
           select
                   min(ps_supplycost)
           from
                   partsupp,
                   supplier,
                   nation,
                   region
           where
                   p_partkey = ps_partkey
                   and s_suppkey = ps_suppkey
                   and s_nationkey = n_nationkey
                   and n_regionkey = r_regionkey
                   and r_name = 'EUROPE'
   )
order by
   s_acctbal desc,
   n_name,
   s_name,
   p_partkey
limit
   100
-- ;;
select
        l_orderkey,
        sum(l_extendedprice * (1 - l_discount)) as revenue,
        CAST(o_orderdate AS STRING) AS o_orderdate,
        o_shippriority
from
        customer,
        orders,
        lineitem
where
        c_mktsegment = 'BUILDING'
        and c_custkey = o_custkey
        and l_orderkey = o_orderkey
        and o_orderdate < '1995-03-15'
        and l_shipdate > '1995-03-15'
group by
        l_orderkey,
        o_orderdate,
        o_shippriority
order by
        revenue desc,
        o_orderdate
limit
        10
-- ;;
SELECT
  "lineitem"."l_orderkey" AS "l_orderkey",
  SUM("lineitem"."l_extendedprice" * (
    1 - "lineitem"."l_discount"
  )) AS "revenue",
  (
    "orders"."o_orderdate"
  ) AS "o_orderdate",
  "orders"."o_shippriority" AS "o_shippriority"
FROM "customer" AS "customer"
JOIN "orders" AS "orders"
  ON "customer"."c_custkey" = "orders"."o_custkey"
  AND "orders"."o_orderdate" < '1995-03-15'
JOIN "lineitem" AS "lineitem"
  ON "lineitem"."l_orderkey" = "orders"."o_orderkey"
  AND "lineitem"."l_shipdate" > '1995-03-15'
WHERE
  "customer"."c_mktsegment" = 'BUILDING'
GROUP BY
  "lineitem"."l_orderkey",
  "orders"."o_orderdate",
  "orders"."o_shippriority"
ORDER BY
  "revenue" DESC,
  "o_orderdate"
LIMIT 10
-- ;;
WITH "_u_0" AS (
  SELECT
    "lineitem"."l_orderkey" AS "l_orderkey"
  FROM "lineitem" AS "lineitem"
  WHERE
    "lineitem"."l_commitdate" < "lineitem"."l_receiptdate"
  GROUP BY
    "lineitem"."l_orderkey"
)
SELECT
  "orders"."o_orderpriority" AS "o_orderpriority",
  COUNT(*) AS "order_count"
FROM "orders" AS "orders"
LEFT JOIN "_u_0" AS "_u_0"
  ON "_u_0"."l_orderkey" = "orders"."o_orderkey"
WHERE
  CAST("orders"."o_orderdate" AS DATE) < CAST('1993-10-01' AS DATE)
  AND CAST("orders"."o_orderdate" AS DATE) >= CAST('1993-07-01' AS DATE)
  AND NOT "_u_0"."l_orderkey" IS NULL
GROUP BY
  "orders"."o_orderpriority"
ORDER BY
  "o_orderpriority"
-- ;;
SELECT
  "nation"."n_name" AS "n_name",
  SUM("lineitem"."l_extendedprice" * (
    1 - "lineitem"."l_discount"
  )) AS "revenue"
FROM "customer" AS "customer"
JOIN "orders" AS "orders"
  ON "customer"."c_custkey" = "orders"."o_custkey"
  AND CAST("orders"."o_orderdate" AS DATE) < CAST('1995-01-01' AS DATE)
  AND CAST("orders"."o_orderdate" AS DATE) >= CAST('1994-01-01' AS DATE)
JOIN "lineitem" AS "lineitem"
  ON "lineitem"."l_orderkey" = "orders"."o_orderkey"
JOIN "supplier" AS "supplier"
  ON "customer"."c_nationkey" = "supplier"."s_nationkey"
  AND "lineitem"."l_suppkey" = "supplier"."s_suppkey"
JOIN "nation" AS "nation"
  ON "nation"."n_nationkey" = "supplier"."s_nationkey"
JOIN "region" AS "region"
  ON "nation"."n_regionkey" = "region"."r_regionkey" AND "region"."r_name" = 'ASIA'
GROUP BY
  "nation"."n_name"
ORDER BY
  "revenue" DESC
-- ;;
SELECT
  SUM("lineitem"."l_extendedprice" * "lineitem"."l_discount") AS "revenue"
FROM "lineitem" AS "lineitem"
WHERE
  "lineitem"."l_discount" <= 0.07
  AND "lineitem"."l_discount" >= 0.05
  AND "lineitem"."l_quantity" < 24
  AND CAST("lineitem"."l_shipdate" AS DATE) < CAST('1995-01-01' AS DATE)
  AND CAST("lineitem"."l_shipdate" AS DATE) >= CAST('1994-01-01' AS DATE)
-- ;;
select
        ps_partkey,
        sum(ps_supplycost * ps_availqty) as value
from
        partsupp,
        supplier,
        nation
where
        ps_suppkey = s_suppkey
        and s_nationkey = n_nationkey
        and n_name = 'GERMANY'
group by
        ps_partkey having
                sum(ps_supplycost * ps_availqty) > (
                        select
                                sum(ps_supplycost * ps_availqty) * 0.0001
                        from
                                partsupp,
                                supplier,
                                nation
                        where
                                ps_suppkey = s_suppkey
                                and s_nationkey = n_nationkey
                                and n_name = 'GERMANY'
                )
order by
        value desc
-- ;;
SELECT
  "lineitem"."l_shipmode" AS "l_shipmode",
  SUM(
    CASE
      WHEN "orders"."o_orderpriority" = '1-URGENT' OR "orders"."o_orderpriority" = '2-HIGH'
      THEN 1
      ELSE 0
    END
  ) AS "high_line_count",
  SUM(
    CASE
      WHEN "orders"."o_orderpriority" <> '1-URGENT'
      AND "orders"."o_orderpriority" <> '2-HIGH'
      THEN 1
      ELSE 0
    END
  ) AS "low_line_count"
FROM "orders" AS "orders"
JOIN "lineitem" AS "lineitem"
  ON "lineitem"."l_commitdate" < "lineitem"."l_receiptdate"
  AND "lineitem"."l_commitdate" > "lineitem"."l_shipdate"
  AND "lineitem"."l_orderkey" = "orders"."o_orderkey"
  AND "lineitem"."l_shipmode" IN ('MAIL', 'SHIP')
  AND CAST("lineitem"."l_receiptdate" AS DATE) < CAST('1995-01-01' AS DATE)
  AND CAST("lineitem"."l_receiptdate" AS DATE) >= CAST('1994-01-01' AS DATE)
GROUP BY
  "lineitem"."l_shipmode"
ORDER BY
  "l_shipmode"
-- ;;
WITH "orders_2" AS (
  SELECT
    "orders"."o_orderkey" AS "o_orderkey",
    "orders"."o_custkey" AS "o_custkey",
    "orders"."o_comment" AS "o_comment"
  FROM "orders" AS "orders"
  WHERE
    "orders"."o_comment" NOT LIKE '%special%requests%'
), "c_orders" AS (
  SELECT
    COUNT("orders"."o_orderkey") AS "c_count"
  FROM "customer" AS "customer"
  LEFT JOIN "orders_2" AS "orders"
    ON "customer"."c_custkey" = "orders"."o_custkey"
  GROUP BY
    "customer"."c_custkey"
)
SELECT
  "c_orders"."c_count" AS "c_count",
  COUNT(*) AS "custdist"
FROM "c_orders" AS "c_orders"
GROUP BY
  "c_orders"."c_count"
ORDER BY
  "custdist" DESC,
  "c_count" DESC
-- ;;
SELECT
  100.00 * SUM(
    CASE
      WHEN "part"."p_type" LIKE 'PROMO%'
      THEN "lineitem"."l_extendedprice" * (
        1 - "lineitem"."l_discount"
      )
      ELSE 0
    END
  ) / SUM("lineitem"."l_extendedprice" * (
    1 - "lineitem"."l_discount"
  )) AS "promo_revenue"
FROM "lineitem" AS "lineitem"
JOIN "part" AS "part"
  ON "lineitem"."l_partkey" = "part"."p_partkey"
WHERE
  CAST("lineitem"."l_shipdate" AS DATE) < CAST('1995-10-01' AS DATE)
  AND CAST("lineitem"."l_shipdate" AS DATE) >= CAST('1995-09-01' AS DATE)
-- ;;
WITH "revenue" AS (
  SELECT
    "lineitem"."l_suppkey" AS "supplier_no",
    SUM("lineitem"."l_extendedprice" * (
      1 - "lineitem"."l_discount"
    )) AS "total_revenue"
  FROM "lineitem" AS "lineitem"
  WHERE
    CAST("lineitem"."l_shipdate" AS DATE) < CAST('1996-04-01' AS DATE)
    AND CAST("lineitem"."l_shipdate" AS DATE) >= CAST('1996-01-01' AS DATE)
  GROUP BY
    "lineitem"."l_suppkey"
), "_u_0" AS (
  SELECT
    MAX("revenue"."total_revenue") AS "_col_0"
  FROM "revenue" AS "revenue"
)
SELECT
  "supplier"."s_suppkey" AS "s_suppkey",
  "supplier"."s_name" AS "s_name",
  "supplier"."s_address" AS "s_address",
  "supplier"."s_phone" AS "s_phone",
  "revenue"."total_revenue" AS "total_revenue"
FROM "supplier" AS "supplier"
JOIN "revenue" AS "revenue"
  ON "revenue"."supplier_no" = "supplier"."s_suppkey"
JOIN "_u_0" AS "_u_0"
  ON "_u_0"."_col_0" = "revenue"."total_revenue"
ORDER BY
  "s_suppkey"
-- ;;
select
        p_brand,
        p_type,
        p_size,
        count(distinct ps_suppkey) as supplier_cnt
from
        partsupp,
        part
where
        p_partkey = ps_partkey
        and p_brand <> 'Brand#45'
        and p_type not like 'MEDIUM POLISHED%'
        and p_size in (49, 14, 23, 45, 19, 3, 36, 9)
        and ps_suppkey not in (
                select
                        s_suppkey
                from
                        supplier
                where
                        s_comment like '%Customer%Complaints%'
        )
group by
        p_brand,
        p_type,
        p_size
order by
        supplier_cnt desc,
        p_brand,
        p_type,
        p_size
-- ;;
SELECT
  "part"."p_brand" AS "p_brand",
  "part"."p_type" AS "p_type",
  "part"."p_size" AS "p_size",
  COUNT(DISTINCT "partsupp"."ps_suppkey") AS "supplier_cnt"
FROM "partsupp" AS "partsupp"
JOIN "part" AS "part"
  ON "part"."p_brand" <> 'Brand#45'
  AND "part"."p_partkey" = "partsupp"."ps_partkey"
  AND "part"."p_size" IN (49, 14, 23, 45, 19, 3, 36, 9)
  AND "part"."p_type" NOT LIKE 'MEDIUM POLISHED%'
WHERE
  NOT "partsupp"."ps_suppkey" IN (
    SELECT
      "supplier"."s_suppkey" AS "s_suppkey"
    FROM "supplier" AS "supplier"
    WHERE
      "supplier"."s_comment" LIKE '%Customer%Complaints%'
  )
GROUP BY
  "part"."p_brand",
  "part"."p_type",
  "part"."p_size"
ORDER BY
  "supplier_cnt" DESC,
  "p_brand",
  "p_type",
  "p_size"
-- ;;
select
        sum(l_extendedprice) / 7.0 as avg_yearly
from
        lineitem,
        part
where
        p_partkey = l_partkey
        and p_brand = 'Brand#23'
        and p_container = 'MED BOX'
        and l_quantity < (
                select
                        0.2 * avg(l_quantity)
                from
                        lineitem
                where
                        l_partkey = p_partkey
        )
-- ;;
WITH "_u_0" AS (
  SELECT
    0.2 * AVG("lineitem"."l_quantity") AS "_col_0",
    "lineitem"."l_partkey" AS "_u_1"
  FROM "lineitem" AS "lineitem"
  GROUP BY
    "lineitem"."l_partkey"
)
SELECT
  SUM("lineitem"."l_extendedprice") / 7.0 AS "avg_yearly"
FROM "lineitem" AS "lineitem"
JOIN "part" AS "part"
  ON "lineitem"."l_partkey" = "part"."p_partkey"
  AND "part"."p_brand" = 'Brand#23'
  AND "part"."p_container" = 'MED BOX'
LEFT JOIN "_u_0" AS "_u_0"
  ON "_u_0"."_u_1" = "part"."p_partkey"
WHERE
  "_u_0"."_col_0" > "lineitem"."l_quantity"
-- ;;
select
        c_name,
        c_custkey,
        o_orderkey,
        o_orderdate,
        o_totalprice,
        sum(l_quantity) total_quantity
from
        customer,
        orders,
        lineitem
where
        o_orderkey in (
                select
                        l_orderkey
                from
                        lineitem
                group by
                        l_orderkey having
                                sum(l_quantity) > 300
        )
        and c_custkey = o_custkey
        and o_orderkey = l_orderkey
group by
        c_name,
        c_custkey,
        o_orderkey,
        o_orderdate,
        o_totalprice
order by
        o_totalprice desc,
        o_orderdate
limit
        100
-- ;;
WITH "_u_0" AS (
  SELECT
    "lineitem"."l_orderkey" AS "l_orderkey"
  FROM "lineitem" AS "lineitem"
  GROUP BY
    "lineitem"."l_orderkey"
  HAVING
    SUM("lineitem"."l_quantity") > 300
)
SELECT
  "customer"."c_name" AS "c_name",
  "customer"."c_custkey" AS "c_custkey",
  "orders"."o_orderkey" AS "o_orderkey",
  "orders"."o_orderdate" AS "o_orderdate",
  "orders"."o_totalprice" AS "o_totalprice",
  SUM("lineitem"."l_quantity") AS "total_quantity"
FROM "customer" AS "customer"
JOIN "orders" AS "orders"
  ON "customer"."c_custkey" = "orders"."o_custkey"
JOIN "lineitem" AS "lineitem"
  ON "lineitem"."l_orderkey" = "orders"."o_orderkey"
LEFT JOIN "_u_0" AS "_u_0"
  ON "_u_0"."l_orderkey" = "orders"."o_orderkey"
WHERE
  NOT "_u_0"."l_orderkey" IS NULL
GROUP BY
  "customer"."c_name",
  "customer"."c_custkey",
  "orders"."o_orderkey",
  "orders"."o_orderdate",
  "orders"."o_totalprice"
ORDER BY
  "o_totalprice" DESC,
  "o_orderdate"
LIMIT 100
-- ;;
WITH "_u_0" AS (
  SELECT
    AVG("customer"."c_acctbal") AS "_col_0"
  FROM "customer" AS "customer"
  WHERE
    "customer"."c_acctbal" > 0.00
    AND SUBSTRING("customer"."c_phone", 1, 2) IN ('13', '31', '23', '29', '30', '18', '17')
), "_u_1" AS (
  SELECT
    "orders"."o_custkey" AS "_u_2"
  FROM "orders" AS "orders"
  GROUP BY
    "orders"."o_custkey"
)
SELECT
  SUBSTRING("customer"."c_phone", 1, 2) AS "cntrycode",
  COUNT(*) AS "numcust",
  SUM("customer"."c_acctbal") AS "totacctbal"
FROM "customer" AS "customer"
JOIN "_u_0" AS "_u_0"
  ON "_u_0"."_col_0" < "customer"."c_acctbal"
LEFT JOIN "_u_1" AS "_u_1"
  ON "_u_1"."_u_2" = "customer"."c_custkey"
WHERE
  "_u_1"."_u_2" IS NULL
  AND SUBSTRING("customer"."c_phone", 1, 2) IN ('13', '31', '23', '29', '30', '18', '17')
GROUP BY
  SUBSTRING("customer"."c_phone", 1, 2)
ORDER BY
  "cntrycode"
-- ;;
SELECT * FROM x WHERE x.a = (SELECT SUM(y.a) AS a FROM y)
-- ;;
SELECT * FROM x CROSS JOIN (SELECT SUM(y.a) AS a FROM y) AS _u_0 WHERE x.a = _u_0.a
-- ;;
SELECT * FROM x WHERE x.a IN (SELECT y.a AS a FROM y)
-- ;;
SELECT * FROM x LEFT JOIN (SELECT y.a AS a FROM y GROUP BY y.a) AS _u_0 ON x.a = _u_0.a WHERE NOT _u_0.a IS NULL
-- ;;
SELECT * FROM x WHERE x.a = (SELECT SUM(y.b) AS b FROM y WHERE x.a = y.a)
-- ;;
SELECT * FROM x LEFT JOIN (SELECT SUM(y.b) AS b, y.a AS _u_1 FROM y WHERE TRUE GROUP BY y.a) AS _u_0 ON x.a = _u_0._u_1 WHERE x.a = _u_0.b
-- ;;
SELECT * FROM x WHERE x.a > (SELECT SUM(y.b) AS b FROM y WHERE x.a = y.a)
-- ;;
SELECT * FROM x LEFT JOIN (SELECT SUM(y.b) AS b, y.a AS _u_1 FROM y WHERE TRUE GROUP BY y.a) AS _u_0 ON x.a = _u_0._u_1 WHERE x.a > _u_0.b
-- ;;
SELECT * FROM x LEFT JOIN (SELECT y.a AS a FROM y WHERE TRUE GROUP BY y.a) AS _u_0 ON _u_0.a = x.a WHERE x.a <> _u_0.a
-- ;;
SELECT * FROM x WHERE x.a NOT IN (SELECT y.a AS a FROM y WHERE y.a = x.a)
-- ;;
SELECT * FROM x WHERE NOT x.a IN (SELECT y.a AS a FROM y WHERE y.a = x.a)
-- ;;
SELECT * FROM x WHERE NOT (x.a IN (SELECT y.a AS a FROM y WHERE y.a = x.a))
-- ;;
SELECT * FROM x WHERE x.a IN (SELECT y.a AS a FROM y WHERE y.b = x.a)
-- ;;
SELECT * FROM x LEFT JOIN (SELECT ARRAY_AGG(y.a) AS a, y.b AS _u_1 FROM y WHERE TRUE GROUP BY y.b) AS _u_0 ON _u_0._u_1 = x.a WHERE ARRAY_ANY(_u_0.a, _x -> _x = x.a)
-- ;;
SELECT * FROM x WHERE x.a < (SELECT SUM(y.a) AS a FROM y WHERE y.a = x.a and y.a = x.b and y.b <> x.d)
-- ;;
SELECT * FROM x WHERE EXISTS (SELECT y.a AS a, y.b AS b FROM y WHERE x.a = y.a)
-- ;;
SELECT * FROM x LEFT JOIN (SELECT y.a AS a FROM y WHERE TRUE GROUP BY y.a) AS _u_0 ON x.a = _u_0.a WHERE NOT _u_0.a IS NULL
-- ;;
SELECT * FROM x WHERE EXISTS (SELECT COUNT(*) FROM y WHERE y.a = x.a)
-- ;;
SELECT * FROM x WHERE TRUE
-- ;;
SELECT * FROM x WHERE NOT EXISTS (SELECT SUM(y.b) FROM y WHERE y.a = x.a)
-- ;;
SELECT * FROM x WHERE NOT TRUE
-- ;;
SELECT * FROM x WHERE EXISTS (SELECT COUNT(*) FROM y WHERE y.a = x.a HAVING COUNT(*) = 0)
-- ;;
SELECT * FROM x WHERE EXISTS (SELECT COUNT(*) OVER () FROM y WHERE y.a = x.a)
-- ;;
SELECT * FROM x WHERE EXISTS (SELECT * FROM (SELECT COUNT(*) AS c FROM y WHERE y.a = x.a) AS t WHERE t.c > 5)
-- ;;
SELECT * FROM x WHERE EXISTS (WITH t AS (SELECT COUNT(*) AS c FROM y WHERE y.a = x.a) SELECT t.c AS c FROM t WHERE t.c > 5)
-- ;;
SELECT * FROM x WHERE EXISTS (SELECT COUNT(*) AS c FROM y WHERE y.a = x.a INTERSECT SELECT z.a AS a FROM z)
-- ;;
SELECT * FROM x WHERE EXISTS (SELECT y.a AS a FROM y WHERE y.a = x.a INTERSECT SELECT z.a AS a FROM z)
-- ;;
SELECT * FROM x WHERE EXISTS (SELECT RANK() OVER (ORDER BY SUM(y.b)) FROM y WHERE y.a = x.a)
-- ;;
SELECT * FROM x WHERE EXISTS (SELECT RANK() OVER (ORDER BY (SUM(y.b))) FROM y WHERE y.a = x.a)
-- ;;
SELECT * FROM x WHERE EXISTS (SELECT LAG(SUM(y.b)) OVER (ORDER BY 1) FROM y WHERE y.a = x.a)
-- ;;
