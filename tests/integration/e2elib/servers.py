"""Starting, waiting for and stopping the media server under test (Hearth or MiniDLNA)."""

import ctypes
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

_started = []  # every ServerProcess we launched, for cleanup_all()


_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """In the child before exec: get SIGKILL when the harness dies (e.g. a CTest timeout)."""
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def free_port(host="127.0.0.1"):
    """A TCP port that is free on `host` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout, interval=0.2):
    """Poll predicate() until it is truthy or `timeout` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def http_ok(url, timeout=2):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


class ServerProcess:
    """A server child process in its own process group, logging to a file."""

    def __init__(self, argv, log_path, host, port, description_path):
        self.argv = argv
        self.log_path = log_path
        self.host = host
        self.port = port
        self.description_path = description_path
        self.proc = None
        self._log = None

    @property
    def base_url(self):
        return f"http://{self.host}:{self.port}"

    @property
    def description_url(self):
        return self.base_url + self.description_path

    def start(self):
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self._log.write(("\n$ " + " ".join(self.argv) + "\n").encode())
        self._log.flush()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=_die_with_parent)
        _started.append(self)
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout=20):
        """True once the description URL answers 200 (False on timeout or early exit)."""
        return bool(wait_until(lambda: not self.running() or http_ok(self.description_url),
                               timeout)) and self.running()

    def terminate(self, timeout=5):
        """SIGTERM, wait up to `timeout` s; return (exit code or None, seconds taken)."""
        if not self.running():
            return (self.proc.returncode if self.proc else None), 0.0
        start = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            code = None
        return code, time.monotonic() - start

    def kill(self):
        """SIGKILL the process group if anything of it is still running; close the log."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, "rb") as fh:
                return b"".join(fh.readlines()[-lines:]).decode(errors="replace")
        except OSError:
            return ""


def cleanup_all():
    for server in _started:
        server.kill()


# --- Hearth -------------------------------------------------------------------

def hearth_argv(binary, media, db, iface, port, name, scan_only=False):
    argv = [binary, "--media", media, "--db", db, "--interface", iface, "--port", str(port),
            "--name", name, "--log-level", "info"]
    if scan_only:
        argv.append("--scan-only")
    return argv


def hearth_scan_only(binary, media, db, name, timeout=120):
    """Run `hearth --scan-only`; return (exit code, combined output)."""
    argv = hearth_argv(binary, media, db, "lo", free_port(), name, scan_only=True)
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def hearth_server(binary, media, db, iface, host, name, log_path):
    port = free_port(host)
    argv = hearth_argv(binary, media, db, iface, port, name)
    return ServerProcess(argv, log_path, host, port, "/description.xml")


# --- MiniDLNA (reference server for developing the client side) -------------

def minidlna_server(binary, media, workdir, iface, host, name, log_path):
    port = free_port(host)
    state = os.path.join(workdir, f"minidlna-{iface}")
    os.makedirs(os.path.join(state, "db"), exist_ok=True)
    conf = os.path.join(state, "minidlna.conf")
    with open(conf, "w", encoding="utf-8") as fh:
        fh.write("\n".join([
            f"media_dir={media}",
            f"db_dir={state}/db",
            f"log_dir={state}",
            f"network_interface={iface}",
            f"port={port}",
            f"friendly_name={name}",
            "inotify=no",
            "enable_tivo=no",
            "notify_interval=900",
            "",
        ]))
    argv = [binary, "-d", "-R", "-f", conf, "-P", os.path.join(state, "minidlna.pid")]
    return ServerProcess(argv, log_path, host, port, "/rootDesc.xml")
