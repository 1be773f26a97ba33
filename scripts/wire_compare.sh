#!/bin/sh
# Do two hearth binaries answer clients with the same bytes? Dumps what each one says on the wire
# (tests/integration/wire_dump.py: every Browse answer, every stream, for five User-Agents) inside a private
# network namespace and diffs the dumps. Either side may also be a dump made before (a .txt file).
#
# Usage: scripts/wire_compare.sh A B [OUTDIR]
#   A, B     a hearth binary, or a dump file (*.txt) written by an earlier run
#   OUTDIR   where the dumps go (default: a new temporary folder), as a.txt and b.txt
#
# Exit status: 0 when the dumps are the same, 1 when they differ (the diff is printed), 2 on a usage error.
# Each binary takes about 20-30 s. One dump is byte-identical from run to run of the same binary (what it holds
# fixed and what it normalises is said at the top of wire_dump.py).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 A B [OUTDIR]   (A and B: hearth binaries or earlier dumps, *.txt)" >&2
    exit 2
fi
out=${3:-$(mktemp -d /tmp/wire-compare.XXXXXX)}
mkdir -p "$out"

dump() { # dump BINARY_OR_TXT OUTFILE
    case $1 in
    *.txt) cp "$1" "$2" ;;
    *)
        [ -x "$1" ] || {
            echo "$0: $1 is not an executable" >&2
            exit 2
        }
        "$root/tests/integration/netns.sh" --mounts /usr/bin/python3 "$root/tests/integration/wire_dump.py" \
            --hearth "$(realpath "$1")" --out "$2"
        ;;
    esac
}

dump "$1" "$out/a.txt"
dump "$2" "$out/b.txt"
if diff -u "$out/a.txt" "$out/b.txt"; then
    echo "wire_compare: the same ($(wc -l <"$out/a.txt") lines; dumps in $out)"
else
    echo "wire_compare: the dumps differ (above; dumps in $out)" >&2
    exit 1
fi
