"""Clients that speak from a chosen loopback address (127.0.0.x stands in for a device).

Everything binds its socket to the source address before connecting or sending, so the
server sees the request coming from that "device". All calls are bounded by timeouts.
"""

import http.client
import json
import os
import re
import select
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from . import http as h
from . import upnp as u

SSDP_GROUP = ("239.255.255.250", 1900)

# curl exit codes for "connected, then the server closed without an HTTP answer".
CURL_EMPTY_REPLY = 52
CURL_RECV_ERROR = 56
CURL_SEND_ERROR = 55


# --- curl with --interface -------------------------------------------------------------

@dataclass
class CurlResult:
    exit_code: int
    status: int  # None when no HTTP status line arrived
    headers: dict  # lower-case name -> value
    body: bytes
    stderr: str

    def header(self, name):
        return self.headers.get(name.lower())

    @property
    def closed_without_answer(self):
        """Connected, then closed/reset by the server before any HTTP status line."""
        return self.status is None and self.exit_code in (CURL_EMPTY_REPLY, CURL_RECV_ERROR,
                                                          CURL_SEND_ERROR)

    def describe(self):
        if self.status is not None:
            return f"HTTP {self.status}"
        return f"no HTTP answer (curl exit {self.exit_code}: {self.stderr.strip()[:120]})"


def curl_from(source, url, method="GET", headers=None, data=None, timeout=5, head_only=False):
    """One request with curl --interface SOURCE --path-as-is; never raises on HTTP errors."""
    with tempfile.TemporaryDirectory() as tmp:
        head_file = os.path.join(tmp, "head")
        body_file = os.path.join(tmp, "body")
        argv = ["curl", "-sS", "--path-as-is", "--interface", source,
                "--max-time", str(timeout), "--connect-timeout", str(timeout),
                "-D", head_file, "-o", body_file]
        argv += ["-I"] if head_only else ["-X", method]
        for name, value in (headers or {}).items():
            argv += ["-H", f"{name}: {value}"]
        if data is not None:
            argv += ["--data-binary", "@-"]
        argv.append(url)
        proc = subprocess.run(argv, input=data.encode() if isinstance(data, str) else data,
                              capture_output=True, timeout=timeout + 5, check=False)
        head = b""
        if os.path.exists(head_file):
            with open(head_file, "rb") as fh:
                head = fh.read()
        body = b""
        if os.path.exists(body_file):
            with open(body_file, "rb") as fh:
                body = fh.read()
    status, parsed = None, {}
    blocks = [b for b in re.split(r"\r?\n\r?\n", head.decode("latin-1")) if b.strip()]
    if blocks:
        lines = blocks[-1].splitlines()
        parts = lines[0].split()
        if len(parts) >= 2 and parts[0].startswith("HTTP/") and parts[1].isdigit():
            status = int(parts[1])
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                parsed[key.strip().lower()] = value.strip()
    return CurlResult(proc.returncode, status, parsed, body,
                      proc.stderr.decode(errors="replace"))


# --- raw HTTP over a socket from an address ------------------------------------------------

def raw_exchange(source, host, port, payload, timeout=3.0):
    """Connect from source, send payload (may be b""), read until EOF/reset/timeout.

    Returns (bytes received, how it ended: "eof" | "reset" | "timeout")."""
    data = b""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((source, 0))
        sock.settimeout(timeout)
        sock.connect((host, port))
        try:
            if payload:
                sock.sendall(payload)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and len(data) < 65536:
                sock.settimeout(max(0.05, deadline - time.monotonic()))
                chunk = sock.recv(4096)
                if not chunk:
                    return data, "eof"
                data += chunk
        except (ConnectionResetError, BrokenPipeError):
            return data, "reset"
        except socket.timeout:
            return data, "timeout"
    return data, "timeout"


class HeldStream:
    """A GET whose response headers are read but whose body is left unread (the stream
    stays open). close() ends it (the kernel resets the connection: unread data)."""

    def __init__(self, source, host, port, path, headers=None, timeout=5.0):
        self.source = source
        self.path = path
        self.status = None
        self.headers = {}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # A small receive buffer so the server cannot push the whole file into the kernel.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
        self.sock.bind((source, 0))
        self.sock.settimeout(timeout)
        try:
            self.sock.connect((host, port))
            lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}",
                     "User-Agent: HearthBoundaryTest/1.0", "Accept: */*"]
            lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
            self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            self._read_head(timeout)
        except OSError as exc:
            self.error = f"{type(exc).__name__}: {exc}"
        else:
            self.error = None

    def _read_head(self, timeout):
        buf = b""
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in buf and time.monotonic() < deadline and len(buf) < 65536:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            chunk = self.sock.recv(1024)
            if not chunk:
                break
            buf += chunk
        head = buf.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        lines = head.split("\r\n")
        parts = lines[0].split()
        if len(parts) >= 2 and parts[0].startswith("HTTP/") and parts[1].isdigit():
            self.status = int(parts[1])
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                self.headers[key.strip().lower()] = value.strip()

    def header(self, name):
        return self.headers.get(name.lower())

    def describe(self):
        if self.status is not None:
            return f"HTTP {self.status}"
        return f"no HTTP answer ({self.error or 'closed'})"

    def close(self):
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.sock.close()


# --- SOAP Browse from an address --------------------------------------------------------

class BrowseFault(u.UPnPFault):
    pass


class SourceBrowser:
    """ContentDirectory Browse with raw SOAP from one source address; duck-types the
    `browse` of upnp.MediaServerClient so that tree.walk() works with it."""

    def __init__(self, source, control_url, user_agent="HearthBoundaryTest/1.0", timeout=10):
        self.source = source
        self.control_url = control_url
        self.user_agent = user_agent
        self.timeout = timeout

    def post(self, object_id, flag="BrowseDirectChildren", start=0, count=0):
        """→ h.Response; raises OSError (e.g. connection closed) when no HTTP answer."""
        parts = urllib.parse.urlsplit(self.control_url)
        args = [("ObjectID", object_id), ("BrowseFlag", flag), ("Filter", "*"),
                ("StartingIndex", str(start)), ("RequestedCount", str(count)),
                ("SortCriteria", "")]
        body = h.browse_body(u.CDS, args).encode()
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout,
                                          source_address=(self.source, 0))
        try:
            conn.request("POST", parts.path, body=body, headers={
                "Content-Type": 'text/xml; charset="utf-8"',
                "SOAPACTION": f'"{u.CDS}#Browse"', "User-Agent": self.user_agent})
            resp = conn.getresponse()
            return h.Response(resp.status, {k.lower(): v for k, v in resp.getheaders()},
                              resp.read())
        finally:
            conn.close()

    def browse(self, object_id, flag="BrowseDirectChildren", start=0, count=0, **_ignored):
        resp = self.post(object_id, flag, start, count)
        if resp.status != 200:
            code = h.upnp_error_code(resp.body)
            raise BrowseFault(code if code is not None else -resp.status,
                              f"HTTP {resp.status} {resp.body[:200]!r}")
        return parse_browse_response(resp.body)


def parse_browse_response(body):
    root = ET.fromstring(body)
    out = None
    for elem in root.iter():
        if elem.tag.split("}")[-1] == "BrowseResponse":
            out = elem
            break
    if out is None:
        raise ValueError(f"no BrowseResponse in {body[:200]!r}")
    values = {child.tag.split("}")[-1]: (child.text or "") for child in out}
    didl = values.get("Result", "")
    return u.BrowseResult(didl, int(values.get("NumberReturned", "0") or 0),
                          int(values.get("TotalMatches", "0") or 0),
                          int(values.get("UpdateID", "0") or 0), u.parse_didl(didl))


# --- GENA SUBSCRIBE from an address; a listener that must stay silent ----------------------

class SilentListener:
    """A TCP listener on host:port that records any connection made to it."""

    def __init__(self, host):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.host = host
        self.port = self.sock.getsockname()[1]
        self.connections = []  # (peer address, first bytes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def url(self, path="/x"):
        return f"http://{self.host}:{self.port}{path}"

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, peer = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(0.5)
            try:
                first = conn.recv(200)
            except OSError:
                first = b""
            conn.close()
            self.connections.append((peer, first))

    def close(self):
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


# --- SSDP M-SEARCH from several addresses at once -----------------------------------------

def msearch_from(sources, target, server_location_part, mx=1, listen=2.5, unicast_to=None,
                 iface="lo"):
    """Send one M-SEARCH from each source address (multicast out of `iface`, or unicast to
    unicast_to:1900), listen on all sockets at once for `listen` s.

    Returns {source: [headers of answers whose LOCATION contains server_location_part]}."""
    dest = (unicast_to, 1900) if unicast_to else SSDP_GROUP
    ifindex = socket.if_nametoindex(iface)
    request = ("M-SEARCH * HTTP/1.1\r\n"
               f"HOST: {dest[0]}:{dest[1]}\r\n"
               'MAN: "ssdp:discover"\r\n'
               f"MX: {mx}\r\n"
               f"ST: {target}\r\n"
               "USER-AGENT: Linux/6 UPnP/1.0 HearthBoundaryTest/1.0\r\n\r\n").encode()
    socks = {}
    try:
        for source in sources:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
            socks[source] = sock
            sock.bind((source, 0))
            mreqn = socket.inet_aton("0.0.0.0") * 2 + struct.pack("i", ifindex)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, mreqn)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 2)
            sock.setblocking(False)
            sock.sendto(request, dest)
        answers = {source: [] for source in sources}
        deadline = time.monotonic() + listen
        while time.monotonic() < deadline:
            ready, _, _ = select.select(list(socks.values()), [], [],
                                        max(0.01, deadline - time.monotonic()))
            for source, sock in socks.items():
                if sock in ready:
                    try:
                        data, _addr = sock.recvfrom(65536)
                    except OSError:
                        continue
                    first, headers = u.parse_http_message(data.decode(errors="replace"))
                    if first.startswith("HTTP/1.1 200") and \
                            server_location_part in headers.get("LOCATION", ""):
                        answers[source].append(headers)
        return answers
    finally:
        for sock in socks.values():
            sock.close()


# --- the devices CLI and the status data ---------------------------------------------------

@dataclass
class Device:
    id: str
    status: str
    address: str
    mac: str
    name: str
    user_agent: str
    last_seen: str
    raw: list = field(default_factory=list)


DEVICE_COLUMNS = ["ID", "STATUS", "ADDRESS", "MAC", "NAME", "USER-AGENT", "LAST-SEEN"]


def devices_cli(binary, db, *args, timeout=15):
    """Run `hearth devices ARGS --db DB`; → (exit code, stdout, stderr)."""
    proc = subprocess.run([binary, "devices", *args, "--db", db], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def parse_devices_list(stdout):
    """→ (header columns, [Device]) from `hearth devices list` output."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        return [], []
    header = [c.strip() for c in lines[0].split("\t")]
    devices = []
    for line in lines[1:]:
        cols = line.split("\t")
        cols += [""] * (7 - len(cols))
        devices.append(Device(*[c.strip() for c in cols[:7]], raw=cols))
    return header, devices


def status_json(base_url, source="127.0.0.1", timeout=5):
    """GET /status.json from `source`; → (CurlResult, parsed JSON or None)."""
    resp = curl_from(source, base_url + "/status.json", timeout=timeout)
    data = None
    if resp.status == 200:
        try:
            data = json.loads(resp.body)
        except ValueError:
            data = None
    return resp, data



class KeepAlive:
    """One kept-alive HTTP/1.1 connection from `source`: each request() reads the whole
    response (Content-Length) and leaves the connection open for the next one."""

    def __init__(self, source, host, port, timeout=5.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((source, 0))
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))

    def request(self, path, headers=None):
        """→ (status or None, body, how it ended: "ok" | "eof" | "reset" | "timeout")."""
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 "Connection: keep-alive", "User-Agent: HearthBoundaryTest/1.0"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        buf = b""
        deadline = time.monotonic() + self.timeout
        try:
            self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            while b"\r\n\r\n" not in buf and time.monotonic() < deadline and len(buf) < 65536:
                chunk = self.sock.recv(4096)
                if not chunk:
                    return None, buf, "eof"
                buf += chunk
            head, _sep, body = buf.partition(b"\r\n\r\n")
            hlines = head.decode("latin-1").split("\r\n")
            parts = hlines[0].split()
            status = int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None
            length = 0
            for line in hlines[1:]:
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1].strip() or 0)
            while len(body) < length and time.monotonic() < deadline:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return status, body, "eof"
                body += chunk
            return status, body, "ok"
        except (ConnectionResetError, BrokenPipeError):
            return None, buf, "reset"
        except socket.timeout:
            return None, buf, "timeout"

    def close(self):
        self.sock.close()


def keepalive_range(source, host, port, path, timeout=5.0):
    """A ranged GET (bytes 0-99) on a kept-alive connection, read to its end; the
    connection stays open. → (status or None, KeepAlive): close it when done."""
    conn = KeepAlive(source, host, port, timeout)
    status, _body, _how = conn.request(path, {"Range": "bytes=0-99"})
    time.sleep(0.3)  # let the server see the response as finished
    return status, conn
