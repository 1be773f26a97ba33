#!/bin/sh
# Run a command inside a private network namespace (unshare -rn), so that any
# server it starts and any SSDP it sends stays on this machine.
#
# Usage: netns.sh [--mounts | --read-only-media] CMD [ARG...]
#
#   --mounts           also a private mount namespace (unshare -m): the command may mount tmpfs and bind
#                      mounts, and unmount them, without touching the host's mounts.
#   --read-only-media  --mounts, and HEARTH_TEST_READ_ONLY_MEDIA=1 for the command: the test helpers remount
#                      each media corpus read-only once it is built (e2elib.corpus.seal_read_only), so that any
#                      write by the server under the media folder fails.
#
# Inside the namespace:
#   lo     127.0.0.1/8, up, multicast on, 239.0.0.0/8 routed to it
#   hlo0   an empty bridge with 127.0.0.2/8, up: a second, non-loopback-typed
#          interface for multicast/interface-binding tests. route_localnet lets
#          127.x addresses be used on it (else sending multicast from 127.0.0.2
#          out of hlo0 fails with EINVAL).
#
# The exit status is the command's.
set -eu

namespaces=-rn
case ${1:-} in
--mounts)
    namespaces=-rnm
    shift
    ;;
--read-only-media)
    namespaces=-rnm
    HEARTH_TEST_READ_ONLY_MEDIA=1
    export HEARTH_TEST_READ_ONLY_MEDIA
    shift
    ;;
esac
if [ $# -lt 1 ]; then
    echo "usage: $0 [--mounts | --read-only-media] CMD [ARG...]" >&2
    exit 2
fi

# The setup script is passed as a string; "$@" is forwarded after the "sh" ($0).
# shellcheck disable=SC2016
exec unshare "$namespaces" sh -c '
set -e
ip link set lo up
ip link set lo multicast on
ip route add 239.0.0.0/8 dev lo
ip link add hlo0 type bridge
ip addr add 127.0.0.2/8 dev hlo0
ip link set hlo0 up
for conf in all hlo0; do echo 1 > /proc/sys/net/ipv4/conf/$conf/route_localnet; done
exec "$@"
' sh "$@"
