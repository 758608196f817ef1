#!/usr/bin/env bash
# Makes sure a MySQL-compatible database and Redis answer at the configured addresses.
#
#   DB_HOST=127.0.0.1 DB_PORT=3306 DB_USER=root DB_PASSWORD=   (defaults)
#   REDIS_HOST=127.0.0.1 REDIS_PORT=6379 REDIS_PASSWORD=
#
# - A service that answers is used as it is; nothing else is done (and nothing is printed).
# - One that does not answer, at a local address (127.x, localhost, ::1), when run as root on
#   Debian/Ubuntu: installed from the distribution if missing (mariadb-server, redis-server),
#   then started bound to the loopback address only, without systemd (containers, CI).
#   A fresh Debian MariaDB lets root in through the unix socket only, so the configured user is
#   then allowed to sign in over TCP with DB_PASSWORD.
# - Anything else (remote host, not root, no apt-get): exit 1 with one line saying how to
#   provide the service (environment variables, or docker/compose.yml).
# Idempotent; one line per action taken; needs no terminal or standard input (CI=true is fine).
set -euo pipefail

DB_HOST="${DB_HOST:-127.0.0.1}"
DB_PORT="${DB_PORT:-3306}"
DB_USER="${DB_USER:-root}"
DB_PASSWORD="${DB_PASSWORD:-}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_PASSWORD="${REDIS_PASSWORD:-}"
WAIT_SECONDS=60

say() { printf 'ensure-services: %s\n' "$*"; }
fail() { printf 'ensure-services: error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- helpers

# TCP connect within 2 s (bash /dev/tcp; IPv6 literals such as ::1 work too).
# shellcheck disable=SC2016 # $1/$2 expand in the inner shell
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" >/dev/null 2>&1; }

wait_port() { # host port
  local deadline=$((SECONDS + WAIT_SECONDS))
  until port_open "$1" "$2"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

is_local() { case "$1" in 127.*|localhost|::1|'[::1]') return 0 ;; *) return 1 ;; esac; }
# The loopback address a locally started service listens on.
bind_addr() { case "$1" in ::1|'[::1]') echo '::1' ;; *) echo '127.0.0.1' ;; esac; }
can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }
# May a missing service at this address be installed and started here?
can_provide() { is_local "$1" && can_install; }
why_not_local() {
  if ! is_local "$1"; then echo "it is not on this machine"
  elif [ "$(id -u)" != 0 ]; then echo "installing one here needs root"
  else echo "installing one here needs apt-get (Debian/Ubuntu)"
  fi
}

# Runs a command with its output kept in a log; on failure shows the end of the log and stops.
run_logged() { # description command...
  local what="$1" log; shift
  log="$(mktemp)"
  if ! "$@" </dev/null >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    fail "$what failed"
  fi
  rm -f "$log"
}

apt_updated=0
apt_install() { # packages...
  export DEBIAN_FRONTEND=noninteractive
  if [ "$apt_updated" = 0 ]; then
    say "apt-get update"
    run_logged "apt-get update" apt-get update
    apt_updated=1
  fi
  say "installing $*"
  run_logged "apt-get install $*" apt-get install -y --no-install-recommends "$@"
}

# Quotes a value for a single-quoted SQL string literal.
sql_str() { local s="${1//\\/\\\\}"; printf "'%s'" "${s//\'/\'\'}"; }

# ---------------------------------------------------------------- MySQL / MariaDB

mysql_client() { command -v mariadb || command -v mysql || true; }
mariadbd_bin() { command -v mariadbd || { [ -x /usr/sbin/mariadbd ] && echo /usr/sbin/mariadbd; } || { [ -x /usr/sbin/mysqld ] && echo /usr/sbin/mysqld; } || true; }
install_db_bin() { command -v mariadb-install-db || command -v mysql_install_db || true; }

# Signs in over TCP exactly as the application will (no option files, so no other credentials).
db_login_ok() {
  local client; client="$(mysql_client)"
  [ -n "$client" ] || return 0 # no client to try with: the open port has to do
  MYSQL_PWD="$DB_PASSWORD" timeout 10 "$client" --no-defaults --protocol=TCP --connect-timeout=5 \
    -h "$DB_HOST" -P "$DB_PORT" -u "$DB_USER" -e 'SELECT 1' </dev/null >/dev/null 2>&1
}

# SQL as root through the local unix socket (how a fresh Debian MariaDB lets root in).
db_socket_root() { timeout 20 "$(mysql_client)" -u root --batch --skip-column-names -e "$1" </dev/null; }

# Lets DB_USER sign in from 127.0.0.1 and localhost with DB_PASSWORD, with every privilege
# (the tests create and drop a database per run).
grant_tcp_login() {
  local version user pw
  version="$(db_socket_root 'SELECT VERSION()' 2>/dev/null)" ||
    fail "${DB_USER} cannot sign in to ${DB_HOST}:${DB_PORT} over TCP, and root cannot sign in through the local socket to fix it: set DB_USER/DB_PASSWORD to an account that may create databases"
  user="$(sql_str "$DB_USER")"; pw="$(sql_str "$DB_PASSWORD")"
  say "allowing ${DB_USER} to sign in over TCP from 127.0.0.1 and localhost"
  local sql=""
  if [ "$DB_USER" = root ] && [[ "$version" == *MariaDB* ]]; then
    # Keep socket sign-in for root (Debian maintenance relies on it) and add the password.
    sql+="ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD(${pw}) OR unix_socket;"
  elif [ "$DB_USER" != root ]; then
    sql+="CREATE USER IF NOT EXISTS ${user}@'localhost' IDENTIFIED BY ${pw};"
    sql+="ALTER USER ${user}@'localhost' IDENTIFIED BY ${pw};"
    sql+="GRANT ALL PRIVILEGES ON *.* TO ${user}@'localhost' WITH GRANT OPTION;"
  fi
  # 127.0.0.1 matters where the server skips name resolution (TCP from 127.0.0.1 is then not 'localhost').
  sql+="CREATE USER IF NOT EXISTS ${user}@'127.0.0.1' IDENTIFIED BY ${pw};"
  sql+="ALTER USER ${user}@'127.0.0.1' IDENTIFIED BY ${pw};"
  sql+="GRANT ALL PRIVILEGES ON *.* TO ${user}@'127.0.0.1' WITH GRANT OPTION;"
  sql+="FLUSH PRIVILEGES;"
  db_socket_root "$sql" >/dev/null || fail "could not allow ${DB_USER} to sign in over TCP (SQL as root through the socket failed)"
}

start_mariadb() {
  local daemon installer datadir addr
  daemon="$(mariadbd_bin)"
  datadir="$( (my_print_defaults mysqld mariadbd server mariadb 2>/dev/null || true) | sed -n 's/^--datadir=//p' | tail -n 1)"
  datadir="${datadir:-/var/lib/mysql}"
  addr="$(bind_addr "$DB_HOST")"
  install -d -o mysql -g mysql /run/mysqld /var/log/mysql
  install -d -o mysql -g mysql "$datadir"
  if [ ! -d "$datadir/mysql" ]; then
    installer="$(install_db_bin)"
    [ -n "$installer" ] || fail "MariaDB data directory $datadir is empty and mariadb-install-db is missing"
    say "initialising the MariaDB data directory $datadir"
    run_logged "mariadb-install-db" "$installer" --user=mysql --datadir="$datadir"
  fi
  say "starting MariaDB on ${addr}:${DB_PORT}"
  start-stop-daemon --start --oknodo --quiet --background --exec "$daemon" -- \
    --user=mysql --datadir="$datadir" --bind-address="$addr" --port="$DB_PORT" \
    --log-error=/var/log/mysql/error.log
  wait_port "$addr" "$DB_PORT" ||
    fail "MariaDB did not start on ${addr}:${DB_PORT} within ${WAIT_SECONDS}s (see /var/log/mysql/error.log; is another mariadbd already running on another port?)"
}

ensure_mysql() {
  local where="${DB_HOST}:${DB_PORT}"
  if port_open "$DB_HOST" "$DB_PORT"; then
    db_login_ok && return 0
    can_provide "$DB_HOST" ||
      fail "MySQL/MariaDB at ${where} answers but refuses ${DB_USER}: set DB_USER/DB_PASSWORD to an account that may create databases"
    grant_tcp_login
    db_login_ok || fail "MySQL/MariaDB at ${where} still refuses ${DB_USER} over TCP: set DB_USER/DB_PASSWORD"
    return 0
  fi

  can_provide "$DB_HOST" ||
    fail "MySQL/MariaDB not reachable at ${where} ($(why_not_local "$DB_HOST")) — start one (docker compose -f docker/compose.yml up -d mysql) or set DB_HOST/DB_PORT/DB_USER/DB_PASSWORD"

  local missing=()
  [ -n "$(mariadbd_bin)" ] || missing+=(mariadb-server)
  [ -n "$(mysql_client)" ] || missing+=(mariadb-client)
  if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
  fi
  # The package's own scripts may have started it already (where an init script may run).
  port_open "$DB_HOST" "$DB_PORT" || start_mariadb
  db_login_ok || grant_tcp_login
  db_login_ok || fail "MariaDB runs at ${where} but ${DB_USER} cannot sign in over TCP"
}

# ---------------------------------------------------------------- Redis

redis_ping_ok() {
  command -v redis-cli >/dev/null 2>&1 || return 0 # no client to try with: the open port has to do
  local reply
  if [ -n "$REDIS_PASSWORD" ]; then
    reply="$(REDISCLI_AUTH="$REDIS_PASSWORD" timeout 5 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping </dev/null 2>/dev/null || true)"
  else
    reply="$(timeout 5 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping </dev/null 2>/dev/null || true)"
  fi
  [ "$reply" = PONG ]
}

start_redis() {
  local addr; addr="$(bind_addr "$REDIS_HOST")"
  local auth=()
  [ -z "$REDIS_PASSWORD" ] || auth=(--requirepass "$REDIS_PASSWORD")
  say "starting Redis on ${addr}:${REDIS_PORT}"
  install -d /var/lib/redis /var/log/redis
  # No persistence: a local development/CI queue store. Production uses docker/compose.yml (AOF, noeviction).
  redis-server --daemonize yes --bind "$addr" --port "$REDIS_PORT" --save '' --appendonly no \
    --maxmemory-policy noeviction --dir /var/lib/redis --logfile /var/log/redis/redis-server.log "${auth[@]}" \
    </dev/null >/dev/null
  wait_port "$addr" "$REDIS_PORT" ||
    fail "Redis did not start on ${addr}:${REDIS_PORT} within ${WAIT_SECONDS}s (see /var/log/redis/redis-server.log)"
}

ensure_redis() {
  local where="${REDIS_HOST}:${REDIS_PORT}"
  if ! port_open "$REDIS_HOST" "$REDIS_PORT"; then
    can_provide "$REDIS_HOST" ||
      fail "Redis not reachable at ${where} ($(why_not_local "$REDIS_HOST")) — start one (docker compose -f docker/compose.yml up -d redis) or set REDIS_HOST/REDIS_PORT/REDIS_PASSWORD"
    command -v redis-server >/dev/null 2>&1 || apt_install redis-server
    port_open "$REDIS_HOST" "$REDIS_PORT" || start_redis
  fi
  redis_ping_ok ||
    fail "Redis at ${where} answers but does not reply PONG to PING (wrong REDIS_PASSWORD, or not Redis): set REDIS_HOST/REDIS_PORT/REDIS_PASSWORD"
}

ensure_mysql
ensure_redis
