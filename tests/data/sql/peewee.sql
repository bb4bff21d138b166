SELECT * FROM users WHERE status = ?
-- ;;
UPDATE "users" SET "username" = CASE "users"."id"
    WHEN 1 THEN 'u1-x'
    WHEN 2 THEN 'u2-y'
    WHEN 3 THEN 'u3-z' END
WHERE "users"."id" IN (1, 2, 3)
-- ;;
SELECT "val",
  CASE "val"
      WHEN 1 THEN 'one'
      WHEN 2 THEN 'two'
      WHEN 3 THEN 'three'
      ELSE 'a lot' END AS "num_str"
FROM "numbers"
-- ;;
SELECT "val",
  CASE
      WHEN "val" = 1 THEN 'one'
      WHEN "val" = 2 THEN 'two'
      WHEN "val" = 3 THEN 'three'
      ELSE 'a lot' END AS "num_str"
FROM "numbers"
-- ;;
SELECT * FROM "tweet"
WHERE "user_id" IN (
    SELECT "_limited"."id"
    FROM (SELECT "id" FROM "user" LIMIT 20 OFFSET 0) AS "_limited")
-- ;;
SELECT "tweet".* FROM "tweet"
INNER JOIN (SELECT DISTINCT "id" FROM "user") AS "u"
    ON ("u"."id" = "tweet"."user_id")
-- ;;
SELECT t1."id", t1."user_id", t1."content", t1."pub_date"
FROM "message" AS t1
WHERE t1."user_id" IN (
    SELECT t2."id"
    FROM "user" AS t2
    INNER JOIN "relationship" AS t3
        ON t2."id" = t3."to_user_id"
    WHERE t3."from_user_id" = ?
    ORDER BY t2."username"
)
ORDER BY t1."pub_date" DESC
-- ;;
CREATE TABLE IF NOT EXISTS "event" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "timestamp" DATETIME NOT NULL,
    "metadata" TEXT NOT NULL)
-- ;;
CREATE INDEX article_published_lookup ON article (name, timestamp) WHERE status = 1
-- ;;
SELECT "t1"."id", "t1"."start", "t1"."end"
FROM "interval" AS t1
WHERE ((ABS("t1"."end" - "t1"."start") / 2) < 3)
-- ;;
CREATE TABLE "person" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "first" TEXT NOT NULL,
    "last" TEXT NOT NULL)
-- ;;
CREATE TABLE "note" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "person_id" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "timestamp" DATETIME NOT NULL,
    FOREIGN KEY ("person_id") REFERENCES "person" ("id"))
-- ;;
CREATE TABLE "reminder" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "note_id" INTEGER NOT NULL,
    "alarm" DATETIME NOT NULL,
    FOREIGN KEY ("note_id") REFERENCES "note" ("id"))
-- ;;
SELECT facid, total FROM (
  SELECT facid, SUM(slots) AS total,
         rank() OVER (order by SUM(slots) DESC) AS rank
  FROM bookings
  GROUP BY facid
) AS ranked
WHERE rank = 1
-- ;;
SELECT facid, name, membercost, monthlymaintenance
FROM facilities
WHERE membercost > 0 AND membercost < (monthlymaintenance / 50)
-- ;;
SELECT name,
CASE WHEN monthlymaintenance > 100 THEN 'expensive' ELSE 'cheap' END
FROM facilities
-- ;;
SELECT memid, surname, firstname, joindate FROM members
WHERE joindate >= '2012-09-01'
-- ;;
SELECT DISTINCT surname FROM members ORDER BY surname LIMIT 10
-- ;;
SELECT firstname, surname, joindate FROM members
WHERE joindate = (SELECT MAX(joindate) FROM members)
-- ;;
SELECT starttime FROM bookings
INNER JOIN members ON (bookings.memid = members.memid)
WHERE surname = 'Farrell' AND firstname = 'David'
-- ;;
SELECT DISTINCT m.firstname, m.surname
FROM members AS m2
INNER JOIN members AS m ON (m.memid = m2.recommendedby)
ORDER BY m.surname, m.firstname
-- ;;
SELECT m.firstname, m.surname, r.firstname, r.surname
FROM members AS m
LEFT OUTER JOIN members AS r ON (m.recommendedby = r.memid)
ORDER BY m.surname, m.firstname
-- ;;
SELECT DISTINCT m.firstname || ' ' || m.surname AS member, f.name AS facility
FROM members AS m
INNER JOIN bookings AS b ON (m.memid = b.memid)
INNER JOIN facilities AS f ON (b.facid = f.facid)
WHERE f.name LIKE 'Tennis%'
ORDER BY member, facility
-- ;;
SELECT m.firstname || ' ' || m.surname AS member,
       f.name AS facility,
       (CASE WHEN m.memid = 0 THEN f.guestcost * b.slots
        ELSE f.membercost * b.slots END) AS cost
FROM members AS m
INNER JOIN bookings AS b ON (m.memid = b.memid)
INNER JOIN facilities AS f ON (b.facid = f.facid)
WHERE (date_trunc('day', b.starttime) = '2012-09-14') AND
 ((m.memid = 0 AND b.slots * f.guestcost > 30) OR
  (m.memid > 0 AND b.slots * f.membercost > 30))
ORDER BY cost DESC
-- ;;
SELECT DISTINCT m.firstname || ' ' || m.surname AS member,
   (SELECT r.firstname || ' ' || r.surname
    FROM members AS r
    WHERE m.recommendedby = r.memid) AS recommended
FROM members AS m ORDER BY member
-- ;;
SELECT member, facility, cost from (
  SELECT
  m.firstname || ' ' || m.surname as member,
  f.name as facility,
  CASE WHEN m.memid = 0 THEN b.slots * f.guestcost
  ELSE b.slots * f.membercost END AS cost
  FROM members AS m
  INNER JOIN bookings AS b ON m.memid = b.memid
  INNER JOIN facilities AS f ON b.facid = f.facid
  WHERE date_trunc('day', b.starttime) = '2012-09-14'
) as bookings
WHERE cost > 30
ORDER BY cost DESC
-- ;;
INSERT INTO "facilities" ("facid", "name", "membercost", "guestcost",
"initialoutlay", "monthlymaintenance") VALUES (9, 'Spa', 20, 30, 100000, 800)
-- ;;
INSERT INTO "facilities" ("facid", "name", "membercost", "guestcost",
  "initialoutlay", "monthlymaintenance")
SELECT (SELECT (MAX("facid") + 1) FROM "facilities") AS _,
        'Spa', 20, 30, 100000, 800
-- ;;
UPDATE facilities SET
membercost = (SELECT membercost * 1.1 FROM facilities WHERE facid = 0),
guestcost = (SELECT guestcost * 1.1 FROM facilities WHERE facid = 0)
WHERE facid = 1
-- ;;
WITH new_prices (nmc, ngc) AS (
  SELECT membercost * 1.1, guestcost * 1.1
  FROM facilities WHERE name = 'Tennis Court 1')
UPDATE facilities
SET membercost = new_prices.nmc, guestcost = new_prices.ngc
FROM new_prices
WHERE name = 'Tennis Court 2'
-- ;;
DELETE FROM members WHERE NOT EXISTS (
  SELECT * FROM bookings WHERE bookings.memid = members.memid)
-- ;;
SELECT COUNT(facid) FROM facilities WHERE guestcost >= 10
-- ;;
SELECT recommendedby, COUNT(memid) FROM members
WHERE recommendedby IS NOT NULL
GROUP BY recommendedby
ORDER BY recommendedby
-- ;;
SELECT facid, SUM(slots) FROM bookings GROUP BY facid ORDER BY facid
-- ;;
SELECT facid, date_part('month', starttime), SUM(slots)
FROM bookings
WHERE date_part('year', starttime) = 2012
GROUP BY facid, date_part('month', starttime)
ORDER BY facid, date_part('month', starttime)
-- ;;
SELECT facid, SUM(slots) FROM bookings
GROUP BY facid
HAVING SUM(slots) > 1000
ORDER BY facid
-- ;;
SELECT f.name, SUM(b.slots * (
CASE WHEN b.memid = 0 THEN f.guestcost ELSE f.membercost END)) AS revenue
FROM bookings AS b
INNER JOIN facilities AS f ON b.facid = f.facid
GROUP BY f.name
ORDER BY revenue
-- ;;
SELECT facid, SUM(slots) FROM bookings
GROUP BY facid
ORDER BY SUM(slots) DESC
LIMIT 1
-- ;;
SELECT facid, date_part('month', starttime), SUM(slots)
FROM bookings
WHERE date_part('year', starttime) = 2012
GROUP BY ROLLUP(facid, date_part('month', starttime))
ORDER BY facid, date_part('month', starttime)
-- ;;
SELECT f.facid, f.name, SUM(b.slots) * .5
FROM facilities AS f
INNER JOIN bookings AS b ON (f.facid = b.facid)
GROUP BY f.facid, f.name
ORDER BY f.facid
-- ;;
SELECT m.surname, m.firstname, m.memid, min(b.starttime) as starttime
FROM members AS m
INNER JOIN bookings AS b ON b.memid = m.memid
WHERE starttime >= '2012-09-01'
GROUP BY m.surname, m.firstname, m.memid
ORDER BY m.memid
-- ;;
SELECT COUNT(*) OVER(), firstname, surname
FROM members ORDER BY joindate
-- ;;
SELECT row_number() OVER (ORDER BY joindate), firstname, surname
FROM members ORDER BY joindate
-- ;;
SELECT firstname, surname,
((SUM(bks.slots)+10)/20)*10 as hours,
rank() over (order by ((sum(bks.slots)+10)/20)*10 desc) as rank
FROM members AS mems
INNER JOIN bookings AS bks ON mems.memid = bks.memid
GROUP BY mems.memid
ORDER BY rank, surname, firstname
-- ;;
SELECT name, rank FROM (
    SELECT f.name, RANK() OVER (ORDER BY SUM(
        CASE WHEN memid = 0 THEN slots * f.guestcost
        ELSE slots * f.membercost END) DESC) AS rank
    FROM bookings
    INNER JOIN facilities AS f ON bookings.facid = f.facid
    GROUP BY f.name) AS subq
WHERE rank <= 3
ORDER BY rank
-- ;;
SELECT name,
  CASE class WHEN 1 THEN 'high' WHEN 2 THEN 'average' ELSE 'low' END
FROM (
  SELECT f.name, ntile(3) OVER (ORDER BY SUM(
    CASE WHEN memid = 0 THEN slots * f.guestcost ELSE slots * f.membercost
    END) DESC) AS class
  FROM bookings INNER JOIN facilities AS f ON bookings.facid = f.facid
  GROUP BY f.name
) AS subq
ORDER BY class, name
-- ;;
SELECT f.name,
       f.initialoutlay / ((SUM(CASE
           WHEN b.memid = 0 THEN b.slots * f.guestcost
           ELSE b.slots * f.membercost END) / 3) - f.monthlymaintenance)
           AS months
FROM facilities AS f
INNER JOIN bookings AS b on (b.facid = f.facid)
GROUP BY f.facid
ORDER BY f.name
-- ;;
SELECT date_trunc('month', starttime) as month, COUNT(*)
	FROM bookings
	GROUP BY month
	ORDER BY month
-- ;;
SELECT surname || ', ' || firstname as name FROM members
-- ;;
SELECT * FROM facilities WHERE UPPER(name) LIKE 'TENNIS%'
-- ;;
SELECT lpad(cast(zipcode as char(5)),5,'0') AS zip
FROM members
ORDER BY zip
-- ;;
SELECT substr(surname, 1, 1) as letter, count(*) as count
FROM members
GROUP BY letter
ORDER BY letter
-- ;;
SELECT memid, translate(telephone, '-() ', '') as telephone
FROM members
ORDER BY memid
-- ;;
WITH RECURSIVE recommenders(recommender) as (
  SELECT recommendedby FROM members WHERE memid = 27
  UNION ALL
  SELECT mems.recommendedby
  FROM recommenders recs
  INNER JOIN members AS mems ON mems.memid = recs.recommender
)
SELECT recs.recommender, mems.firstname, mems.surname
FROM recommenders AS recs
INNER JOIN members AS mems ON recs.recommender = mems.memid
ORDER By memid DESC
-- ;;
WITH RECURSIVE recommendeds(memid) AS (
   SELECT memid FROM members WHERE recommendedby = 1
   UNION ALL
   SELECT mems.memid
   FROM recommendeds recs
   INNER JOIN members mems ON mems.recommendedby = recs.memid
)
SELECT recs.memid, mems.firstname, mems.surname
FROM recommendeds recs
INNER JOIN members mems
   ON recs.memid = mems.memid
ORDER BY memid
-- ;;
WITH RECURSIVE recommenders(recommender, member) AS (
   SELECT recommendedby, memid
   FROM members
   UNION ALL
   SELECT mems.recommendedby, recs.member
   FROM recommenders recs
   INNER JOIN members mems
   ON mems.memid = recs.recommender
)
SELECT recs.member member, recs.recommender, mems.firstname, mems.surname
FROM recommenders recs
INNER JOIN members mems
   ON recs.recommender = mems.memid
WHERE recs.member = 22 or recs.member = 12
ORDER BY recs.member ASC, recs.recommender DESC
-- ;;
WITH regional_sales AS (
    SELECT region, SUM(amount) AS total_sales
    FROM orders
    GROUP BY region
  ), top_regions AS (
    SELECT region
    FROM regional_sales
    WHERE total_sales > (SELECT SUM(total_sales) / 10 FROM regional_sales)
  )
SELECT region,
       product,
       SUM(quantity) AS product_units,
       SUM(amount) AS product_sales
FROM orders
WHERE region IN (SELECT region FROM top_regions)
GROUP BY region, product
-- ;;
SELECT owner.username, tweet.content, author.username AS author
FROM favorite
INNER JOIN user AS owner ON (favorite.user_id = owner.id)
INNER JOIN tweet ON (favorite.tweet_id = tweet.id)
INNER JOIN user AS author ON (tweet.user_id = author.id)
-- ;;
SELECT tweet.*, user.*
FROM tweet
INNER JOIN (
    SELECT latest.user_id, MAX(latest.timestamp) AS max_ts
    FROM tweet AS latest
    GROUP BY latest.user_id) AS latest_query
ON (
   (tweet.user_id = latest_query.user_id) AND
   (tweet.timestamp = latest_query.max_ts))
INNER JOIN user ON (tweet.user_id = user.id)
-- ;;
WITH latest AS (
    SELECT user_id, MAX(timestamp) AS max_ts
    FROM tweet
    GROUP BY user_id)
SELECT tweet.*, user.*
FROM tweet
INNER JOIN latest
    ON ((latest.user_id = tweet.user_id) AND (latest.max_ts = tweet.timestamp))
INNER JOIN user
    ON (tweet.user_id = user.id)
-- ;;
ALTER TABLE tweet ADD COLUMN view_count INTEGER DEFAULT 0
-- ;;
INSERT INTO blogindex(blogindex, rowid, content) VALUES ('delete', ?, ?)
-- ;;
CREATE TRIGGER blog_ai AFTER INSERT ON blog BEGIN
  INSERT INTO blogindex(rowid, content) VALUES (new.id, new.content);
END
-- ;;
CREATE TRIGGER blog_ad AFTER DELETE ON blog BEGIN
  INSERT INTO blogindex(blogindex, rowid, content)
    VALUES('delete', old.id, old.content);
END
-- ;;
CREATE TRIGGER blog_au AFTER UPDATE ON blog BEGIN
  INSERT INTO blogindex(blogindex, rowid, content)
    VALUES('delete', old.id, old.content);
  INSERT INTO blogindex(rowid, content) VALUES (new.id, new.content);
END
-- ;;
SELECT 0 WHERE 0
-- ;;
SELECT name, sql FROM "%s".sqlite_master WHERE type=? ORDER BY name
-- ;;
SELECT name, sql FROM "%s".sqlite_master WHERE tbl_name = ? AND type = ? ORDER BY name
-- ;;
SELECT 0 WHERE false
-- ;;
SELECT 0 WHERE 0=1
-- ;;
ATTACH DATABASE ? AS ?
-- ;;
DETACH DATABASE ?
-- ;;
SELECT name FROM "%s".sqlite_master WHERE type=? ORDER BY name
-- ;;
PRAGMA "%s".index_list("%s")
-- ;;
RELEASE SAVEPOINT cockroach_restart
-- ;;
ROLLBACK TO SAVEPOINT cockroach_restart
-- ;;
select name, sql from sqlite_master where type=? and LOWER(name)=?
-- ;;
select oid, typname, format_type(oid, NULL) from pg_type
-- ;;
PRAGMA rekey='%s'
-- ;;
PRAGMA key='%s'
-- ;;
