#!/usr/bin/env bash
# One command for every benchmark of docs/benchmarks.md:
#   1. compile speed: synthetic projects of N entities (bench/gen.py, seeded), wall time
#      (hyperfine median), time per entity and peak RSS (/usr/bin/time, median);
#   2. runtime: the generated create_contact, update_contact and qualify_lead of
#      bench/runtime/spec.yaml against hand-written equivalents (bench/baseline.sql),
#      pgbench TPS in alternating rounds on one throwaway PostgreSQL 15 cluster, medians
#      and ratios.
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

runtime_bench() {
    echo
    echo "== runtime: pgbench -M prepared -c $CLIENTS -j $CLIENTS -T $DURATION, $ROUNDS alternating rounds per variant"
    PGDATA_DIR="$WORK/pg/data"
    mkdir -p "$WORK/pg"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$WORK/pg" && chmod 755 "$WORK"
    as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres -E UTF8 --no-locale --no-sync >/dev/null
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_pg "$PGBIN/pg_ctl" start -D "$PGDATA_DIR" -w -s -l "$WORK/pg/log" \
        -o "-p $port -k $WORK/pg -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB -c max_connections=20"
    export PGHOST="$WORK/pg" PGPORT="$port" PGUSER=postgres PGDATABASE=bench
    as_pg createdb -h "$PGHOST" -p "$port" -U postgres bench
    local psql=(psql -X -q -v ON_ERROR_STOP=1)
    "$BIN" compile "$ROOT/bench/runtime/spec.yaml" -o - | "${psql[@]}" >/dev/null
    "${psql[@]}" -f "$ROOT/bench/baseline.sql" >/dev/null
    "${psql[@]}" -f "$ROOT/bench/runtime/seed.sql" >/dev/null

    # Same work, same result: one call of each variant on twin inputs must agree on
    # success and on the object_data keys (values differ only by ids and timestamps).
    for action in create update qualify; do
        for variant in gen hw; do
            local fn=crm; [[ $variant == hw ]] && fn=hw
            local name=${action}_contact; [[ $action == qualify ]] && name=qualify_lead
            sed -e "s/@FN@/$fn.$name/" -e 's/^\\set [a-z]* random(1, [0-9]*)$//' \
                -e 's/:n/7/g; s/:i/7/g' -e 's/)))\.success;/))).*;/' \
                "$ROOT/bench/runtime/$action.sql.in" >"$WORK/check_${action}_${variant}.sql"
            "${psql[@]}" -At -c "BEGIN" -f "$WORK/check_${action}_${variant}.sql" -c "ROLLBACK" |
                python3 -c 'import sys; line=[l for l in sys.stdin if l.strip()][0]; print(line.split("|")[0], sorted(__import__("json").loads(line.split("|")[3]).keys()) if line.split("|")[3] else None)' \
                >"$WORK/shape_${action}_$variant"
        done
        if ! cmp -s "$WORK/shape_${action}_gen" "$WORK/shape_${action}_hw"; then
            echo "result shape differs for $action:" >&2; cat "$WORK/shape_${action}_gen" "$WORK/shape_${action}_hw" >&2; exit 1
        fi
        grep -q '^t ' "$WORK/shape_${action}_gen" || { echo "$action did not succeed: $(cat "$WORK/shape_${action}_gen")" >&2; exit 1; }
    done

    "${psql[@]}" -c "SELECT pg_stat_reset()" >/dev/null
    declare -A tps
    for action in create update qualify; do
        local name=${action}_contact; [[ $action == qualify ]] && name=qualify_lead
        for variant in gen hw; do
            local fn=crm; [[ $variant == hw ]] && fn=hw
            sed "s/@FN@/$fn.$name/" "$ROOT/bench/runtime/$action.sql.in" >"$WORK/$action.$variant.sql"
        done
        for ((r = 1; r <= ROUNDS; r++)); do
            # Alternate which variant goes first, so table growth and caches favour neither.
            local order="gen hw"; ((r % 2 == 0)) && order="hw gen"
            for variant in $order; do
                local t
                t=$(pgbench -n -M prepared -c "$CLIENTS" -j "$CLIENTS" -T "$DURATION" -f "$WORK/$action.$variant.sql" 2>&1 |
                    awk '/^tps = / {print $3; exit}')
                [[ -n "$t" ]] || { echo "pgbench failed for $action/$variant" >&2; exit 1; }
                tps[$action.$variant]+="$t "
            done
        done
    done
    printf '%-16s %10s %13s %10s %12s   %s\n' action "gen TPS" "hand TPS" "ratio of" "median of" "rounds: gen | hand"
    printf '%-16s %10s %13s %10s %12s\n' "" median median medians "paired ratios"
    for action in create update qualify; do
        local name=${action}_contact; [[ $action == qualify ]] && name=qualify_lead
        local g h pr
        g=$(tr ' ' '\n' <<<"${tps[$action.gen]}" | grep . | median)
        h=$(tr ' ' '\n' <<<"${tps[$action.hw]}" | grep . | median)
        # Round r of each variant ran back to back: their ratio cancels background load.
        pr=$(paste <(tr ' ' '\n' <<<"${tps[$action.gen]}" | grep .) <(tr ' ' '\n' <<<"${tps[$action.hw]}" | grep .) |
            awk '{print 100*$1/$2}' | median)
        printf '%-16s %10.0f %13.0f %9.0f%% %11.0f%%   %s| %s\n' "$name" "$g" "$h" \
            "$(awk -v g="$g" -v h="$h" 'BEGIN {print 100*g/h}')" "$pr" \
            "$(printf '%.0f ' ${tps[$action.gen]})" "$(printf '%.0f ' ${tps[$action.hw]})"
    done
    echo "(ratio = generated / hand-written; target >= 75%)"
    as_pg "$PGBIN/pg_ctl" stop -D "$PGDATA_DIR" -m fast -s
}

case $what in
compile) compile_bench ;;
runtime) runtime_bench ;;
all) compile_bench; runtime_bench ;;
*) echo "usage: $0 [compile|runtime|all]" >&2; exit 2 ;;
esac
