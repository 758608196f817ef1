-- Run once by the mysql image on the first start of an empty data volume, inside the
-- database named by MYSQL_DATABASE (= DB_NAME). The server default collation stays
-- utf8mb4_0900_ai_ci; the application's own schema uses utf8mb4_unicode_ci (the same on
-- MySQL 8 and MariaDB 10.11), as `migrate.js up` would create it on a server where the
-- database does not exist yet. Tables name their collation explicitly either way.
ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
