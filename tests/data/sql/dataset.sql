SELECT user, COUNT(*) c FROM photos GROUP BY user
-- ;;
SELECT * FROM users WHERE age > :min_age
-- ;;
SELECT temperature, place FROM weather LIMIT 1
-- ;;
