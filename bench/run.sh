#!/usr/bin/env bash
# run.sh [--hearth PATH] [--files N[,N...]] [--scaling N] [--reps K] [--duration S] [--conns C]
#        [--servers LIST] [--no-stream] [--big-mib M] [--hearth-arg ARG]... [--index-timeout S]
#
# Side-by-side benchmark of Hearth against MiniDLNA, Gerbera and dms (each when installed). For each
# corpus size (default 2000,20000) builds (or reuses) the corpus under bench/out/ and runs everything
# inside a private network namespace (unshare -rn: only loopback, multicast routed to lo), one server
# after another; then the Browse scaling run (a 50-item and an N-item folder, default 100000; 0 skips
# it). Prints the tables and writes them all to bench/out/bench-<date>-<time>.md.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
OUT=$BENCH/out

HEARTH=""
FILES=2000,20000
SCALING=100000
REPS=3
DURATION=15
CONNS=8
SERVERS=hearth,minidlna,gerbera,dms
SCALING_SERVERS=""
STREAM=1
BIG_MIB=1024
INDEX_TIMEOUT=600
EXTRA=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --hearth) HEARTH=$(realpath "$2"); shift 2 ;;
    --files) FILES=$2; shift 2 ;;
    --scaling) SCALING=$2; shift 2 ;;
    --scaling-servers) SCALING_SERVERS=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --no-stream) STREAM=0; shift ;;
    --big-mib) BIG_MIB=$2; shift 2 ;;
    --index-timeout) INDEX_TIMEOUT=$2; shift 2 ;;
    --hearth-arg) EXTRA+=(--hearth-arg "$2"); shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
# Default Hearth binary: the main work tree's build, if there is one.
if [[ -z $HEARTH && -x /work/main/build/hearth ]]; then HEARTH=/work/main/build/hearth; fi
# Gerbera's Browse cost grows with the folder (~3 s for 50 items of a 5,000-item folder): it is left out
# of the scaling run unless asked for.
[[ -n $SCALING_SERVERS ]] || SCALING_SERVERS=$(echo "$SERVERS" | tr ',' '\n' | grep -vx gerbera | paste -sd, -)

for tool in ffmpeg wrk curl unshare ip python3 timeout; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (see bench/README.md)" >&2; exit 1; }
done
if [[ -n $HEARTH ]]; then  # a copy: a rebuild during the run changes nothing
  mkdir -p "$OUT/bin"; cp "$HEARTH" "$OUT/bin/hearth"; HEARTH=$OUT/bin/hearth
fi

mkdir -p "$OUT"
(( STREAM )) || BIG_MIB=0

# One driver run inside the namespace. Inside: lo up with multicast, 239/8 routed to lo. Gerbera's
# libupnp refuses loopback-flagged interfaces, so it also gets 'hb0', a bridge with no ports holding
# 127.0.0.5/32: still a loopback-range address, and nothing sent on hb0 can go anywhere.
# timeout bounds the whole of it (the driver also bounds every step).
drive() {
  local limit=$1; shift
  # shellcheck disable=SC2016
  timeout --signal=TERM --kill-after=20 "$limit" unshare -rn bash -c '
    set -e
    ip link set lo up
    ip link set lo multicast on
    ip route add 239.0.0.0/8 dev lo
    if ip link add hb0 type bridge 2>/dev/null; then
      ip link set hb0 addrgenmode none
      ip addr add 127.0.0.5/32 dev hb0
      ip link set hb0 multicast on
      ip link set hb0 up
    fi
    exec python3 "$0" "$@"
  ' "$BENCH/lib/bench.py" "$@"
}

STAMP=$(date +%Y%m%d-%H%M%S)
REPORT=$OUT/bench-$STAMP.md
COMMON=(--out "$OUT" --report "$REPORT" --reps "$REPS" --duration "$DURATION" --conns "$CONNS" --hearth "$HEARTH"
        --index-timeout "$INDEX_TIMEOUT" "${EXTRA[@]}")
{
  echo "# Hearth side by side with MiniDLNA, Gerbera and dms ($STAMP)"
  echo
  echo "Command: bench/run.sh --files $FILES --scaling $SCALING --reps $REPS --duration $DURATION --conns $CONNS --servers $SERVERS"
  echo
} > "$REPORT"
for n in ${FILES//,/ }; do
  CORPUS=$OUT/corpus-$n
  "$BENCH/make_corpus.sh" "$CORPUS" "$n" --big-mib "$BIG_MIB"
  ARGS=(--corpus "$CORPUS" --servers "$SERVERS" --label "$n files")
  (( STREAM )) || ARGS+=(--no-stream)
  # per server and repetition: index + restart + walk (<= 120 s) + wrk + stream, all bounded
  drive $(( REPS * 4 * (DURATION + 2 * INDEX_TIMEOUT + 300) + 120 )) "${COMMON[@]}" "${ARGS[@]}" ||
    echo "(the $n-file run failed: exit $?)" | tee -a "$REPORT" >&2
done
if (( SCALING > 0 )); then
  CORPUS=$OUT/scaling-$SCALING
  "$BENCH/make_corpus.sh" "$CORPUS" --scaling "$SCALING"
  drive $(( 4 * (REPS * 2 * (DURATION + 30) + INDEX_TIMEOUT + 120) + 120 )) "${COMMON[@]}" --corpus "$CORPUS" \
    --servers "$SCALING_SERVERS" --scaling "$SCALING" --label "Browse scaling, $SCALING items" ||
    echo "(the scaling run failed: exit $?)" | tee -a "$REPORT" >&2
fi
echo "run.sh: the tables are in $REPORT" >&2
