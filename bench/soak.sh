#!/usr/bin/env bash
# soak.sh [--hearth PATH] [--minutes N] [--workdir DIR]
#
# Soak test (not in CI): one Hearth under mixed Browse/Search/stream/subscribe load for N minutes
# (default 10), VmRSS sampled each minute. Prints VmRSS after 1 minute and at the end, and the
# difference (target: within a few MiB). Runs inside the private network namespace of
# tests/integration/netns.sh; every loop is bounded in time and `timeout` bounds the whole run.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")

HEARTH=""
MINUTES=10
WORKDIR=$BENCH/out/soak
while [[ $# -gt 0 ]]; do
  case $1 in
    --hearth) HEARTH=$(realpath "$2"); shift 2 ;;
    --minutes) MINUTES=$2; shift 2 ;;
    --workdir) WORKDIR=$(realpath -m "$2"); shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -z $HEARTH && -x $ROOT/build/hearth ]]; then HEARTH=$ROOT/build/hearth; fi
[[ -x $HEARTH ]] || { echo "soak.sh: no hearth binary (use --hearth PATH)" >&2; exit 1; }
for tool in ffmpeg curl unshare ip; do
  command -v "$tool" >/dev/null || { echo "soak.sh: $tool is missing" >&2; exit 1; }
done

SECONDS_TOTAL=$(( MINUTES * 60 ))
exec timeout --signal=TERM --kill-after=20 $(( SECONDS_TOTAL + 300 )) \
  "$ROOT/tests/integration/netns.sh" /usr/bin/python3 "$ROOT/tests/integration/hostile_test.py" \
  --hearth "$HEARTH" --workdir "$WORKDIR" --soak-seconds "$SECONDS_TOTAL"
