#!/bin/sh
# `hearth doctor` against the real network stack. Run only inside netns.sh (it sends SSDP):
#   tests/integration/netns.sh tests/integration/doctor_test.sh build/hearth
# Checks: all is well on lo with a readable folder (exit 0); a folder the service user cannot read is a FAIL
# (exit 1); a second running Hearth is found by name; this Hearth's own port and answers are recognised;
# bad options exit 2.
set -u

HEARTH=$(realpath "${1:?usage: doctor_test.sh HEARTH}")
WORK=$(mktemp -d /tmp/hearth-doctor-XXXXXX)
chmod 755 "$WORK"
SECOND_PID=
cleanup() {
    [ -n "$SECOND_PID" ] && kill "$SECOND_PID" 2>/dev/null && wait "$SECOND_PID" 2>/dev/null
    chmod -R u+rwx "$WORK" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

FAILURES=0
fail() {
    echo "FAILED: $*" >&2
    FAILURES=$((FAILURES + 1))
}
pass() { echo "ok: $*"; }

# run_doctor EXPECTED_STATUS ARGS...: leaves the report in $WORK/out
run_doctor() {
    expected=$1
    shift
    "$HEARTH" doctor "$@" >"$WORK/out" 2>&1
    status=$?
    cat "$WORK/out"
    if [ "$status" -ne "$expected" ]; then fail "doctor $* exited $status, expected $expected"; fi
}

expect_line() {
    if grep -qF -- "$1" "$WORK/out"; then pass "report has: $1"; else fail "report lacks: $1"; fi
}

mkdir -p "$WORK/media/films" "$WORK/locked"
echo x >"$WORK/media/films/a.mp4"
chmod -R a+rX "$WORK/media"

echo "== readable folder on lo"
run_doctor 0 --interface lo --media "$WORK/media" --db "$WORK/none.db" --port 8390
expect_line "OK    interface lo: 127.0.0.1/8"
expect_line "OK    multicast on lo: an SSDP probe came back"
expect_line "OK    port 8390 is free"
expect_line "OK    media folder $WORK/media: readable, 1 file in 2 folders"
expect_line "OK    no other DLNA server answered on lo"

echo "== a folder the service user cannot read"
chmod 000 "$WORK/locked"
if getent passwd nobody >/dev/null; then
    run_doctor 1 --interface lo --media "$WORK/media" --media "$WORK/locked" --db "$WORK/none.db" --port 8390 \
        --user nobody
    expect_line "OK    media folder $WORK/media: readable by user nobody"
    expect_line "FAIL  media folder $WORK/locked: user nobody cannot read and enter it"
    expect_line "setfacl -R -m u:nobody:rX $WORK/locked"
else
    echo "skipped: no user 'nobody'"
fi

echo "== a second Hearth on the network"
"$HEARTH" --interface lo --port 8391 --name "Second Hearth" --media "$WORK/media" --db "$WORK/second.db" \
    >"$WORK/second.log" 2>&1 &
SECOND_PID=$!
for _ in $(seq 50); do
    curl -sf -o /dev/null http://127.0.0.1:8391/description.xml && break
    sleep 0.2
done
run_doctor 0 --interface lo --media "$WORK/media" --db "$WORK/none.db" --port 8390
expect_line "another DLNA server answers: \"Second Hearth\" (Hearth) at 127.0.0.1:8391, on this machine"

echo "== the same Hearth, seen as itself"
run_doctor 0 --interface lo --media "$WORK/media" --db "$WORK/second.db" --port 8391
expect_line "INFO  port 8391 is used by this Hearth (\"Second Hearth\"), which is running"
expect_line "INFO  this Hearth is running and answers searches"

echo "== bad options"
run_doctor 2 --port nope
run_doctor 2 --user

if [ "$FAILURES" -ne 0 ]; then
    echo "$FAILURES check(s) failed" >&2
    exit 1
fi
echo "all doctor checks passed"
