#!/usr/bin/env bash
# Makes sure a MySQL-compatible database and Redis answer at the configured addresses.
# Uses them when they answer. Otherwise, for a local address on Debian/Ubuntu as root,
# installs mariadb-server / redis-server from the distribution (if missing) and starts them
# on 127.0.0.1 only, without systemd. Otherwise stops with a message saying how to provide them.
set -euo pipefail

DB_HOST="${DB_HOST:-127.0.0.1}"
DB_PORT="${DB_PORT:-3306}"
DB_USER="${DB_USER:-root}"
DB_PASSWORD="${DB_PASSWORD:-}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"

say() { printf 'ensure-services: %s\n' "$*"; }
fail() { printf 'ensure-services: error: %s\n' "$*" >&2; exit 1; }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
is_local() { case "$1" in 127.*|localhost|::1) return 0 ;; *) return 1 ;; esac; }
can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
wait_port() {
  for _ in $(seq 1 120); do port_open "$1" "$2" && return 0; sleep 0.5; done
  return 1
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_updated=1
  fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

mysql_client() { command -v mariadb || command -v mysql || true; }

db_login_ok() {
  local client; client="$(mysql_client)"
  [ -n "$client" ] || return 0 # no client to try with: the open port has to do
  MYSQL_PWD="$DB_PASSWORD" "$client" --protocol=TCP -h "$DB_HOST" -P "$DB_PORT" -u "$DB_USER" -e 'SELECT 1' >/dev/null 2>&1
}

start_mariadb() {
  install -d -o mysql -g mysql /run/mysqld
  if [ ! -d /var/lib/mysql/mysql ]; then
    say "initialising the MariaDB data directory"
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  fi
  say "starting MariaDB on 127.0.0.1:${DB_PORT}"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1 --port="$DB_PORT"
  wait_port 127.0.0.1 "$DB_PORT" || fail "MariaDB did not start on 127.0.0.1:${DB_PORT} (see /var/log/mysql)"
}

# A fresh Debian MariaDB lets root in through the unix socket only: let the configured user in over TCP.
grant_tcp_login() {
  local client; client="$(mysql_client)"
  say "allowing ${DB_USER} to sign in over TCP"
  local pw="${DB_PASSWORD//\'/\'\'}"
  if [ "$DB_USER" = root ]; then
    "$client" -u root -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('${pw}') OR unix_socket;
      CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '${pw}';
      GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;"
  else
    "$client" -u root -e "CREATE USER IF NOT EXISTS '${DB_USER}'@'127.0.0.1' IDENTIFIED BY '${pw}';
      CREATE USER IF NOT EXISTS '${DB_USER}'@'localhost' IDENTIFIED BY '${pw}';
      GRANT ALL PRIVILEGES ON *.* TO '${DB_USER}'@'127.0.0.1' WITH GRANT OPTION;
      GRANT ALL PRIVILEGES ON *.* TO '${DB_USER}'@'localhost' WITH GRANT OPTION; FLUSH PRIVILEGES;"
  fi
}

ensure_mysql() {
  if port_open "$DB_HOST" "$DB_PORT"; then
    db_login_ok && return 0
    if is_local "$DB_HOST" && can_install && [ -n "$(mysql_client)" ]; then
      grant_tcp_login
      db_login_ok && return 0
    fi
    fail "MySQL/MariaDB at ${DB_HOST}:${DB_PORT} refuses ${DB_USER}; set DB_USER and DB_PASSWORD to an account that may create databases"
  fi
  is_local "$DB_HOST" && can_install ||
    fail "MySQL/MariaDB not reachable at ${DB_HOST}:${DB_PORT}: start one (e.g. docker compose -f docker/compose.yml up -d mysql) or set DB_HOST/DB_PORT/DB_USER/DB_PASSWORD (see config/example.env)"
  [ -x /usr/sbin/mariadbd ] || apt_install mariadb-server mariadb-client
  start_mariadb
  db_login_ok || grant_tcp_login
  db_login_ok || fail "MariaDB started but ${DB_USER} cannot sign in over TCP"
}

ensure_redis() {
  port_open "$REDIS_HOST" "$REDIS_PORT" && return 0
  is_local "$REDIS_HOST" && can_install ||
    fail "Redis not reachable at ${REDIS_HOST}:${REDIS_PORT}: start one (e.g. docker compose -f docker/compose.yml up -d redis) or set REDIS_HOST/REDIS_PORT (see config/example.env)"
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  say "starting Redis on 127.0.0.1:${REDIS_PORT}"
  install -d /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --dir /var/lib/redis --logfile /var/log/redis/redis-server.log
  wait_port 127.0.0.1 "$REDIS_PORT" || fail "Redis did not start on 127.0.0.1:${REDIS_PORT}"
}

ensure_mysql
ensure_redis
