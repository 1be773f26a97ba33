#!/bin/sh
# Builds the Debian package with cpack and checks it without installing anything on this machine: the control
# fields, conffiles and maintainer scripts; every file, unpacked into a scratch root; the unit with
# systemd-analyze verify and its security exposure; the example config against the binary's own option list;
# the maintainer scripts run against the scratch root (DPKG_ROOT); the binary under MemoryDenyWriteExecute; and
# a plain `cmake --install` to /usr/local.
#
# usage: deb_test.sh BUILD_DIR VERSION CPACK CMAKE
set -eu

build=$1
version=$2
cpack=$3
cmake=$4

# Raise only on purpose: every point here is a hardening setting that went missing (tenths, 13 = 1.3).
max_exposure=13

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
ok() { echo "ok: $*"; }
step() { echo "== $*"; }

for tool in dpkg-deb dpkg-shlibdeps systemd-analyze; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (scripts/deps --test)"; exit 1; }
done

step "cpack -G DEB"
"$cpack" --config "$build/CPackConfig.cmake" -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1 || {
    cat "$tmp/cpack.log"
    echo "FAIL: cpack"
    exit 1
}
arch=$(dpkg --print-architecture)
deb="$tmp/out/hearth_${version}_${arch}.deb"
[ -f "$deb" ] || { ls "$tmp/out"; echo "FAIL: $deb was not built"; exit 1; }
ok "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

step "control"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = hearth ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', project() says $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is '$(field Architecture)'"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
depends=$(field Depends)
echo "Depends: $depends"
# The libraries only appear when dpkg-shlibdeps ran; without it cpack silently keeps the hand-written list.
for dep in systemd init-system-helpers 'libavformat[0-9]' 'libavcodec[0-9]' 'libmicrohttpd[0-9]' 'libsqlite3-0' \
    libsystemd0 'libboost-program-options'; do
    echo "$depends" | grep -Eq "(^|, )$dep" || fail "Depends lacks $dep"
done

dpkg-deb -e "$deb" "$tmp/control"
[ "$(cat "$tmp/control/conffiles")" = /etc/hearth/hearth.conf ] ||
    fail "conffiles is '$(cat "$tmp/control/conffiles")', expected /etc/hearth/hearth.conf"
for script in postinst prerm postrm; do
    f="$tmp/control/$script"
    [ -x "$f" ] || { fail "$script missing or not executable"; continue; }
    sh -n "$f" || fail "$script: syntax error"
done
expect_in() { grep -q -- "$2" "$tmp/control/$1" || fail "$1 does not run '$2'"; }
expect_in postinst "systemd-sysusers"
expect_in postinst "systemd-tmpfiles"
expect_in postinst "deb-systemd-helper enable hearth.service"
expect_in postinst "deb-systemd-invoke start hearth.service"
expect_in prerm "deb-systemd-invoke stop hearth.service"
expect_in postrm "deb-systemd-helper mask hearth.service"
expect_in postrm "deb-systemd-helper purge hearth.service"
ok "control fields, conffiles and maintainer scripts checked"

step "files (dpkg-deb -x into a scratch root)"
root="$tmp/root"
dpkg-deb -x "$deb" "$root"
cat >"$tmp/expected" <<'EOF'
./etc/hearth/hearth.conf
./usr/lib/systemd/system/hearth.service
./usr/lib/sysusers.d/hearth.conf
./usr/lib/tmpfiles.d/hearth.conf
./usr/sbin/hearth
./usr/share/doc/hearth/README.md
./usr/share/doc/hearth/profiles.md
EOF
(cd "$root" && find . ! -type d | sort) >"$tmp/actual"
if diff -u "$tmp/expected" "$tmp/actual"; then ok "exactly the expected files"; else fail "file list differs (above)"; fi
hearth="$root/usr/sbin/hearth"
[ -x "$hearth" ] || { echo "FAIL: no executable hearth"; exit 1; }
[ "$(stat -c %a "$root/etc/hearth/hearth.conf")" = 644 ] || fail "hearth.conf is not mode 644"
"$hearth" --version | grep -q "$version" || fail "hearth --version does not say $version"

step "unit"
unit="$root/usr/lib/systemd/system/hearth.service"
exec_start=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
[ "$exec_start" = /usr/sbin/hearth ] || fail "ExecStart is '$exec_start'"
[ -x "$root$exec_start" ] || fail "ExecStart $exec_start is not in the package"
for line in Type=notify WatchdogSec=60 Restart=on-failure User=hearth StateDirectory=hearth ProtectSystem=strict \
    ProtectHome=read-only MemoryDenyWriteExecute=yes 'CapabilityBoundingSet=$' \
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK$' 'WantedBy=multi-user.target'; do
    grep -q "^$line" "$unit" || fail "unit lacks $line"
done
grep -q '^ProcSubset=pid' "$unit" && fail "ProcSubset=pid hides /proc/net/arp"
# verify on Debian 12 (systemd 252) checks the ExecStart binary on the host, and --root= wants a whole systemd
# tree; so check a copy whose ExecStart points into the scratch root.
mkdir "$tmp/verify"
sed "s|^ExecStart=/usr/sbin/hearth|ExecStart=$root/usr/sbin/hearth|" "$unit" >"$tmp/verify/hearth.service"
if systemd-analyze verify "$tmp/verify/hearth.service" >"$tmp/verify.log" 2>&1 && [ ! -s "$tmp/verify.log" ]; then
    ok "systemd-analyze verify: clean"
else
    cat "$tmp/verify.log"
    fail "systemd-analyze verify"
fi
systemd-analyze security --offline=yes "$tmp/verify/hearth.service" >"$tmp/security.log" 2>&1 || true
grep '✗' "$tmp/security.log" || true
score=$(grep 'Overall exposure level' "$tmp/security.log" || true)
echo "$score"
[ -n "$score" ] || { cat "$tmp/security.log"; fail "systemd-analyze security printed no score"; }
systemd-analyze security --offline=yes --threshold=$max_exposure "$tmp/verify/hearth.service" >/dev/null 2>&1 ||
    fail "exposure above $max_exposure/10"

step "example config"
conf="$root/etc/hearth/hearth.conf"
# Every long option of --help, minus those that make no sense in a file.
"$hearth" --help | sed -n 's/^ \{1,4\}\(-[a-z] \[ \)\{0,1\}--\([a-z][a-z0-9-]*\).*/\2/p' | sort -u |
    grep -vxE 'help|version|config|scan-only' >"$tmp/options"
[ "$(wc -l <"$tmp/options")" -ge 10 ] || fail "read only $(wc -l <"$tmp/options") options from --help"
sed -n 's/^#\([a-z][a-z0-9-]*\) = .*/\1/p' "$conf" | sort -u >"$tmp/listed"
missing=$(comm -23 "$tmp/options" "$tmp/listed")
[ -z "$missing" ] || fail "example config lacks: $(echo "$missing" | tr '\n' ' ')"
unknown=$(comm -13 "$tmp/options" "$tmp/listed")
[ -z "$unknown" ] || fail "example config lists unknown options: $(echo "$unknown" | tr '\n' ' ')"
grep -v '^#' "$conf" | grep -q '[^[:space:]]' && fail "example config has settings that are not commented out"
mkdir "$tmp/media"
if "$hearth" --config "$conf" --media "$tmp/media" --db "$tmp/a.db" --scan-only >"$tmp/scan.log" 2>&1; then
    ok "the example as shipped parses ($(wc -l <"$tmp/options") options listed)"
else
    cat "$tmp/scan.log"
    fail "hearth rejects the example config"
fi
# Every example value must be valid too: uncomment them all (folders and files point into the scratch folder).
sed -E 's/^#([a-z][a-z0-9-]*) = /\1 = /' "$conf" | grep -vE '^(media|db|profiles) = ' >"$tmp/all.conf"
mkdir "$tmp/profiles"
echo "profiles = $tmp/profiles" >>"$tmp/all.conf"
if "$hearth" --config "$tmp/all.conf" --media "$tmp/media" --db "$tmp/b.db" --scan-only >"$tmp/scan.log" 2>&1; then
    ok "every example value parses"
else
    cat "$tmp/scan.log"
    fail "hearth rejects an example value"
fi

step "maintainer scripts against the scratch root (DPKG_ROOT)"
host_state() {
    for p in /etc/systemd/system/multi-user.target.wants/hearth.service /etc/systemd/system/hearth.service \
        /var/lib/systemd/deb-systemd-helper-enabled/hearth.service.dsh-also \
        /var/lib/systemd/deb-systemd-helper-masked/hearth.service; do
        [ -e "$p" ] || [ -L "$p" ] && echo "present $p"
    done
    md5sum /etc/passwd /etc/group 2>/dev/null
    true
}
if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: needs root (the state folder is chowned to the hearth account)"
elif ! command -v deb-systemd-helper >/dev/null || ! command -v systemd-sysusers >/dev/null; then
    echo "skipped: deb-systemd-helper or systemd-sysusers missing"
else
    host_state >"$tmp/host.before"
    mkdir -p "$root/etc/systemd/system"
    : >"$root/etc/passwd"
    : >"$root/etc/group"
    before=$failures
    # As dpkg runs them: deb-systemd-helper refuses to work without DPKG_MAINTSCRIPT_PACKAGE.
    run() {
        DPKG_ROOT="$root" DPKG_MAINTSCRIPT_PACKAGE=hearth DPKG_MAINTSCRIPT_NAME=$1 sh "$tmp/control/$1" "$2" "${3:-}" \
            >>"$tmp/scripts.log" 2>&1 || fail "$1 $2 failed"
    }
    run postinst configure
    passwd=$(grep '^hearth:' "$root/etc/passwd" || true)
    echo "$passwd" | grep -q ':/var/lib/hearth:/usr/sbin/nologin$' || fail "postinst made no hearth account ($passwd)"
    uid=$(echo "$passwd" | cut -d: -f3)
    [ -d "$root/var/lib/hearth" ] && [ "$(stat -c '%u %a' "$root/var/lib/hearth")" = "$uid 750" ] ||
        fail "postinst made no /var/lib/hearth owned by hearth, mode 750"
    [ "$(readlink "$root/etc/systemd/system/multi-user.target.wants/hearth.service")" = \
        /usr/lib/systemd/system/hearth.service ] || fail "postinst did not enable hearth.service"
    run postinst configure "$version" # an upgrade keeps the enablement
    [ -L "$root/etc/systemd/system/multi-user.target.wants/hearth.service" ] || fail "upgrade disabled the unit"
    run prerm remove
    run postrm remove
    [ "$(readlink "$root/etc/systemd/system/hearth.service")" = /dev/null ] || fail "postrm remove did not mask"
    run postrm purge
    [ -e "$root/etc/systemd/system/multi-user.target.wants/hearth.service" ] && fail "purge left the unit enabled"
    [ -L "$root/etc/systemd/system/hearth.service" ] && fail "purge left the unit masked"
    [ -e "$root/var/lib/hearth" ] && fail "purge left /var/lib/hearth"
    host_state >"$tmp/host.after"
    diff -u "$tmp/host.before" "$tmp/host.after" || fail "the maintainer scripts touched this machine"
    cat "$tmp/scripts.log"
    [ "$failures" = "$before" ] && ok "install, upgrade, remove and purge in the scratch root; this machine untouched"
fi

step "MemoryDenyWriteExecute (FFmpeg in process)"
# systemd implements it with seccomp; the kernel's own PR_SET_MDWE (Linux 6.3+) refuses the same mappings and is
# inherited across exec, so the binary can be tried without systemd.
if command -v python3 >/dev/null && command -v ffmpeg >/dev/null; then
    mkdir "$tmp/mdwe"
    ffmpeg -v error -f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine -t 1 -c:v mpeg4 -c:a aac \
        "$tmp/mdwe/clip.mp4" && ffmpeg -v error -f lavfi -i sine -t 1 "$tmp/mdwe/tone.flac" ||
        fail "ffmpeg could not make the sample files"
    cat >"$tmp/mdwe.py" <<'EOF'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(65, 1, 0, 0, 0) != 0:  # PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN
    sys.exit(77)
os.execv(sys.argv[1], sys.argv[1:])
EOF
    rc=0
    python3 "$tmp/mdwe.py" "$hearth" --media "$tmp/mdwe" --db "$tmp/mdwe.db" --scan-only >"$tmp/mdwe.log" 2>&1 || rc=$?
    if [ "$rc" = 77 ]; then
        echo "skipped: this kernel has no PR_SET_MDWE"
    elif [ "$rc" = 0 ] && grep -q 'indexed 2 files' "$tmp/mdwe.log"; then
        ok "scan with FFmpeg probing under W^X: $(grep indexed "$tmp/mdwe.log")"
    else
        cat "$tmp/mdwe.log"
        fail "hearth fails under MemoryDenyWriteExecute (status $rc)"
    fi
else
    echo "skipped: needs python3 and ffmpeg"
fi

step "cmake --install --prefix /usr/local"
dest="$tmp/local"
DESTDIR="$dest" "$cmake" --install "$build" --prefix /usr/local >"$tmp/install.log" 2>&1 || {
    cat "$tmp/install.log"
    fail "cmake --install"
}
for f in usr/local/sbin/hearth usr/local/lib/systemd/system/hearth.service usr/local/lib/sysusers.d/hearth.conf \
    usr/local/lib/tmpfiles.d/hearth.conf usr/local/share/doc/hearth/README.md etc/hearth/hearth.conf; do
    [ -f "$dest/$f" ] || fail "cmake --install did not put /$f"
done
grep -q '^ExecStart=/usr/local/sbin/hearth$' "$dest/usr/local/lib/systemd/system/hearth.service" ||
    fail "the /usr/local unit does not start /usr/local/sbin/hearth"
echo "media = /srv/films" >"$dest/etc/hearth/hearth.conf"
DESTDIR="$dest" "$cmake" --install "$build" --prefix /usr/local >"$tmp/install.log" 2>&1 || fail "second install"
[ "$(cat "$dest/etc/hearth/hearth.conf")" = "media = /srv/films" ] || fail "a re-install overwrote the config"
ok "/usr/local layout, /etc config kept on re-install"

echo
if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all packaging checks passed; $score"
