#!/usr/bin/env bash
# run.sh [--hearth PATH] [--files N] [--reps K] [--duration S] [--conns C] [--servers LIST]
#        [--no-stream] [--big-mib M] [--hearth-arg ARG]...
#
# Side-by-side benchmark of Hearth against MiniDLNA (and Gerbera when installed). Builds (or reuses)
# the corpus under bench/out/, then runs everything inside a private network namespace
# (unshare -rn: only loopback, multicast routed to lo), one server after another.
# Prints the results table and writes bench/out/results-<date>.md.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
OUT=$BENCH/out

HEARTH=""
FILES=2000
REPS=3
DURATION=15
CONNS=8
SERVERS=hearth,minidlna,gerbera
STREAM=1
BIG_MIB=1024
EXTRA=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --hearth) HEARTH=$(realpath "$2"); shift 2 ;;
    --files) FILES=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --no-stream) STREAM=0; shift ;;
    --big-mib) BIG_MIB=$2; shift 2 ;;
    --hearth-arg) EXTRA+=(--hearth-arg "$2"); shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
# Default Hearth binary: the main work tree's build, if there is one.
if [[ -z $HEARTH && -x /work/main/build/hearth ]]; then HEARTH=/work/main/build/hearth; fi

for tool in ffmpeg wrk curl unshare ip python3; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (see bench/README.md)" >&2; exit 1; }
done

mkdir -p "$OUT"
CORPUS=$OUT/corpus-$FILES
(( STREAM )) || BIG_MIB=0
"$BENCH/make_corpus.sh" "$CORPUS" "$FILES" --big-mib "$BIG_MIB"

ARGS=(--corpus "$CORPUS" --out "$OUT" --reps "$REPS" --duration "$DURATION" --conns "$CONNS"
      --servers "$SERVERS" --hearth "$HEARTH" "${EXTRA[@]}")
(( STREAM )) || ARGS+=(--no-stream)

# Hard upper bound on the whole run (the driver also bounds every step).
LIMIT=$(( REPS * 3 * (DURATION + 240) + 120 ))

# Inside the namespace: lo up with multicast, 239/8 routed to lo. Gerbera's libupnp refuses
# loopback-flagged interfaces, so it also gets 'hb0', a bridge with no ports holding 127.0.0.5/32:
# still a loopback-range address, and nothing sent on hb0 can go anywhere.
# shellcheck disable=SC2016
exec timeout --signal=TERM --kill-after=20 "$LIMIT" unshare -rn bash -c '
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
' "$BENCH/lib/bench.py" "${ARGS[@]}"
