#!/usr/bin/env bash
# One command for every benchmark of docs/benchmarks.md:
#   1. compile speed: synthetic projects of N entities (bench/gen.py, seeded), wall time
#      (hyperfine median), time per entity and peak RSS (/usr/bin/time, median);
#   2. runtime: the generated create_contact, update_contact and qualify_lead of
#      bench/runtime/spec.yaml against hand-written equivalents (bench/baseline.sql),
#      called by a role that is not a superuser so row-level security applies to both;
#      the cost of row-level security (generated with and without it); and creates on a
#      table grown to 100,000 rows after statistics were taken at 3 rows. pgbench TPS in
#      alternating rounds on one throwaway PostgreSQL 15 cluster, medians and ratios.
#
# Usage: bench/run.sh [compile|runtime|all]   (default all)
# Knobs (environment): SIZES="10 100 1000 5000"  RUNS=10 (hyperfine runs per size)
#                      ROUNDS=8  DURATION=5 (pgbench rounds per variant, seconds each)
#                      CLIENTS=2  SEED=42  KEEP=1 (keep the temp dir)
# Needs: cargo, python3, hyperfine, /usr/bin/time (apt: hyperfine time), PostgreSQL 15
# server binaries and pgbench (apt: postgresql-15 postgresql-client-15).
set -euo pipefail

what=${1:-all}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES=${SIZES:-"10 100 1000 5000"}
RUNS=${RUNS:-10}
ROUNDS=${ROUNDS:-8}
DURATION=${DURATION:-5}
CLIENTS=${CLIENTS:-2}
SEED=${SEED:-42}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
BIN="$ROOT/target/release/specqlc"

WORK=$(mktemp -d /tmp/specqlc-bench.XXXXXX)
PGDATA_DIR=""
cleanup() {
    if [[ -n "$PGDATA_DIR" && -f "$PGDATA_DIR/postmaster.pid" ]]; then
        as_pg "$PGBIN/pg_ctl" stop -D "$PGDATA_DIR" -m immediate -s >/dev/null 2>&1 || true
    fi
    if [[ -z "${KEEP:-}" ]]; then rm -rf "$WORK"; else echo "kept $WORK" >&2; fi
}
trap cleanup EXIT INT TERM

# PostgreSQL refuses to run as root: drop to the postgres user when we are root.
as_pg() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

echo "== machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "== commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src || echo ' (+ uncommitted src changes)')"
echo "== building: cargo build --release"
(cd "$ROOT" && cargo build --release --quiet)

compile_bench() {
    echo
    echo "== compile speed (seed $SEED, hyperfine median of $RUNS runs after 2 warm-ups; peak RSS median of 5)"
    printf '%-8s %10s %12s %14s %12s %12s\n' entities "median ms" "ms/entity" "peak RSS MB" "SQL MB" "vs 1000"
    local t1000=""
    declare -A med
    for n in $SIZES; do
        local dir="$WORK/gen$n"
        python3 "$ROOT/bench/gen.py" "$n" "$dir" --seed "$SEED"
        "$BIN" compile "$dir" -o - >"$WORK/out$n.sql"   # fails loudly if the project does not compile
        hyperfine --style none --warmup 2 --runs "$RUNS" --export-json "$WORK/hf$n.json" \
            --output=null "$BIN compile $dir -o -" >/dev/null
        med[$n]=$(python3 -c 'import json,sys,statistics; r=json.load(open(sys.argv[1]))["results"][0]; print("%.2f" % (statistics.median(r["times"])*1000))' "$WORK/hf$n.json")
        local rss
        rss=$(for _ in 1 2 3 4 5; do /usr/bin/time -f '%M' "$BIN" compile "$dir" -o - 2>&1 >/dev/null | tail -1; done | median)
        local per sqlmb ratio="-"
        per=$(awk -v t="${med[$n]}" -v n="$n" 'BEGIN {printf "%.3f", t/n}')
        sqlmb=$(awk -v b="$(stat -c %s "$WORK/out$n.sql")" 'BEGIN {printf "%.1f", b/1048576}')
        [[ $n == 1000 ]] && t1000=${med[$n]}
        if [[ -n "$t1000" && $n != 1000 ]]; then ratio=$(awk -v a="${med[$n]}" -v b="$t1000" 'BEGIN {printf "%.2fx", a/b}'); fi
        printf '%-8s %10s %12s %14s %12s %12s\n' "$n" "${med[$n]}" "$per" "$(awk -v k="$rss" 'BEGIN {printf "%.1f", k/1024}')" "$sqlmb" "$ratio"
    done
}

# Runtime: every database holds the benchmark spec deployed as LANGUAGE §7 says: tables
# and functions owned by bench_owner (not a superuser, so FORCE ROW LEVEL SECURITY binds
# it too), the actions executable by bench_app (not a superuser, no table privilege),
# which is the role pgbench connects as. Seeds are loaded by the superuser.
start_cluster() {
    PGDATA_DIR="$WORK/pg/data"
    mkdir -p "$WORK/pg"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$WORK/pg" && chmod 755 "$WORK"
    as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres -E UTF8 --no-locale --no-sync >/dev/null
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_pg "$PGBIN/pg_ctl" start -D "$PGDATA_DIR" -w -s -l "$WORK/pg/log" \
        -o "-p $port -k $WORK/pg -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB -c max_connections=20"
    export PGHOST="$WORK/pg" PGPORT="$port"
    psql_as postgres postgres -c "CREATE ROLE bench_owner LOGIN NOSUPERUSER NOBYPASSRLS" \
        -c "CREATE ROLE bench_app LOGIN NOSUPERUSER NOBYPASSRLS"
}

psql_as() { # role database [psql arguments]
    local role=$1 db=$2
    shift 2
    psql -X -q -v ON_ERROR_STOP=1 -U "$role" -d "$db" "$@"
}

# A database with the compiled spec, applied by the owner role.
deploy_db() { # name
    as_pg createdb -h "$PGHOST" -p "$PGPORT" -U postgres -O bench_owner "$1"
    "$BIN" compile "$ROOT/bench/runtime/spec.yaml" --grant-to bench_app -o - | psql_as bench_owner "$1" >/dev/null
}

# One pgbench run of `script` against `db` as bench_app; appends its TPS to tps[key].
measure() { # key db script
    local t
    t=$(pgbench -n -M prepared -c "$CLIENTS" -j "$CLIENTS" -T "$DURATION" -U bench_app -d "$2" -f "$3" 2>&1 |
        awk '/^tps = / {print $3; exit}')
    [[ -n "$t" ]] || { echo "pgbench failed for $1 ($2, $3)" >&2; exit 1; }
    tps[$1]+="$t "
}

# ROUNDS rounds of two variants back to back, alternating which goes first so table growth
# and caches favour neither.
paired_rounds() { # key_a db_a script_a key_b db_b script_b
    for ((r = 1; r <= ROUNDS; r++)); do
        if ((r % 2)); then measure "$1" "$2" "$3"; measure "$4" "$5" "$6"
        else measure "$4" "$5" "$6"; measure "$1" "$2" "$3"; fi
    done
}

# One row of a result table: medians of both variants, ratio of the medians, median of
# the per-round ratios (the two runs of a round ran back to back, so their ratio cancels
# background load: on a shared machine it is the figure to trust), and every round.
report_pair() { # label key_a key_b
    local a b pr
    a=$(tr ' ' '\n' <<<"${tps[$2]}" | grep . | median)
    b=$(tr ' ' '\n' <<<"${tps[$3]}" | grep . | median)
    pr=$(paste <(tr ' ' '\n' <<<"${tps[$2]}" | grep .) <(tr ' ' '\n' <<<"${tps[$3]}" | grep .) |
        awk '{print 100*$1/$2}' | median)
    printf '%-16s %10.0f %13.0f %9.0f%% %11.0f%%   %s| %s\n' "$1" "$a" "$b" \
        "$(awk -v a="$a" -v b="$b" 'BEGIN {print 100*a/b}')" "$pr" \
        "$(printf '%.0f ' ${tps[$2]})" "$(printf '%.0f ' ${tps[$3]})"
}

report_header() { # name_a name_b
    printf '%-16s %10s %13s %10s %12s   %s\n' action "$1 TPS" "$2 TPS" "ratio of" "median of" "rounds: $1 | $2"
    printf '%-16s %10s %13s %10s %12s\n' "" median median medians "paired ratios"
}

# The pgbench script of `action` calling `fn` (a schema-qualified function).
script_for() { # action fn out
    sed "s/@FN@/$2/" "$ROOT/bench/runtime/$1.sql.in" >"$3"
}

function_of() { # action -> function name
    if [[ $1 == qualify ]]; then echo qualify_lead; else echo "$1_contact"; fi
}

runtime_bench() {
    echo
    echo "== runtime: pgbench -M prepared -c $CLIENTS -j $CLIENTS -T $DURATION as bench_app (not a superuser: row-level security applies), $ROUNDS alternating rounds per pair"
    start_cluster
    declare -gA tps=()

    # bench: generated (crm.*) and hand-written (hw.*) functions on the same tables;
    # norls: the same deployment with row-level security disabled on its tables.
    deploy_db bench
    psql_as bench_owner bench -f "$ROOT/bench/baseline.sql" \
        -c "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA hw FROM PUBLIC" \
        -c "GRANT USAGE ON SCHEMA hw TO bench_app" \
        -c "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA hw TO bench_app" >/dev/null
    psql_as postgres bench -f "$ROOT/bench/runtime/seed.sql" >/dev/null
    deploy_db norls
    psql_as postgres norls -f "$ROOT/bench/runtime/seed.sql" >/dev/null
    psql_as bench_owner norls \
        -c "ALTER TABLE crm.tb_contact NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY" \
        -c "ALTER TABLE crm.tb_organization NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY" >/dev/null

    # The application role reaches no table directly, and without the tenant set the
    # policies hide every row even from the owner.
    if psql_as bench_app bench -c "SELECT 1 FROM crm.tb_contact LIMIT 1" >/dev/null 2>&1; then
        echo "bench_app can read crm.tb_contact: the deployment is not what LANGUAGE §7 says" >&2; exit 1
    fi
    [[ $(psql_as bench_owner bench -At -c "SELECT count(*) FROM crm.tb_contact") == 0 ]] ||
        { echo "row-level security does not hide rows from the owner without a tenant" >&2; exit 1; }

    # Same work, same result: one call of each variant on twin inputs must agree on
    # success and on the object_data keys (values differ only by ids and timestamps).
    for action in create update qualify; do
        local name
        name=$(function_of $action)
        for fn in crm hw; do
            sed -e "s/@FN@/$fn.$name/" -e 's/^\\set [a-z]* random(1, [0-9]*)$//' \
                -e 's/:n/7/g; s/:i/7/g' -e 's/)))\.success;/))).*;/' \
                "$ROOT/bench/runtime/$action.sql.in" >"$WORK/check_${action}_$fn.sql"
            psql_as bench_app bench -At -c "BEGIN" -f "$WORK/check_${action}_$fn.sql" -c "ROLLBACK" |
                python3 -c 'import sys; line=[l for l in sys.stdin if l.strip()][0]; print(line.split("|")[0], sorted(__import__("json").loads(line.split("|")[3]).keys()) if line.split("|")[3] else None)' \
                >"$WORK/shape_${action}_$fn"
        done
        if ! cmp -s "$WORK/shape_${action}_crm" "$WORK/shape_${action}_hw"; then
            echo "result shape differs for $action:" >&2; cat "$WORK/shape_${action}_crm" "$WORK/shape_${action}_hw" >&2; exit 1
        fi
        grep -q '^t ' "$WORK/shape_${action}_crm" || { echo "$action did not succeed: $(cat "$WORK/shape_${action}_crm")" >&2; exit 1; }
        script_for $action "crm.$name" "$WORK/$action.gen.sql"
        script_for $action "hw.$name" "$WORK/$action.hw.sql"
    done

    for action in create update qualify; do
        paired_rounds "$action.gen" bench "$WORK/$action.gen.sql" "$action.hw" bench "$WORK/$action.hw.sql"
    done
    echo
    echo "-- generated against hand-written, both under the same row-level security policies"
    report_header gen hand
    for action in create update qualify; do report_pair "$(function_of $action)" "$action.gen" "$action.hw"; done
    echo "(ratio = generated / hand-written; target >= 90%)"

    for action in create update qualify; do
        paired_rounds "$action.rls" bench "$WORK/$action.gen.sql" "$action.norls" norls "$WORK/$action.gen.sql"
    done
    echo
    echo "-- the cost of row-level security: generated functions with and without it"
    report_header rls no-rls
    for action in create update qualify; do report_pair "$(function_of $action)" "$action.rls" "$action.norls"; done
    echo "(ratio = with / without row-level security)"

    plan_stability_bench
    as_pg "$PGBIN/pg_ctl" stop -D "$PGDATA_DIR" -m fast -s
}

# Plan stability (issue 13, class 11): creates on a table whose statistics were taken
# when it held 3 rows, against a twin grown to 100,000 rows of the same tenant since
# (autovacuum off, so nothing re-analyzes it). Both databases take the same creates in
# alternating rounds.
plan_stability_bench() {
    for db in small grown; do
        deploy_db $db
        psql_as postgres $db -c "
            INSERT INTO crm.tb_organization (id, tenant_id, identifier, name)
            SELECT md5('o' || i)::uuid, '00000000-0000-0000-0000-00000000000a', 'org-' || i, 'Org ' || i
              FROM generate_series(0, 99) AS i;
            INSERT INTO crm.tb_contact (tenant_id, identifier, email, first_name, last_name, status)
            SELECT '00000000-0000-0000-0000-00000000000a', 'tiny-' || i, 'tiny' || i || '@example.com', 'Tiny', 'Contact ' || i, 'lead'
              FROM generate_series(1, 3) AS i;
            ALTER TABLE crm.tb_contact SET (autovacuum_enabled = false);
            ALTER TABLE crm.tb_organization SET (autovacuum_enabled = false);" \
            -c "ANALYZE crm.tb_contact" -c "ANALYZE crm.tb_organization" >/dev/null
    done
    psql_as postgres grown -c "
        INSERT INTO crm.tb_contact (tenant_id, identifier, email, first_name, last_name, status)
        SELECT '00000000-0000-0000-0000-00000000000a', 'grown-' || i, 'grown' || i || '@example.com', 'Ada', 'Lovelace ' || i, 'lead'
          FROM generate_series(1, 100000) AS i" >/dev/null
    local stats
    stats=$(psql_as postgres grown -At -c "SELECT c.reltuples::bigint || ' rows in the statistics, ' || (SELECT count(*) FROM crm.tb_contact) || ' in the table' FROM pg_class AS c WHERE c.oid = 'crm.tb_contact'::regclass")
    paired_rounds create.small small "$WORK/create.gen.sql" create.grown grown "$WORK/create.gen.sql"
    echo
    echo "-- plan stability: create_contact on a table analyzed at 3 rows, then grown to 100,000 ($stats before the rounds)"
    report_header grown small
    report_pair create_contact create.grown create.small
    echo "(ratio = grown / small; target >= 90%)"
}

case $what in
compile) compile_bench ;;
runtime) runtime_bench ;;
all) compile_bench; runtime_bench ;;
*) echo "usage: $0 [compile|runtime|all]" >&2; exit 2 ;;
esac
