"""A GENA event sink: a small HTTP server in a thread that records NOTIFY requests."""

import http.server
import threading
import time
import xml.etree.ElementTree as ET

EVENT_NS = "urn:schemas-upnp-org:event-1-0"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_NOTIFY(self):  # noqa: N802 - the HTTP method name
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1 << 20))
        self.server.sink.record({k.upper(): v for k, v in self.headers.items()}, body)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args):
        pass


class EventSink:
    """Listens on host:port (port chosen by the OS) while used as a context manager."""

    def __init__(self, host="127.0.0.1"):
        self._server = http.server.ThreadingHTTPServer((host, 0), _Handler)
        self._server.sink = self
        self._lock = threading.Lock()
        self.events = []  # (headers, body)
        self.url = f"http://{host}:{self._server.server_address[1]}/event-sink"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                         daemon=True).start()
        return self

    def __exit__(self, *_exc):
        self._server.shutdown()
        self._server.server_close()

    def record(self, headers, body):
        with self._lock:
            self.events.append((headers, body))

    def wait(self, count, timeout):
        """Wait until `count` events arrived (bounded); return the events so far."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.events) >= count:
                    break
            time.sleep(0.05)
        with self._lock:
            return list(self.events)


def properties(body):
    """{variable: value} of an e:propertyset body."""
    root = ET.fromstring(body)
    values = {}
    for prop in root.findall(f"{{{EVENT_NS}}}property"):
        for var in prop:
            values[var.tag.split("}")[-1]] = var.text or ""
    return values
