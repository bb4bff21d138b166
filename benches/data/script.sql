-- corral consume-bytes benchmark input (benches/data/gen_inputs.py)
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL DEFAULT '',
  country CHAR(2),
  created_at TEXT NOT NULL DEFAULT (datetime('now')),
  score REAL DEFAULT 0.0 CHECK (score >= 0),
  is_admin BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE categories (
  id INTEGER PRIMARY KEY,
  parent_id INTEGER REFERENCES categories(id) ON DELETE SET NULL,
  title VARCHAR(80) NOT NULL
);
-- ünïcödé in a comment: 日本語
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL,
  category_id INTEGER NOT NULL,
  title TEXT NOT NULL,
  price NUMERIC(10, 2) NOT NULL CHECK (price > 0),
  stock INT DEFAULT 0,
  image BLOB,
  CONSTRAINT uq_sku UNIQUE (sku),
  FOREIGN KEY (category_id) REFERENCES categories (id) ON DELETE CASCADE ON UPDATE NO ACTION
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
  total REAL,
  placed_at TEXT,
  note TEXT
);
CREATE TABLE order_items (
  order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  product_id INTEGER NOT NULL REFERENCES products(id),
  qty INTEGER NOT NULL DEFAULT 1,
  unit_price REAL NOT NULL,
  PRIMARY KEY (order_id, product_id)
) WITHOUT ROWID;
CREATE TABLE reviews (
  id INTEGER PRIMARY KEY,
  product_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
  body TEXT,
  "group" TEXT,
  FOREIGN KEY (product_id) REFERENCES products(id),
  FOREIGN KEY (user_id) REFERENCES users(id)
);
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  user_id INTEGER,
  kind TEXT NOT NULL,
  payload TEXT,
  ts INTEGER NOT NULL
);
CREATE TEMP TABLE IF NOT EXISTS scratch (k TEXT PRIMARY KEY, v ANY) STRICT;
CREATE INDEX idx_orders_user ON orders (user_id, placed_at DESC);
CREATE UNIQUE INDEX IF NOT EXISTS idx_users_email ON users (email);

CREATE INDEX idx_events_kind_ts ON events (kind, ts) WHERE kind <> 'debug';
CREATE INDEX idx_reviews_product ON reviews (product_id);
CREATE VIEW IF NOT EXISTS order_totals AS
SELECT o.id AS order_id, o.user_id, SUM(i.qty * i.unit_price) AS amount
FROM orders AS o
JOIN order_items AS i ON i.order_id = o.id
GROUP BY o.id, o.user_id;

ALTER TABLE users ADD COLUMN last_login TEXT;

ALTER TABLE products RENAME COLUMN stock TO in_stock;
DELETE FROM scratch WHERE k GLOB 'y*';

SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 63
GROUP BY p.category_id
HAVING COUNT(*) >= 19 AND AVG(r.stars) > 3.1
ORDER BY avg_stars DESC NULLS LAST;
DELETE FROM events WHERE ts < 1227347495 AND kind = 'debug';

DELETE FROM scratch WHERE k GLOB 'b*';
INSERT INTO users (email, name, country, score)
VALUES
  ('ngozi.hopper765@example.com', 'Ngozi Hopper', 'FR', .63),
  ('linus.hopper613@example.com', 'Linus Hopper', 'CH', .41);
INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'view', json_object('city', 'Zürich'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'IS' AND u.score > 62
RETURNING id, ts;
BEGIN IMMEDIATE;

INSERT INTO users (email, name) VALUES ('siobhán.müller321@example.com', 'Siobhán Müller');

INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 874.46, CURRENT_TIMESTAMP);
SAVEPOINT sp59;

ROLLBACK;
WITH spend AS (
  SELECT user_id, SUM(amount) AS total FROM order_totals GROUP BY user_id
), ranked AS MATERIALIZED (
  SELECT user_id, total, NTILE(4) OVER (ORDER BY total DESC) AS quartile FROM spend
)
SELECT u.email, r.total, r.quartile
FROM ranked r JOIN users u ON u.id = r.user_id
WHERE r.quartile = 2 AND r.total > .80;

SELECT id, email FROM users WHERE country = 'BR'
INTERSECT
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 174.75)
ORDER BY 2;

BEGIN IMMEDIATE;
-- nightly maintenance
INSERT INTO users (email, name) VALUES ('jürgen.turing923@example.com', 'Jürgen Turing');

INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 423.09, CURRENT_TIMESTAMP);
SAVEPOINT sp79;
COMMIT;
INSERT INTO users (email, name, country, score)
VALUES
  ('linus.øberg783@example.com', 'Linus Øberg', 'CH', 520.88),
  ('josé.obrien434@example.com', 'José O''Brien', 'IS', 4.69e5),
  ('siobhán.lovelace244@example.com', 'Siobhán Lovelace', 'BR', 30475),
  ('håkon.øberg567@example.com', 'Håkon Øberg', 'IS', 0x198065),
  ('alan.lovelace208@example.com', 'Alan Lovelace', 'CH', 4.49e0),
  ('grace.garcía328@example.com', 'Grace García', 'JP', 3.59e-5);
UPDATE orders
SET status = 'cancelled', note = COALESCE(note, '') || ' – created'
WHERE id IN (SELECT order_id FROM order_items WHERE qty >= 4);

SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 3 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'new' AND NOT o.user_id BETWEEN 69 AND 697;
WITH spend AS (
  SELECT user_id, SUM(amount) AS total FROM order_totals GROUP BY user_id
), ranked AS MATERIALIZED (
  SELECT user_id, total, NTILE(4) OVER (ORDER BY total DESC) AS quartile FROM spend
)
SELECT u.email, r.total, r.quartile
FROM ranked r JOIN users u ON u.id = r.user_id
WHERE r.quartile = 2 AND r.total > .47;
SELECT DISTINCT upper(substr(name, 1, 1)) AS initial, count(*) AS n
FROM users WHERE name GLOB '[A-Z]*' OR name LIKE 'Jürgen%' ESCAPE '\'
GROUP BY 1 ORDER BY n DESC;
BEGIN TRANSACTION;

INSERT INTO users (email, name) VALUES ('ngozi.turing12@example.com', 'Ngozi Turing');

INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 899.81, CURRENT_TIMESTAMP);

SAVEPOINT sp51;

END TRANSACTION;
SELECT DISTINCT upper(substr(name, 1, 1)) AS initial, count(*) AS n
FROM users WHERE name GLOB '[A-Z]*' OR name LIKE 'Ngozi%' ESCAPE '\'
GROUP BY 1 ORDER BY n DESC;
BEGIN;
INSERT INTO users (email, name) VALUES ('linus.øberg813@example.com', 'Linus Øberg');
INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 755.17, CURRENT_TIMESTAMP);
SAVEPOINT sp52;

COMMIT;

SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 3 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'new' AND NOT o.user_id BETWEEN 11 AND 677;
INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'debug', json_object('city', 'Reykjavík'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'IS' AND u.score > 51
RETURNING id, ts;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
INNER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-03-01' AND '2024-12-31'
  AND u.country IN ('CH', 'BR', 'FR')
  AND p.title NOT LIKE '%gamma%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 283 OFFSET 61;
WITH RECURSIVE tree(id, parent_id, title, depth) AS (
  SELECT id, parent_id, title, 0 FROM categories WHERE id = 8
  UNION ALL
  SELECT c.id, c.parent_id, c.title, t.depth + 1
  FROM categories c JOIN tree t ON c.parent_id = t.id
  WHERE t.depth < 5
)
SELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth;
SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 6 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'new' AND NOT o.user_id BETWEEN 46 AND 141;
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w ROWS 3 PRECEDING) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'login'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 102;

INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'logout', json_object('city', 'Kraków'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'PL' AND u.score > 0
RETURNING id, ts;
/* multi-line
   block comment */
UPDATE users SET score = t.amount
FROM (SELECT user_id, SUM(amount) AS amount FROM order_totals GROUP BY user_id) AS t
WHERE t.user_id = users.id;
SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT '東京' AS city) AS c
WHERE v.column1 <= 2;

DELETE FROM scratch WHERE k GLOB 'y*';

INSERT INTO scratch (k, v) VALUES ('source83', 0x7FE489)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (148397, 'SKU-148397', 36, 'Reykjavík omega "omega"', 312.66, X'97809c813468d6');

-- TODO: tune the LIMIT once the index lands
BEGIN TRANSACTION;

INSERT INTO users (email, name) VALUES ('håkon.garcía572@example.com', 'Håkon García');
INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 168.08, CURRENT_TIMESTAMP);
SAVEPOINT sp63;
COMMIT;
INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'logout', json_object('city', 'Kraków'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'PL' AND u.score > 52
RETURNING id, ts;

SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 2 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'paid' AND NOT o.user_id BETWEEN 42 AND 597;
DELETE FROM reviews
WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = reviews.product_id);
INSERT INTO users (email, name, country, score)
VALUES
  ('ngozi.lovelace960@example.com', 'Ngozi Lovelace', 'DE', 196.51),
  ('håkon.nakamura104@example.com', 'Håkon Nakamura', 'DE', 835.95),
  ('josé.garcía116@example.com', 'José García', 'JP', 83697);

SELECT DISTINCT upper(substr(name, 1, 1)) AS initial, count(*) AS n
FROM users WHERE name GLOB '[A-Z]*' OR name LIKE 'José%' ESCAPE '\'
GROUP BY 1 ORDER BY n DESC;
SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 185
GROUP BY p.category_id
HAVING COUNT(*) >= 1 AND AVG(r.stars) > 2.8
ORDER BY avg_stars DESC NULLS LAST;

INSERT INTO scratch (k, v) VALUES ('owner70', 62085)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (538418, 'SKU-538418', 16, 'Reykjavík weight "omega"', 378.47, X'6a58');
-- ünïcödé in a comment: 日本語
SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'New York' AS city) AS c
WHERE v.column1 <= 1;

INSERT INTO scratch (k, v) VALUES ('owner28', 0xD13B42)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-06-01' AND '2024-12-31'
  AND u.country IN ('DE', 'IS', 'FR')
  AND p.title NOT LIKE '%price%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 171 OFFSET 20;
UPDATE OR IGNORE users
SET last_login = datetime('now', '-68 days'),
    is_admin = CASE WHEN email LIKE '%@example.com' THEN TRUE ELSE FALSE END
WHERE id = 4346;

SELECT id, email FROM users WHERE country = 'US'
EXCEPT
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 158.29)
ORDER BY 2;

INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (68876, 'SKU-68876', 38, '東京 error "name"', 750.28, X'74');
-- nightly maintenance
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'debug'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 309;
UPDATE orders
SET status = 'new', note = COALESCE(note, '') || ' – epsilon'
WHERE id IN (SELECT order_id FROM order_items WHERE qty >= 5);
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'view'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 230;
INSERT INTO users (email, name, country, score)
VALUES
  ('josé.müller815@example.com', 'José Müller', 'BR', 68824),
  ('jürgen.obrien377@example.com', 'Jürgen O''Brien', 'CH', 2.33e2),
  ('linus.lovelace937@example.com', 'Linus Lovelace', 'JP', .79),
  ('zoë.turing745@example.com', 'Zoë Turing', 'JP', .60),
  ('josé.øberg399@example.com', 'José Øberg', 'JP', .79),
  ('zoë.garcía847@example.com', 'Zoë García', 'JP', 91216);

SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 15
GROUP BY p.category_id
HAVING COUNT(*) >= 8 AND AVG(r.stars) > 1.3
ORDER BY avg_stars DESC NULLS LAST;
/* reporting query, see dashboard #42 */
INSERT INTO scratch (k, v) VALUES ('created66', 0x47658E)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (977849, 'SKU-977849', 47, 'Paris beta "error"', 560.61, X'99c8573eb355d9b946');
SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 4 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'cancelled' AND NOT o.user_id BETWEEN 5 AND 497;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (234844, 'SKU-234844', 42, '東京 target "item"', 921.56, X'6a72');
INSERT INTO users (email, name, country, score)
VALUES
  ('håkon.müller617@example.com', 'Håkon Müller', 'US', .42),
  ('alan.lovelace494@example.com', 'Alan Lovelace', 'BR', .69),
  ('linus.nakamura870@example.com', 'Linus Nakamura', 'JP', 0x37306E),
  ('grace.garcía206@example.com', 'Grace García', 'DE', 0x887C47);

UPDATE products
SET price = ROUND(price * 1.182, 2), in_stock = in_stock - 1
WHERE category_id = 32 AND in_stock > 0;
INSERT INTO users (email, name, country, score)
VALUES
  ('ada.lovelace650@example.com', 'Ada Lovelace', 'BR', 11.65),
  ('grace.øberg619@example.com', 'Grace Øberg', 'PL', .70),
  ('alan.lovelace32@example.com', 'Alan Lovelace', 'JP', 0x1EFFF8);
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-07-01' AND '2024-12-31'
  AND u.country IN ('JP', 'BR', 'FR')
  AND p.title NOT LIKE '%id%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 114 OFFSET 33;
SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 47
GROUP BY p.category_id
HAVING COUNT(*) >= 19 AND AVG(r.stars) > 3.7
ORDER BY avg_stars DESC NULLS LAST;
INSERT INTO scratch (k, v) VALUES ('theta10', .84)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;

INSERT INTO users (email, name, country, score)
VALUES
  ('jürgen.turing418@example.com', 'Jürgen Turing', 'PL', .99),
  ('håkon.obrien49@example.com', 'Håkon O''Brien', 'FR', 0x810843);

SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'Zürich' AS city) AS c
WHERE v.column1 <= 2;
SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 22
GROUP BY p.category_id
HAVING COUNT(*) >= 17 AND AVG(r.stars) > 1.1
ORDER BY avg_stars DESC NULLS LAST;
UPDATE users SET score = t.amount
FROM (SELECT user_id, SUM(amount) AS amount FROM order_totals GROUP BY user_id) AS t
WHERE t.user_id = users.id;
INSERT INTO users (email, name, country, score)
VALUES
  ('siobhán.obrien944@example.com', 'Siobhán O''Brien', 'DE', 11010),
  ('siobhán.obrien222@example.com', 'Siobhán O''Brien', 'FR', 29535),
  ('alan.garcía173@example.com', 'Alan García', 'IS', 634.82),
  ('alan.turing464@example.com', 'Alan Turing', 'CH', 0x74EB87),
  ('grace.lovelace265@example.com', 'Grace Lovelace', 'PL', 943.90),
  ('grace.øberg908@example.com', 'Grace Øberg', 'US', .34);

INSERT INTO users (email, name, country, score)
VALUES
  ('zoë.hopper89@example.com', 'Zoë Hopper', 'PL', 54759),
  ('josé.müller763@example.com', 'José Müller', 'FR', .57),
  ('josé.nakamura954@example.com', 'José Nakamura', 'IS', 33425);

INSERT INTO scratch (k, v) VALUES ('status21', 0xB684BA)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;
SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'Paris' AS city) AS c
WHERE v.column1 <= 2;
SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 85
GROUP BY p.category_id
HAVING COUNT(*) >= 19 AND AVG(r.stars) > 2.0
ORDER BY avg_stars DESC NULLS LAST;
SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 8 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'new' AND NOT o.user_id BETWEEN 46 AND 225;
UPDATE OR IGNORE users
SET last_login = datetime('now', '-8 days'),
    is_admin = CASE WHEN email LIKE '%@example.com' THEN TRUE ELSE FALSE END
WHERE id = 1361;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (157216, 'SKU-157216', 49, '東京 name "owner"', 58.32, X'1534fab63829c3b22546');
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (837914, 'SKU-837914', 11, 'Paris index "retry"', 135.58, X'9b7b71c8210827');
UPDATE orders
SET status = 'paid', note = COALESCE(note, '') || ' – gamma'
WHERE id IN (SELECT order_id FROM order_items WHERE qty >= 8);
DELETE FROM events WHERE ts < 1872196613 AND kind = 'debug';
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-05-01' AND '2024-12-31'
  AND u.country IN ('BR', 'FR', 'JP')
  AND p.title NOT LIKE '%index%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 366 OFFSET 51;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (314966, 'SKU-314966', 9, 'Reykjavík total "latency"', 776.85, X'f28432e7b683754d51');

INSERT INTO scratch (k, v) VALUES ('payload88', .24)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;
SELECT id, email FROM users WHERE country = 'IS'
INTERSECT
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 147.71)
ORDER BY 2;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT OUTER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-08-01' AND '2024-12-31'
  AND u.country IN ('IS', 'PL', 'US')
  AND p.title NOT LIKE '%updated%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 102 OFFSET 1;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (63931, 'SKU-63931', 8, 'Kraków order "user"', 443.75, X'f9ffc6df');
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
INNER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-03-01' AND '2024-12-31'
  AND u.country IN ('FR', 'US', 'IS')
  AND p.title NOT LIKE '%user%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 160 OFFSET 31;
SELECT id, email FROM users WHERE country = 'BR'
INTERSECT
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 329.86)
ORDER BY 2;
INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'click', json_object('city', 'São Paulo'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'IS' AND u.score > 92
RETURNING id, ts;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (777360, 'SKU-777360', 4, 'New York alpha "updated"', 900.08, X'86183a1b');
SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 6 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'paid' AND NOT o.user_id BETWEEN 62 AND 882;

SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 101
GROUP BY p.category_id
HAVING COUNT(*) >= 11 AND AVG(r.stars) > 2.9
ORDER BY avg_stars DESC NULLS LAST;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT OUTER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-08-01' AND '2024-12-31'
  AND u.country IN ('DE', 'IS', 'US')
  AND p.title NOT LIKE '%score%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 350 OFFSET 96;

BEGIN IMMEDIATE;
INSERT INTO users (email, name) VALUES ('alan.hopper376@example.com', 'Alan Hopper');
INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 99.19, CURRENT_TIMESTAMP);
SAVEPOINT sp80;
END TRANSACTION;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (293173, 'SKU-293173', 10, 'Zürich item "omega"', 861.90, X'8ee7995fd229707990749e');
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (274734, 'SKU-274734', 1, 'Zürich index "price"', 329.30, X'');

INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'view', json_object('city', 'São Paulo'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'DE' AND u.score > 10
RETURNING id, ts;
/* reporting query, see dashboard #42 */
INSERT INTO users (email, name, country, score)
VALUES
  ('grace.lovelace687@example.com', 'Grace Lovelace', 'PL', .45),
  ('jürgen.garcía958@example.com', 'Jürgen García', 'CH', 61512),
  ('grace.müller949@example.com', 'Grace Müller', 'BR', 654.31);
UPDATE products
SET price = ROUND(price * 1.159, 2), in_stock = in_stock - 1
WHERE category_id = 44 AND in_stock > 0;
WITH RECURSIVE tree(id, parent_id, title, depth) AS (
  SELECT id, parent_id, title, 0 FROM categories WHERE id = 49
  UNION ALL
  SELECT c.id, c.parent_id, c.title, t.depth + 1
  FROM categories c JOIN tree t ON c.parent_id = t.id
  WHERE t.depth < 3
)
SELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth;

INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'login', json_object('city', 'Zürich'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'IS' AND u.score > 38
RETURNING id, ts;
DELETE FROM reviews
WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = reviews.product_id);
WITH spend AS (
  SELECT user_id, SUM(amount) AS total FROM order_totals GROUP BY user_id
), ranked AS MATERIALIZED (
  SELECT user_id, total, NTILE(4) OVER (ORDER BY total DESC) AS quartile FROM spend
)
SELECT u.email, r.total, r.quartile
FROM ranked r JOIN users u ON u.id = r.user_id
WHERE r.quartile = 1 AND r.total > 7.50e-1;
WITH RECURSIVE tree(id, parent_id, title, depth) AS (
  SELECT id, parent_id, title, 0 FROM categories WHERE id = 3
  UNION ALL
  SELECT c.id, c.parent_id, c.title, t.depth + 1
  FROM categories c JOIN tree t ON c.parent_id = t.id
  WHERE t.depth < 2
)
SELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth;
SELECT DISTINCT upper(substr(name, 1, 1)) AS initial, count(*) AS n
FROM users WHERE name GLOB '[A-Z]*' OR name LIKE 'Grace%' ESCAPE '\'
GROUP BY 1 ORDER BY n DESC;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT OUTER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-02-01' AND '2024-12-31'
  AND u.country IN ('US', 'FR', 'JP')
  AND p.title NOT LIKE '%created%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 156 OFFSET 12;

INSERT INTO users (email, name, country, score)
VALUES
  ('ada.obrien325@example.com', 'Ada O''Brien', 'US', .76),
  ('ngozi.lovelace948@example.com', 'Ngozi Lovelace', 'BR', 6.84e-3),
  ('ada.øberg242@example.com', 'Ada Øberg', 'FR', 8.55e-4);
INSERT INTO users (email, name, country, score)
VALUES
  ('zoë.obrien217@example.com', 'Zoë O''Brien', 'IS', .73),
  ('grace.obrien761@example.com', 'Grace O''Brien', 'DE', 44423);

SELECT DISTINCT upper(substr(name, 1, 1)) AS initial, count(*) AS n
FROM users WHERE name GLOB '[A-Z]*' OR name LIKE 'Håkon%' ESCAPE '\'
GROUP BY 1 ORDER BY n DESC;

SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT OUTER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-06-01' AND '2024-12-31'
  AND u.country IN ('US', 'PL', 'DE')
  AND p.title NOT LIKE '%region%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 427 OFFSET 67;
SELECT id, email FROM users WHERE country = 'FR'
EXCEPT
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 451.58)
ORDER BY 2;
INSERT INTO users (email, name, country, score)
VALUES
  ('linus.øberg131@example.com', 'Linus Øberg', 'BR', 2.74e-1),
  ('ngozi.müller719@example.com', 'Ngozi Müller', 'IS', 6.51e-5),
  ('josé.turing628@example.com', 'José Turing', 'FR', 204.57),
  ('linus.garcía249@example.com', 'Linus García', 'CH', .45);
INSERT INTO users (email, name, country, score)
VALUES
  ('zoë.garcía244@example.com', 'Zoë García', 'US', 83529),
  ('håkon.obrien122@example.com', 'Håkon O''Brien', 'CH', .83),
  ('zoë.obrien530@example.com', 'Zoë O''Brien', 'BR', 2.43e-2),
  ('jürgen.lovelace861@example.com', 'Jürgen Lovelace', 'IS', .19),
  ('jürgen.turing666@example.com', 'Jürgen Turing', 'JP', .5);
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-02-01' AND '2024-12-31'
  AND u.country IN ('CH', 'FR', 'US')
  AND p.title NOT LIKE '%delta%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 175 OFFSET 4;
/* multi-line
   block comment */
SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'Zürich' AS city) AS c
WHERE v.column1 <= 2;
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'click'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 292;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (523585, 'SKU-523585', 13, '東京 count "target"', 743.77, X'9dc1');
/* reporting query, see dashboard #42 */
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'click'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 750;
INSERT INTO users (email, name, country, score)
VALUES
  ('linus.garcía301@example.com', 'Linus García', 'DE', 36.00),
  ('linus.obrien153@example.com', 'Linus O''Brien', 'IS', 809.96);
INSERT INTO users (email, name, country, score)
VALUES
  ('siobhán.turing677@example.com', 'Siobhán Turing', 'JP', 98492),
  ('grace.nakamura923@example.com', 'Grace Nakamura', 'PL', 0x8021AE),
  ('grace.müller469@example.com', 'Grace Müller', 'CH', .44);

SELECT id, email FROM users WHERE country = 'JP'
INTERSECT
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 51.69)
ORDER BY 2;
WITH RECURSIVE tree(id, parent_id, title, depth) AS (
  SELECT id, parent_id, title, 0 FROM categories WHERE id = 48
  UNION ALL
  SELECT c.id, c.parent_id, c.title, t.depth + 1
  FROM categories c JOIN tree t ON c.parent_id = t.id
  WHERE t.depth < 2
)
SELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth;

BEGIN IMMEDIATE;

INSERT INTO users (email, name) VALUES ('jürgen.obrien193@example.com', 'Jürgen O''Brien');
INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 498.08, CURRENT_TIMESTAMP);
SAVEPOINT sp85;
COMMIT;
SELECT id, email FROM users WHERE country = 'PL'
INTERSECT
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 92.22)
ORDER BY 2;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
INNER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-09-01' AND '2024-12-31'
  AND u.country IN ('DE', 'CH', 'IS')
  AND p.title NOT LIKE '%error%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 172 OFFSET 69;
SELECT id, email FROM users WHERE country = 'DE'
EXCEPT
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 84.01)
ORDER BY 2;
SELECT id, email FROM users WHERE country = 'DE'
UNION ALL
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 274.23)
ORDER BY 2;

SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 93
GROUP BY p.category_id
HAVING COUNT(*) >= 11 AND AVG(r.stars) > 3.3
ORDER BY avg_stars DESC NULLS LAST;

INSERT INTO users (email, name, country, score)
VALUES
  ('håkon.hopper463@example.com', 'Håkon Hopper', 'IS', .9),
  ('josé.müller435@example.com', 'José Müller', 'CH', 67768);
DELETE FROM scratch WHERE k GLOB 'a*';
INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'debug', json_object('city', 'Kraków'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'BR' AND u.score > 60
RETURNING id, ts;
-- TODO: tune the LIMIT once the index lands
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (553038, 'SKU-553038', 23, 'Zürich price "index"', 545.92, X'782dba78be');
BEGIN TRANSACTION;

INSERT INTO users (email, name) VALUES ('siobhán.obrien266@example.com', 'Siobhán O''Brien');

INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 635.58, CURRENT_TIMESTAMP);
SAVEPOINT sp66;
ROLLBACK;

SELECT id, email FROM users WHERE country = 'FR'
EXCEPT
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 452.47)
ORDER BY 2;
-- TODO: tune the LIMIT once the index lands
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'purchase'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 888;

SELECT DISTINCT upper(substr(name, 1, 1)) AS initial, count(*) AS n
FROM users WHERE name GLOB '[A-Z]*' OR name LIKE 'Zoë%' ESCAPE '\'
GROUP BY 1 ORDER BY n DESC;
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'purchase'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 417;
SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 137
GROUP BY p.category_id
HAVING COUNT(*) >= 19 AND AVG(r.stars) > 3.0
ORDER BY avg_stars DESC NULLS LAST;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (354553, 'SKU-354553', 22, 'Kraków gamma "value"', 415.00, X'2810164a6048cd36');

SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'click'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 309;

SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
INNER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-09-01' AND '2024-12-31'
  AND u.country IN ('JP', 'PL', 'CH')
  AND p.title NOT LIKE '%count%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 313 OFFSET 42;
BEGIN IMMEDIATE;

INSERT INTO users (email, name) VALUES ('zoë.nakamura677@example.com', 'Zoë Nakamura');

INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 43.75, CURRENT_TIMESTAMP);

SAVEPOINT sp68;
END TRANSACTION;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (909275, 'SKU-909275', 35, '東京 gamma "gamma"', 51.08, X'04811d609e1addfad5');
SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 7 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'paid' AND NOT o.user_id BETWEEN 42 AND 662;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (952812, 'SKU-952812', 47, 'Reykjavík lambda "delta"', 233.18, X'39d766aa93');
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-04-01' AND '2024-12-31'
  AND u.country IN ('DE', 'BR', 'FR')
  AND p.title NOT LIKE '%lambda%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 224 OFFSET 96;
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'logout'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 92;
SELECT DISTINCT upper(substr(name, 1, 1)) AS initial, count(*) AS n
FROM users WHERE name GLOB '[A-Z]*' OR name LIKE 'Linus%' ESCAPE '\'
GROUP BY 1 ORDER BY n DESC;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-02-01' AND '2024-12-31'
  AND u.country IN ('IS', 'PL', 'US')
  AND p.title NOT LIKE '%gamma%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 437 OFFSET 57;

UPDATE OR IGNORE users
SET last_login = datetime('now', '-78 days'),
    is_admin = CASE WHEN email LIKE '%@example.com' THEN TRUE ELSE FALSE END
WHERE id = 604;
WITH RECURSIVE tree(id, parent_id, title, depth) AS (
  SELECT id, parent_id, title, 0 FROM categories WHERE id = 14
  UNION ALL
  SELECT c.id, c.parent_id, c.title, t.depth + 1
  FROM categories c JOIN tree t ON c.parent_id = t.id
  WHERE t.depth < 4
)
SELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (484568, 'SKU-484568', 44, 'Kraków owner "owner"', 557.94, X'03dff6f402');

INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'logout', json_object('city', 'Reykjavík'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'FR' AND u.score > 16
RETURNING id, ts;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (306619, 'SKU-306619', 29, 'New York retry "item"', 182.22, X'df59');
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-03-01' AND '2024-12-31'
  AND u.country IN ('CH', 'DE', 'JP')
  AND p.title NOT LIKE '%alpha%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 139 OFFSET 32;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-03-01' AND '2024-12-31'
  AND u.country IN ('US', 'PL', 'DE')
  AND p.title NOT LIKE '%beta%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 394 OFFSET 54;
/* reporting query, see dashboard #42 */
SELECT DISTINCT upper(substr(name, 1, 1)) AS initial, count(*) AS n
FROM users WHERE name GLOB '[A-Z]*' OR name LIKE 'Linus%' ESCAPE '\'
GROUP BY 1 ORDER BY n DESC;
UPDATE products
SET price = ROUND(price * 1.019, 2), in_stock = in_stock - 1
WHERE category_id = 7 AND in_stock > 0;

SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'Paris' AS city) AS c
WHERE v.column1 <= 2;
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'login'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 803;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-01-01' AND '2024-12-31'
  AND u.country IN ('PL', 'IS', 'CH')
  AND p.title NOT LIKE '%order%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 496 OFFSET 12;

INSERT INTO scratch (k, v) VALUES ('updated66', 91456)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;
SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 63
GROUP BY p.category_id
HAVING COUNT(*) >= 13 AND AVG(r.stars) > 3.1
ORDER BY avg_stars DESC NULLS LAST;
DELETE FROM events WHERE ts < 1234044110 AND kind = 'debug';

SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 2 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'new' AND NOT o.user_id BETWEEN 45 AND 646;
BEGIN IMMEDIATE;

INSERT INTO users (email, name) VALUES ('linus.garcía930@example.com', 'Linus García');
INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 795.20, CURRENT_TIMESTAMP);
SAVEPOINT sp2;

END TRANSACTION;
SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 19
GROUP BY p.category_id
HAVING COUNT(*) >= 10 AND AVG(r.stars) > 1.3
ORDER BY avg_stars DESC NULLS LAST;
BEGIN IMMEDIATE;

INSERT INTO users (email, name) VALUES ('siobhán.turing696@example.com', 'Siobhán Turing');
INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 365.05, CURRENT_TIMESTAMP);
SAVEPOINT sp94;
COMMIT;

BEGIN;
INSERT INTO users (email, name) VALUES ('grace.obrien649@example.com', 'Grace O''Brien');
INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 519.23, CURRENT_TIMESTAMP);
SAVEPOINT sp66;
COMMIT;
INSERT INTO users (email, name, country, score)
VALUES
  ('alan.øberg687@example.com', 'Alan Øberg', 'BR', 811.15),
  ('linus.øberg590@example.com', 'Linus Øberg', 'DE', 629.18),
  ('siobhán.turing573@example.com', 'Siobhán Turing', 'BR', 656.55);
INSERT INTO scratch (k, v) VALUES ('theta62', 640.52)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;

SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 111
GROUP BY p.category_id
HAVING COUNT(*) >= 4 AND AVG(r.stars) > 2.3
ORDER BY avg_stars DESC NULLS LAST;

SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-07-01' AND '2024-12-31'
  AND u.country IN ('FR', 'US', 'JP')
  AND p.title NOT LIKE '%source%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 497 OFFSET 16;
INSERT INTO users (email, name, country, score)
VALUES
  ('alan.turing257@example.com', 'Alan Turing', 'US', 38246),
  ('håkon.øberg379@example.com', 'Håkon Øberg', 'PL', 748.40),
  ('håkon.obrien562@example.com', 'Håkon O''Brien', 'FR', 8.75e-2),
  ('jürgen.obrien524@example.com', 'Jürgen O''Brien', 'DE', .48);
WITH spend AS (
  SELECT user_id, SUM(amount) AS total FROM order_totals GROUP BY user_id
), ranked AS MATERIALIZED (
  SELECT user_id, total, NTILE(4) OVER (ORDER BY total DESC) AS quartile FROM spend
)
SELECT u.email, r.total, r.quartile
FROM ranked r JOIN users u ON u.id = r.user_id
WHERE r.quartile = 4 AND r.total > 152.31;

WITH spend AS (
  SELECT user_id, SUM(amount) AS total FROM order_totals GROUP BY user_id
), ranked AS MATERIALIZED (
  SELECT user_id, total, NTILE(4) OVER (ORDER BY total DESC) AS quartile FROM spend
)
SELECT u.email, r.total, r.quartile
FROM ranked r JOIN users u ON u.id = r.user_id
WHERE r.quartile = 3 AND r.total > 0x57CF1E;

UPDATE OR IGNORE users
SET last_login = datetime('now', '-72 days'),
    is_admin = CASE WHEN email LIKE '%@example.com' THEN TRUE ELSE FALSE END
WHERE id = 1345;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-09-01' AND '2024-12-31'
  AND u.country IN ('JP', 'BR', 'FR')
  AND p.title NOT LIKE '%epsilon%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 258 OFFSET 69;

INSERT INTO users (email, name, country, score)
VALUES
  ('alan.garcía172@example.com', 'Alan García', 'DE', 73945),
  ('håkon.obrien415@example.com', 'Håkon O''Brien', 'FR', 0x6FCD83),
  ('ngozi.obrien964@example.com', 'Ngozi O''Brien', 'PL', .26),
  ('alan.lovelace817@example.com', 'Alan Lovelace', 'BR', 523.85),
  ('håkon.garcía521@example.com', 'Håkon García', 'US', 618.18);

INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'login', json_object('city', 'São Paulo'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'PL' AND u.score > 69
RETURNING id, ts;

INSERT INTO scratch (k, v) VALUES ('owner85', 15510)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (264557, 'SKU-264557', 31, 'Zürich item "gamma"', 554.15, X'2ae75bd679176edc1327');
INSERT INTO users (email, name, country, score)
VALUES
  ('ngozi.müller534@example.com', 'Ngozi Müller', 'DE', 2.11e-5),
  ('zoë.lovelace666@example.com', 'Zoë Lovelace', 'PL', 18380);
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (240287, 'SKU-240287', 25, '東京 retry "item"', 472.19, X'0bc6f0e2');
UPDATE products
SET price = ROUND(price * 1.103, 2), in_stock = in_stock - 1
WHERE category_id = 32 AND in_stock > 0;

SELECT DISTINCT upper(substr(name, 1, 1)) AS initial, count(*) AS n
FROM users WHERE name GLOB '[A-Z]*' OR name LIKE 'Grace%' ESCAPE '\'
GROUP BY 1 ORDER BY n DESC;
UPDATE orders
SET status = 'cancelled', note = COALESCE(note, '') || ' – delta'
WHERE id IN (SELECT order_id FROM order_items WHERE qty >= 6);
DELETE FROM reviews
WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = reviews.product_id);

SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 5 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'cancelled' AND NOT o.user_id BETWEEN 4 AND 104;

WITH RECURSIVE tree(id, parent_id, title, depth) AS (
  SELECT id, parent_id, title, 0 FROM categories WHERE id = 21
  UNION ALL
  SELECT c.id, c.parent_id, c.title, t.depth + 1
  FROM categories c JOIN tree t ON c.parent_id = t.id
  WHERE t.depth < 4
)
SELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth;

SELECT id, email FROM users WHERE country = 'IS'
UNION
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 16.08)
ORDER BY 2;
WITH RECURSIVE tree(id, parent_id, title, depth) AS (
  SELECT id, parent_id, title, 0 FROM categories WHERE id = 39
  UNION ALL
  SELECT c.id, c.parent_id, c.title, t.depth + 1
  FROM categories c JOIN tree t ON c.parent_id = t.id
  WHERE t.depth < 2
)
SELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth;

INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (409371, 'SKU-409371', 40, 'Kraków omega "label"', 498.62, X'97ac1e');
INSERT INTO users (email, name, country, score)
VALUES
  ('håkon.müller683@example.com', 'Håkon Müller', 'FR', 86610),
  ('jürgen.turing980@example.com', 'Jürgen Turing', 'CH', 2.47e0),
  ('ada.lovelace380@example.com', 'Ada Lovelace', 'BR', 7.89e-4),
  ('ada.obrien283@example.com', 'Ada O''Brien', 'US', 86197),
  ('siobhán.nakamura262@example.com', 'Siobhán Nakamura', 'DE', 44307),
  ('alan.müller285@example.com', 'Alan Müller', 'DE', 8.73e5);

SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 2 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'shipped' AND NOT o.user_id BETWEEN 84 AND 786;
SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 3 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'shipped' AND NOT o.user_id BETWEEN 97 AND 167;
INSERT INTO users (email, name, country, score)
VALUES
  ('håkon.nakamura145@example.com', 'Håkon Nakamura', 'JP', 4.77e-4),
  ('linus.turing744@example.com', 'Linus Turing', 'US', 39735),
  ('linus.müller470@example.com', 'Linus Müller', 'FR', 2.1e-3),
  ('josé.nakamura831@example.com', 'José Nakamura', 'JP', .31),
  ('alan.nakamura82@example.com', 'Alan Nakamura', 'IS', 687.40),
  ('ngozi.hopper962@example.com', 'Ngozi Hopper', 'IS', 94101);
INSERT INTO users (email, name, country, score)
VALUES
  ('ada.müller261@example.com', 'Ada Müller', 'CH', .12),
  ('zoë.lovelace228@example.com', 'Zoë Lovelace', 'JP', .48),
  ('zoë.hopper960@example.com', 'Zoë Hopper', 'JP', 606.57),
  ('siobhán.øberg250@example.com', 'Siobhán Øberg', 'JP', 31876),
  ('zoë.garcía94@example.com', 'Zoë García', 'CH', .19),
  ('ada.müller452@example.com', 'Ada Müller', 'BR', .27);

INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (949857, 'SKU-949857', 46, 'Paris name "price"', 911.45, X'9d');
SELECT id, email FROM users WHERE country = 'JP'
UNION
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 39.40)
ORDER BY 2;

INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (175774, 'SKU-175774', 47, 'New York omega "count"', 958.10, X'2021a922e1');
WITH spend AS (
  SELECT user_id, SUM(amount) AS total FROM order_totals GROUP BY user_id
), ranked AS MATERIALIZED (
  SELECT user_id, total, NTILE(4) OVER (ORDER BY total DESC) AS quartile FROM spend
)
SELECT u.email, r.total, r.quartile
FROM ranked r JOIN users u ON u.id = r.user_id
WHERE r.quartile = 2 AND r.total > .97;
INSERT INTO users (email, name, country, score)
VALUES
  ('alan.turing652@example.com', 'Alan Turing', 'JP', 0x4B57DE),
  ('ngozi.turing380@example.com', 'Ngozi Turing', 'FR', 63552),
  ('alan.obrien261@example.com', 'Alan O''Brien', 'CH', 0x555088),
  ('håkon.hopper581@example.com', 'Håkon Hopper', 'PL', 2.57e-3),
  ('josé.turing753@example.com', 'José Turing', 'BR', 0x54AA6);
SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'Reykjavík' AS city) AS c
WHERE v.column1 <= 1;
-- ünïcödé in a comment: 日本語
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'login'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 621;
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w ROWS 3 PRECEDING) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'click'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 260;
SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 58
GROUP BY p.category_id
HAVING COUNT(*) >= 12 AND AVG(r.stars) > 1.1
ORDER BY avg_stars DESC NULLS LAST;

-- ünïcödé in a comment: 日本語
INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'debug', json_object('city', 'New York'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'CH' AND u.score > 72
RETURNING id, ts;
WITH spend AS (
  SELECT user_id, SUM(amount) AS total FROM order_totals GROUP BY user_id
), ranked AS MATERIALIZED (
  SELECT user_id, total, NTILE(4) OVER (ORDER BY total DESC) AS quartile FROM spend
)
SELECT u.email, r.total, r.quartile
FROM ranked r JOIN users u ON u.id = r.user_id
WHERE r.quartile = 3 AND r.total > .18;
WITH spend AS (
  SELECT user_id, SUM(amount) AS total FROM order_totals GROUP BY user_id
), ranked AS MATERIALIZED (
  SELECT user_id, total, NTILE(4) OVER (ORDER BY total DESC) AS quartile FROM spend
)
SELECT u.email, r.total, r.quartile
FROM ranked r JOIN users u ON u.id = r.user_id
WHERE r.quartile = 2 AND r.total > 2.67e5;
DELETE FROM scratch WHERE k GLOB 'z*';
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (524355, 'SKU-524355', 38, 'New York payload "total"', 28.37, X'839178a061');
DELETE FROM scratch WHERE k GLOB 'a*';
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'debug'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 450;

SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 14
GROUP BY p.category_id
HAVING COUNT(*) >= 4 AND AVG(r.stars) > 3.3
ORDER BY avg_stars DESC NULLS LAST;

SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT OUTER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-03-01' AND '2024-12-31'
  AND u.country IN ('CH', 'FR', 'PL')
  AND p.title NOT LIKE '%lambda%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 286 OFFSET 82;

SELECT DISTINCT upper(substr(name, 1, 1)) AS initial, count(*) AS n
FROM users WHERE name GLOB '[A-Z]*' OR name LIKE 'Alan%' ESCAPE '\'
GROUP BY 1 ORDER BY n DESC;

SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT OUTER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-05-01' AND '2024-12-31'
  AND u.country IN ('PL', 'BR', 'FR')
  AND p.title NOT LIKE '%error%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 251 OFFSET 36;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (366801, 'SKU-366801', 39, '東京 region "count"', 269.65, X'bf169a43c2f2f97a');
SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 106
GROUP BY p.category_id
HAVING COUNT(*) >= 10 AND AVG(r.stars) > 2.9
ORDER BY avg_stars DESC NULLS LAST;
-- ünïcödé in a comment: 日本語
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'purchase'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 593;

BEGIN;

INSERT INTO users (email, name) VALUES ('grace.nakamura980@example.com', 'Grace Nakamura');

INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 141.14, CURRENT_TIMESTAMP);
SAVEPOINT sp38;

END TRANSACTION;

INSERT INTO scratch (k, v) VALUES ('status77', 4.44e-1)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (462151, 'SKU-462151', 3, 'Zürich user "item"', 73.82, X'766b5c913dee5e');

INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (887901, 'SKU-887901', 4, 'New York omega "beta"', 577.56, X'');
INSERT INTO scratch (k, v) VALUES ('value33', 0x7961CD)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;

SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'São Paulo' AS city) AS c
WHERE v.column1 <= 3;
INSERT INTO scratch (k, v) VALUES ('index21', 956.66)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;
INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'purchase', json_object('city', 'Reykjavík'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'BR' AND u.score > 3
RETURNING id, ts;
-- TODO: tune the LIMIT once the index lands
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (201067, 'SKU-201067', 12, 'São Paulo status "beta"', 862.91, X'9183');
INSERT INTO users (email, name, country, score)
VALUES
  ('siobhán.garcía991@example.com', 'Siobhán García', 'PL', .14),
  ('ada.müller630@example.com', 'Ada Müller', 'PL', 361.44),
  ('josé.hopper567@example.com', 'José Hopper', 'CH', 0x742953),
  ('linus.turing810@example.com', 'Linus Turing', 'BR', 84367),
  ('jürgen.øberg704@example.com', 'Jürgen Øberg', 'IS', 15686),
  ('håkon.garcía929@example.com', 'Håkon García', 'DE', 0xC4B409);

INSERT INTO users (email, name, country, score)
VALUES
  ('jürgen.hopper453@example.com', 'Jürgen Hopper', 'US', 7.27e3),
  ('alan.lovelace271@example.com', 'Alan Lovelace', 'JP', 55879),
  ('ngozi.müller313@example.com', 'Ngozi Müller', 'JP', 0xC1B848),
  ('ngozi.hopper66@example.com', 'Ngozi Hopper', 'BR', 78.97);
SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 11
GROUP BY p.category_id
HAVING COUNT(*) >= 6 AND AVG(r.stars) > 3.1
ORDER BY avg_stars DESC NULLS LAST;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
INNER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-01-01' AND '2024-12-31'
  AND u.country IN ('BR', 'CH', 'DE')
  AND p.title NOT LIKE '%order%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 220 OFFSET 26;

SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 35
GROUP BY p.category_id
HAVING COUNT(*) >= 14 AND AVG(r.stars) > 1.6
ORDER BY avg_stars DESC NULLS LAST;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
INNER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-07-01' AND '2024-12-31'
  AND u.country IN ('FR', 'CH', 'PL')
  AND p.title NOT LIKE '%user%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 24 OFFSET 14;
SELECT id, email FROM users WHERE country = 'DE'
UNION
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 113.80)
ORDER BY 2;

BEGIN IMMEDIATE;
INSERT INTO users (email, name) VALUES ('ngozi.lovelace616@example.com', 'Ngozi Lovelace');

INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 361.60, CURRENT_TIMESTAMP);

SAVEPOINT sp20;
ROLLBACK;
SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'Paris' AS city) AS c
WHERE v.column1 <= 2;
INSERT INTO users (email, name, country, score)
VALUES
  ('siobhán.müller705@example.com', 'Siobhán Müller', 'PL', 0x141E56),
  ('håkon.hopper325@example.com', 'Håkon Hopper', 'US', .56),
  ('linus.garcía847@example.com', 'Linus García', 'JP', 16762),
  ('grace.nakamura871@example.com', 'Grace Nakamura', 'FR', .45);
INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'view', json_object('city', '東京'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'IS' AND u.score > 29
RETURNING id, ts;
INSERT INTO users (email, name, country, score)
VALUES
  ('siobhán.hopper444@example.com', 'Siobhán Hopper', 'DE', 0xE09CEE),
  ('zoë.øberg718@example.com', 'Zoë Øberg', 'PL', 0xA79894),
  ('ngozi.turing653@example.com', 'Ngozi Turing', 'PL', 32131),
  ('zoë.müller959@example.com', 'Zoë Müller', 'PL', .65),
  ('siobhán.øberg397@example.com', 'Siobhán Øberg', 'CH', 6.40e5),
  ('zoë.nakamura740@example.com', 'Zoë Nakamura', 'DE', 0xC97307);
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (659781, 'SKU-659781', 32, 'Kraków user "user"', 808.38, X'');
UPDATE users SET score = t.amount
FROM (SELECT user_id, SUM(amount) AS amount FROM order_totals GROUP BY user_id) AS t
WHERE t.user_id = users.id;

SELECT id, email FROM users WHERE country = 'BR'
EXCEPT
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 306.75)
ORDER BY 2;
INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'debug', json_object('city', 'São Paulo'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'DE' AND u.score > 86
RETURNING id, ts;
SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 190
GROUP BY p.category_id
HAVING COUNT(*) >= 18 AND AVG(r.stars) > 1.0
ORDER BY avg_stars DESC NULLS LAST;
INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'purchase', json_object('city', 'Kraków'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'CH' AND u.score > 81
RETURNING id, ts;
UPDATE products
SET price = ROUND(price * 1.172, 2), in_stock = in_stock - 1
WHERE category_id = 24 AND in_stock > 0;

BEGIN;
INSERT INTO users (email, name) VALUES ('ngozi.lovelace363@example.com', 'Ngozi Lovelace');

INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 789.35, CURRENT_TIMESTAMP);

SAVEPOINT sp70;
COMMIT;
SELECT id, email FROM users WHERE country = 'CH'
UNION
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 139.58)
ORDER BY 2;

INSERT INTO scratch (k, v) VALUES ('status84', 0xF852EA)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;

SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'Reykjavík' AS city) AS c
WHERE v.column1 <= 1;
SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'New York' AS city) AS c
WHERE v.column1 <= 1;

WITH spend AS (
  SELECT user_id, SUM(amount) AS total FROM order_totals GROUP BY user_id
), ranked AS MATERIALIZED (
  SELECT user_id, total, NTILE(4) OVER (ORDER BY total DESC) AS quartile FROM spend
)
SELECT u.email, r.total, r.quartile
FROM ranked r JOIN users u ON u.id = r.user_id
WHERE r.quartile = 4 AND r.total > 1.78e2;

/* multi-line
   block comment */
INSERT INTO users (email, name, country, score)
VALUES
  ('håkon.øberg206@example.com', 'Håkon Øberg', 'FR', .60),
  ('linus.nakamura7@example.com', 'Linus Nakamura', 'JP', .4);
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (487232, 'SKU-487232', 34, 'Reykjavík updated "owner"', 463.57, X'32c7bf');
-- TODO: tune the LIMIT once the index lands
SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 174
GROUP BY p.category_id
HAVING COUNT(*) >= 16 AND AVG(r.stars) > 2.0
ORDER BY avg_stars DESC NULLS LAST;
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (145732, 'SKU-145732', 16, '東京 value "name"', 681.32, X'1b215198a50d14');
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (885215, 'SKU-885215', 38, 'Zürich source "user"', 543.11, X'bffa557320a33528f3');
INSERT INTO users (email, name, country, score)
VALUES
  ('ngozi.hopper436@example.com', 'Ngozi Hopper', 'PL', 22434),
  ('jürgen.lovelace883@example.com', 'Jürgen Lovelace', 'CH', 5.52e3),
  ('jürgen.nakamura748@example.com', 'Jürgen Nakamura', 'PL', 0xB5B3F8),
  ('josé.øberg418@example.com', 'José Øberg', 'DE', .12);
/* multi-line
   block comment */
SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'Kraków' AS city) AS c
WHERE v.column1 <= 1;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-04-01' AND '2024-12-31'
  AND u.country IN ('IS', 'FR', 'US')
  AND p.title NOT LIKE '%delta%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 454 OFFSET 82;
INSERT INTO users (email, name, country, score)
VALUES
  ('josé.lovelace770@example.com', 'José Lovelace', 'IS', 0x3FFD21),
  ('alan.müller428@example.com', 'Alan Müller', 'JP', 654.00),
  ('josé.müller912@example.com', 'José Müller', 'US', .20),
  ('siobhán.hopper226@example.com', 'Siobhán Hopper', 'JP', .35),
  ('josé.nakamura186@example.com', 'José Nakamura', 'DE', .41);
INSERT INTO users (email, name, country, score)
VALUES
  ('håkon.øberg594@example.com', 'Håkon Øberg', 'IS', 0x1D12E8),
  ('siobhán.müller167@example.com', 'Siobhán Müller', 'PL', 521.36),
  ('ada.garcía257@example.com', 'Ada García', 'US', 1.52e2),
  ('zoë.turing681@example.com', 'Zoë Turing', 'CH', 35024),
  ('håkon.garcía753@example.com', 'Håkon García', 'IS', .63),
  ('zoë.hopper45@example.com', 'Zoë Hopper', 'PL', 4.24e-3);
-- TODO: tune the LIMIT once the index lands
INSERT INTO users (email, name, country, score)
VALUES
  ('josé.müller936@example.com', 'José Müller', 'BR', 30863),
  ('alan.øberg252@example.com', 'Alan Øberg', 'IS', 18786);
INSERT INTO users (email, name, country, score)
VALUES
  ('grace.turing810@example.com', 'Grace Turing', 'IS', .67),
  ('ngozi.garcía895@example.com', 'Ngozi García', 'PL', .87),
  ('jürgen.nakamura592@example.com', 'Jürgen Nakamura', 'US', 32476);
INSERT INTO users (email, name, country, score)
VALUES
  ('linus.lovelace855@example.com', 'Linus Lovelace', 'PL', 841.86),
  ('håkon.øberg48@example.com', 'Håkon Øberg', 'BR', 574.59),
  ('ada.lovelace428@example.com', 'Ada Lovelace', 'FR', 77222),
  ('jürgen.øberg795@example.com', 'Jürgen Øberg', 'IS', 227.12),
  ('linus.müller345@example.com', 'Linus Müller', 'US', 5.56e-1);
SELECT id, email FROM users WHERE country = 'JP'
INTERSECT
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 455.84)
ORDER BY 2;
DELETE FROM scratch WHERE k GLOB 'b*';
UPDATE OR IGNORE users
SET last_login = datetime('now', '-58 days'),
    is_admin = CASE WHEN email LIKE '%@example.com' THEN TRUE ELSE FALSE END
WHERE id = 2246;

WITH spend AS (
  SELECT user_id, SUM(amount) AS total FROM order_totals GROUP BY user_id
), ranked AS MATERIALIZED (
  SELECT user_id, total, NTILE(4) OVER (ORDER BY total DESC) AS quartile FROM spend
)
SELECT u.email, r.total, r.quartile
FROM ranked r JOIN users u ON u.id = r.user_id
WHERE r.quartile = 4 AND r.total > 8.7e-1;
SELECT id, email FROM users WHERE country = 'JP'
EXCEPT
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 164.80)
ORDER BY 2;

SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'Zürich' AS city) AS c
WHERE v.column1 <= 2;
DELETE FROM scratch WHERE k GLOB 'x*';
INSERT INTO scratch (k, v) VALUES ('retry81', 536.38)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;

SELECT DISTINCT upper(substr(name, 1, 1)) AS initial, count(*) AS n
FROM users WHERE name GLOB '[A-Z]*' OR name LIKE 'Jürgen%' ESCAPE '\'
GROUP BY 1 ORDER BY n DESC;
INSERT INTO users (email, name, country, score)
VALUES
  ('grace.garcía616@example.com', 'Grace García', 'IS', 30629),
  ('grace.turing849@example.com', 'Grace Turing', 'DE', .38),
  ('zoë.hopper83@example.com', 'Zoë Hopper', 'IS', 0xA12473),
  ('siobhán.müller75@example.com', 'Siobhán Müller', 'US', 621.48),
  ('ada.øberg44@example.com', 'Ada Øberg', 'IS', 53718);
SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'Zürich' AS city) AS c
WHERE v.column1 <= 2;

SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 3 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'paid' AND NOT o.user_id BETWEEN 99 AND 589;
INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'logout', json_object('city', 'New York'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'FR' AND u.score > 18
RETURNING id, ts;

SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT OUTER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-07-01' AND '2024-12-31'
  AND u.country IN ('JP', 'US', 'CH')
  AND p.title NOT LIKE '%kind%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 499 OFFSET 51;

INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (262496, 'SKU-262496', 35, 'Zürich error "source"', 850.05, X'a6b4');
SELECT id, email FROM users WHERE country = 'DE'
UNION
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 267.75)
ORDER BY 2;

SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT OUTER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-09-01' AND '2024-12-31'
  AND u.country IN ('US', 'FR', 'IS')
  AND p.title NOT LIKE '%retry%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 134 OFFSET 60;
SELECT id, email FROM users WHERE country = 'DE'
INTERSECT
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 27.59)
ORDER BY 2;
WITH spend AS (
  SELECT user_id, SUM(amount) AS total FROM order_totals GROUP BY user_id
), ranked AS MATERIALIZED (
  SELECT user_id, total, NTILE(4) OVER (ORDER BY total DESC) AS quartile FROM spend
)
SELECT u.email, r.total, r.quartile
FROM ranked r JOIN users u ON u.id = r.user_id
WHERE r.quartile = 4 AND r.total > 3.32e1;
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'logout'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 946;

DELETE FROM scratch WHERE k GLOB 'x*';
WITH RECURSIVE tree(id, parent_id, title, depth) AS (
  SELECT id, parent_id, title, 0 FROM categories WHERE id = 1
  UNION ALL
  SELECT c.id, c.parent_id, c.title, t.depth + 1
  FROM categories c JOIN tree t ON c.parent_id = t.id
  WHERE t.depth < 3
)
SELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth;
SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'Kraków' AS city) AS c
WHERE v.column1 <= 2;
UPDATE products
SET price = ROUND(price * 0.808, 2), in_stock = in_stock - 1
WHERE category_id = 49 AND in_stock > 0;
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'purchase'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 588;
WITH RECURSIVE tree(id, parent_id, title, depth) AS (
  SELECT id, parent_id, title, 0 FROM categories WHERE id = 9
  UNION ALL
  SELECT c.id, c.parent_id, c.title, t.depth + 1
  FROM categories c JOIN tree t ON c.parent_id = t.id
  WHERE t.depth < 2
)
SELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
INNER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-08-01' AND '2024-12-31'
  AND u.country IN ('PL', 'US', 'FR')
  AND p.title NOT LIKE '%label%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 141 OFFSET 36;
WITH RECURSIVE tree(id, parent_id, title, depth) AS (
  SELECT id, parent_id, title, 0 FROM categories WHERE id = 24
  UNION ALL
  SELECT c.id, c.parent_id, c.title, t.depth + 1
  FROM categories c JOIN tree t ON c.parent_id = t.id
  WHERE t.depth < 2
)
SELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth;
WITH RECURSIVE tree(id, parent_id, title, depth) AS (
  SELECT id, parent_id, title, 0 FROM categories WHERE id = 23
  UNION ALL
  SELECT c.id, c.parent_id, c.title, t.depth + 1
  FROM categories c JOIN tree t ON c.parent_id = t.id
  WHERE t.depth < 3
)
SELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth;
INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'purchase', json_object('city', 'Kraków'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'IS' AND u.score > 91
RETURNING id, ts;
INSERT INTO users (email, name, country, score)
VALUES
  ('håkon.turing73@example.com', 'Håkon Turing', 'DE', .74),
  ('josé.nakamura90@example.com', 'José Nakamura', 'PL', .18),
  ('grace.hopper220@example.com', 'Grace Hopper', 'JP', 30973),
  ('jürgen.müller726@example.com', 'Jürgen Müller', 'PL', 0xDE44B0),
  ('alan.obrien725@example.com', 'Alan O''Brien', 'PL', .71),
  ('grace.obrien276@example.com', 'Grace O''Brien', 'PL', 1.28e2);
UPDATE OR IGNORE users
SET last_login = datetime('now', '-20 days'),
    is_admin = CASE WHEN email LIKE '%@example.com' THEN TRUE ELSE FALSE END
WHERE id = 2364;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT OUTER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-07-01' AND '2024-12-31'
  AND u.country IN ('CH', 'PL', 'JP')
  AND p.title NOT LIKE '%omega%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 124 OFFSET 1;
/* multi-line
   block comment */
DELETE FROM reviews
WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = reviews.product_id);

SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 6 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'cancelled' AND NOT o.user_id BETWEEN 16 AND 755;
UPDATE products
SET price = ROUND(price * 1.085, 2), in_stock = in_stock - 1
WHERE category_id = 15 AND in_stock > 0;
SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 6 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'paid' AND NOT o.user_id BETWEEN 29 AND 462;
-- nightly maintenance
INSERT INTO users (email, name, country, score)
VALUES
  ('zoë.øberg694@example.com', 'Zoë Øberg', 'CH', 545.15),
  ('zoë.nakamura311@example.com', 'Zoë Nakamura', 'DE', 2.73e-5);

BEGIN IMMEDIATE;
INSERT INTO users (email, name) VALUES ('josé.øberg216@example.com', 'José Øberg');
INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 881.22, CURRENT_TIMESTAMP);

SAVEPOINT sp66;

COMMIT;
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'click'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 462;
DELETE FROM scratch WHERE k GLOB 'z*';
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-02-01' AND '2024-12-31'
  AND u.country IN ('JP', 'US', 'BR')
  AND p.title NOT LIKE '%error%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 146 OFFSET 53;

SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'view'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 562;

SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'view'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 88;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-02-01' AND '2024-12-31'
  AND u.country IN ('DE', 'CH', 'US')
  AND p.title NOT LIKE '%lambda%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 129 OFFSET 72;
SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 7 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'new' AND NOT o.user_id BETWEEN 26 AND 852;

SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'logout'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 449;
/* multi-line
   block comment */
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'login'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 965;
SELECT id, email FROM users WHERE country = 'CH'
EXCEPT
SELECT u.id, u.email FROM users u
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.total > 400.50)
ORDER BY 2;

SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 149
GROUP BY p.category_id
HAVING COUNT(*) >= 11 AND AVG(r.stars) > 1.7
ORDER BY avg_stars DESC NULLS LAST;
SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 154
GROUP BY p.category_id
HAVING COUNT(*) >= 8 AND AVG(r.stars) > 2.8
ORDER BY avg_stars DESC NULLS LAST;

INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (606019, 'SKU-606019', 19, 'São Paulo status "label"', 903.94, X'6826bf0ade50949a');
BEGIN;
INSERT INTO users (email, name) VALUES ('alan.øberg611@example.com', 'Alan Øberg');

-- TODO: tune the LIMIT once the index lands
INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 442.21, CURRENT_TIMESTAMP);
SAVEPOINT sp32;
END TRANSACTION;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT OUTER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-04-01' AND '2024-12-31'
  AND u.country IN ('PL', 'JP', 'DE')
  AND p.title NOT LIKE '%weight%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 307 OFFSET 27;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
INNER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-08-01' AND '2024-12-31'
  AND u.country IN ('US', 'FR', 'IS')
  AND p.title NOT LIKE '%latency%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 470 OFFSET 82;
INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'login', json_object('city', 'New York'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'JP' AND u.score > 54
RETURNING id, ts;

UPDATE orders
SET status = 'shipped', note = COALESCE(note, '') || ' – shard'
WHERE id IN (SELECT order_id FROM order_items WHERE qty >= 7);

SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'Paris' AS city) AS c
WHERE v.column1 <= 2;
WITH RECURSIVE tree(id, parent_id, title, depth) AS (
  SELECT id, parent_id, title, 0 FROM categories WHERE id = 31
  UNION ALL
  SELECT c.id, c.parent_id, c.title, t.depth + 1
  FROM categories c JOIN tree t ON c.parent_id = t.id
  WHERE t.depth < 7
)
SELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth;
INSERT INTO scratch (k, v) VALUES ('error78', 0x17BEA8)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;
DELETE FROM reviews
WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = reviews.product_id);
UPDATE users SET score = t.amount
FROM (SELECT user_id, SUM(amount) AS amount FROM order_totals GROUP BY user_id) AS t
WHERE t.user_id = users.id;
/* reporting query, see dashboard #42 */
INSERT INTO users (email, name, country, score)
VALUES
  ('josé.garcía291@example.com', 'José García', 'IS', 634.68),
  ('ngozi.nakamura748@example.com', 'Ngozi Nakamura', 'BR', 185.76),
  ('ngozi.øberg489@example.com', 'Ngozi Øberg', 'PL', 7.91e1),
  ('jürgen.hopper710@example.com', 'Jürgen Hopper', 'CH', 189.45),
  ('josé.müller319@example.com', 'José Müller', 'JP', 39678),
  ('alan.hopper597@example.com', 'Alan Hopper', 'FR', 4.66e5);

UPDATE users SET score = t.amount
FROM (SELECT user_id, SUM(amount) AS amount FROM order_totals GROUP BY user_id) AS t
WHERE t.user_id = users.id;

SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 184
GROUP BY p.category_id
HAVING COUNT(*) >= 13 AND AVG(r.stars) > 2.4
ORDER BY avg_stars DESC NULLS LAST;

INSERT INTO scratch (k, v) VALUES ('gamma50', .76)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;

INSERT INTO users (email, name, country, score)
VALUES
  ('ada.hopper643@example.com', 'Ada Hopper', 'IS', 6.95e-2),
  ('jürgen.turing669@example.com', 'Jürgen Turing', 'FR', 0xCAEBF9),
  ('josé.øberg910@example.com', 'José Øberg', 'CH', 0xF45D6D),
  ('ngozi.garcía544@example.com', 'Ngozi García', 'FR', 0x3C5815),
  ('jürgen.obrien720@example.com', 'Jürgen O''Brien', 'IS', 148.26);
DELETE FROM reviews
WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = reviews.product_id);

DELETE FROM reviews
WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = reviews.product_id);

INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'logout', json_object('city', 'New York'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'DE' AND u.score > 49
RETURNING id, ts;
-- ünïcödé in a comment: 日本語
SELECT *
FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v
CROSS JOIN (SELECT 'Zürich' AS city) AS c
WHERE v.column1 <= 1;
WITH RECURSIVE tree(id, parent_id, title, depth) AS (
  SELECT id, parent_id, title, 0 FROM categories WHERE id = 8
  UNION ALL
  SELECT c.id, c.parent_id, c.title, t.depth + 1
  FROM categories c JOIN tree t ON c.parent_id = t.id
  WHERE t.depth < 5
)
SELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth;
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'logout'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 538;

/* reporting query, see dashboard #42 */
UPDATE users SET score = t.amount
FROM (SELECT user_id, SUM(amount) AS amount FROM order_totals GROUP BY user_id) AS t
WHERE t.user_id = users.id;
DELETE FROM reviews
WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = reviews.product_id);

INSERT INTO users (email, name, country, score)
VALUES
  ('ngozi.garcía252@example.com', 'Ngozi García', 'JP', 86085),
  ('grace.lovelace616@example.com', 'Grace Lovelace', 'FR', 0x29CCF2),
  ('josé.garcía501@example.com', 'José García', 'DE', 41607);
DELETE FROM reviews
WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = reviews.product_id);
SELECT DISTINCT upper(substr(name, 1, 1)) AS initial, count(*) AS n
FROM users WHERE name GLOB '[A-Z]*' OR name LIKE 'Ada%' ESCAPE '\'
GROUP BY 1 ORDER BY n DESC;

WITH spend AS (
  SELECT user_id, SUM(amount) AS total FROM order_totals GROUP BY user_id
), ranked AS MATERIALIZED (
  SELECT user_id, total, NTILE(4) OVER (ORDER BY total DESC) AS quartile FROM spend
)
SELECT u.email, r.total, r.quartile
FROM ranked r JOIN users u ON u.id = r.user_id
WHERE r.quartile = 1 AND r.total > 3644;

INSERT INTO users (email, name, country, score)
VALUES
  ('jürgen.lovelace166@example.com', 'Jürgen Lovelace', 'DE', 56.58),
  ('håkon.lovelace46@example.com', 'Håkon Lovelace', 'FR', 927.88);
UPDATE products
SET price = ROUND(price * 0.980, 2), in_stock = in_stock - 1
WHERE category_id = 7 AND in_stock > 0;
BEGIN;

INSERT INTO users (email, name) VALUES ('ada.obrien773@example.com', 'Ada O''Brien');

INSERT INTO orders (user_id, status, total, placed_at) VALUES (last_insert_rowid(), 'new', 344.80, CURRENT_TIMESTAMP);
SAVEPOINT sp68;
ROLLBACK;
WITH spend AS (
  SELECT user_id, SUM(amount) AS total FROM order_totals GROUP BY user_id
), ranked AS MATERIALIZED (
  SELECT user_id, total, NTILE(4) OVER (ORDER BY total DESC) AS quartile FROM spend
)
SELECT u.email, r.total, r.quartile
FROM ranked r JOIN users u ON u.id = r.user_id
WHERE r.quartile = 1 AND r.total > 0x9431EA;

INSERT INTO users (email, name, country, score)
VALUES
  ('ada.lovelace284@example.com', 'Ada Lovelace', 'JP', 31445),
  ('linus.nakamura47@example.com', 'Linus Nakamura', 'FR', 42484),
  ('zoë.øberg668@example.com', 'Zoë Øberg', 'US', 0x83151A),
  ('ada.garcía506@example.com', 'Ada García', 'FR', 5.30e-5),
  ('grace.lovelace890@example.com', 'Grace Lovelace', 'IS', 71973);
-- nightly maintenance
INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES (636611, 'SKU-636611', 11, 'Reykjavík sigma "delta"', 870.39, X'a5b1770d');

SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w ROWS 3 PRECEDING) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'purchase'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 953;

SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,
       MAX(r.stars) - MIN(r.stars) AS spread,
       group_concat(DISTINCT r."group") AS groups
FROM reviews AS r
JOIN products AS p ON p.id = r.product_id
WHERE r.body IS NOT NULL AND length(r.body) > 195
GROUP BY p.category_id
HAVING COUNT(*) >= 5 AND AVG(r.stars) > 2.2
ORDER BY avg_stars DESC NULLS LAST;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-03-01' AND '2024-12-31'
  AND u.country IN ('BR', 'CH', 'JP')
  AND p.title NOT LIKE '%payload%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 155 OFFSET 93;

DELETE FROM scratch WHERE k GLOB 'b*';

SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'click'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 958;
INSERT INTO scratch (k, v) VALUES ('error97', 81612)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;
SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
LEFT OUTER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-01-01' AND '2024-12-31'
  AND u.country IN ('DE', 'FR', 'US')
  AND p.title NOT LIKE '%zeta%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 389 OFFSET 89;

INSERT INTO users (email, name, country, score)
VALUES
  ('josé.garcía66@example.com', 'José García', 'IS', 275.09),
  ('linus.hopper373@example.com', 'Linus Hopper', 'JP', 0x509913),
  ('zoë.obrien872@example.com', 'Zoë O''Brien', 'FR', 749.62),
  ('siobhán.hopper881@example.com', 'Siobhán Hopper', 'IS', 0xFE3030),
  ('jürgen.obrien737@example.com', 'Jürgen O''Brien', 'BR', .46);

INSERT INTO scratch (k, v) VALUES ('count43', .84)
ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v;
/* reporting query, see dashboard #42 */
INSERT INTO users (email, name, country, score)
VALUES
  ('alan.lovelace210@example.com', 'Alan Lovelace', 'FR', 0x8F908),
  ('alan.obrien697@example.com', 'Alan O''Brien', 'IS', 828.14),
  ('ada.øberg427@example.com', 'Ada Øberg', 'FR', .66);
SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 5 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'new' AND NOT o.user_id BETWEEN 46 AND 636;

SELECT u.id, u.name AS customer, o.id AS "order", p.title,
       i.qty * i.unit_price AS line_total,
       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage
FROM users u
INNER JOIN orders o ON o.user_id = u.id
JOIN order_items i ON i.order_id = o.id
JOIN products AS p ON p.id = i.product_id
WHERE o.placed_at BETWEEN '2024-06-01' AND '2024-12-31'
  AND u.country IN ('US', 'IS', 'DE')
  AND p.title NOT LIKE '%owner%'
ORDER BY line_total DESC, u.name COLLATE NOCASE ASC
LIMIT 396 OFFSET 22;
SELECT e.user_id, e.kind, e.ts,
       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,
       LAG(e.ts, 1, 0) OVER w AS prev_ts,
       SUM(CAST(e.ts AS REAL)) OVER (w ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS running,
       RANK() OVER (ORDER BY e.ts DESC) AS r,
       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks
FROM events AS e
WHERE e.kind <> 'purchase'
WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)
ORDER BY e.user_id, rn
LIMIT 674;
WITH RECURSIVE tree(id, parent_id, title, depth) AS (
  SELECT id, parent_id, title, 0 FROM categories WHERE id = 1
  UNION ALL
  SELECT c.id, c.parent_id, c.title, t.depth + 1
  FROM categories c JOIN tree t ON c.parent_id = t.id
  WHERE t.depth < 5
)
SELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth;

SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,
       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,
       CAST(o.total AS INTEGER) % 7 AS bucket, typeof(o.total) AS t
FROM orders o WHERE o.status != 'paid' AND NOT o.user_id BETWEEN 73 AND 128;
INSERT INTO events (user_id, kind, payload, ts)
SELECT u.id, 'logout', json_object('city', '東京'), strftime('%s', 'now')
FROM users AS u
WHERE u.country = 'JP' AND u.score > 84
RETURNING id, ts;

DROP VIEW IF EXISTS order_totals;
-- nightly maintenance
DROP TABLE IF EXISTS scratch;
