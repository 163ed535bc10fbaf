#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster for the tests: initdb into a temporary
# folder, pg_ctl on a loopback port, as the unprivileged postgres user when run as root.
#   postgres.sh start|restart|stop
set -euo pipefail
dir=${SWITCHBOARD_PG_DIR:-/tmp/switchboard-test-postgres}
# Below Linux's ephemeral ports (32768-60999): the load tests' client sockets can hold any port
# of that range, and the server could then not listen on it ("Address already in use").
port=${SWITCHBOARD_PG_PORT:-25432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -n $bin ]] || { echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
    if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
    if [[ -f $dir/data/postmaster.pid ]]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case ${1:-} in
start)
    stop
    mkdir -p "$dir"
    [[ $(id -u) == 0 ]] && chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U switchboard --auth=trust -E UTF8 >"$dir/initdb.log"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    echo "PostgreSQL running: postgresql://switchboard@127.0.0.1:$port/postgres"
    ;;
restart) # the same cluster, as after a crash or an upgrade: every connection is cut
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w restart \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
    ;;
stop)
    stop
    ;;
*)
    echo "usage: postgres.sh start|restart|stop" >&2
    exit 2
    ;;
esac
