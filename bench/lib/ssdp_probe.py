"""Start → first SSDP answer, measured from outside the server.

A thread sends an M-SEARCH every 10 ms from the moment before the server is spawned until one answer
arrives (or a bound in time). Two kinds are sent from two sockets, so the answer says which one it was:
  - unicast (UDA 1.1 §1.3.3: to the server's address, port 1900; answered at once, no MX delay; it
    carries MX: 1 all the same, because libupnp (Gerbera) drops a search without MX);
  - multicast to 239.255.255.250:1900 out of the server's interface with MX: 1 (answered after a random
    delay within MX, so a server that only answers multicast shows up to ~1 s more; the report says so).
It also notes when a socket bound to port 1900 first shows in /proc/net/udp (the namespace holds one
server at a time): when the server could first hear a search, whatever its answering policy.
Loopback only: the caller passes a 127.x address; run.sh's namespace has no other link.
"""
import select
import socket
import threading
import time

GROUP = ("239.255.255.250", 1900)


def _ssdp_port_bound() -> bool:
    with open("/proc/net/udp") as f:
        next(f)
        return any(line.split()[1].endswith(":076C") for line in f)


def _search(mx: int | None) -> bytes:
    # HOST is the multicast group even for a unicast search: libupnp (Gerbera) drops a search with any other
    lines = ["M-SEARCH * HTTP/1.1", f"HOST: {GROUP[0]}:1900", 'MAN: "ssdp:discover"', "ST: upnp:rootdevice"]
    if mx is not None:
        lines.append(f"MX: {mx}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class FirstAnswer:
    """start() just before spawning the server; result() after it answered (or gave up)."""

    def __init__(self, iface_addr: str, timeout: float = 10.0, period: float = 0.01):
        if not iface_addr.startswith("127."):
            raise ValueError("SSDP probe is loopback only")
        self.addr, self.timeout, self.period = iface_addr, timeout, period
        self.t0 = None
        self.seconds, self.kind, self.bound = None, None, None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.uni = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.uni.bind((iface_addr, 0))
        self.multi = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.multi.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(iface_addr))
        self.multi.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        self.multi.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
        self.multi.bind((iface_addr, 0))

    def start(self):
        self.t0 = time.monotonic()
        self._thread.start()
        return self

    def _run(self):
        uni_msg = multi_msg = _search(1)
        socks = {self.uni: "unicast", self.multi: "multicast (MX 1)"}
        next_send = self.t0
        try:
            while not self._stop.is_set() and time.monotonic() - self.t0 < self.timeout:
                now = time.monotonic()
                if self.bound is None and _ssdp_port_bound():
                    self.bound = now - self.t0
                if now >= next_send:
                    for s, msg, dst in ((self.uni, uni_msg, (self.addr, 1900)), (self.multi, multi_msg, GROUP)):
                        try:
                            s.sendto(msg, dst)
                        except OSError:  # nothing bound yet (ICMP refused surfaces here): try again
                            pass
                    next_send = now + self.period
                ready, _, _ = select.select(list(socks), [], [], max(0.0, next_send - time.monotonic()))
                for s in ready:
                    try:
                        data = s.recv(4096)
                    except OSError:
                        continue
                    if data.startswith(b"HTTP/1.1 200") and self.seconds is None:
                        self.seconds, self.kind = time.monotonic() - self.t0, socks[s]
                if self.seconds is not None:
                    return
        finally:
            self.uni.close()
            self.multi.close()

    def result(self, wait: float | None = None):
        """(seconds, kind) or (None, None) when nothing answered within the bound."""
        self._thread.join(self.timeout if wait is None else wait)
        self._stop.set()
        return self.seconds, self.kind

    def cancel(self):
        self._stop.set()
        self._thread.join(1)
