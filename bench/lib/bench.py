#!/usr/bin/env python3
"""Side-by-side benchmark driver. run.sh starts it inside a private network namespace.

For each repetition and each server, one after another, on the same corpus:
  1. start from an empty database and index the corpus: wall time, files/s, server CPU time, peak
     memory (VmHWM) after the scan, DB size, start -> first SSDP answer (while it indexes)
  2. restart on the built database: start -> first SSDP answer, time and CPU until idle
  3. walk the whole tree by Browse (how many distinct items a client can see; finds the benchmark
     container, i.e. the flat "Photos" folder, and the big stream file)
  4. wrk: SOAP Browse (BrowseDirectChildren, RequestedCount=50) with N connections for D seconds
  5. curl: stream the big file to /dev/null; MiB/s and server CPU per GiB
With --scaling the corpus is instead a 50-item and an N-item folder, and each server is loaded with
random-StartingIndex Browses of both (lib/browse_random.lua). dms keeps no index: its index and
restart figures are n/a. Timing figures are reported as the median over the repetitions.
"""
import argparse
import datetime
import html
import json
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ssdp_probe  # noqa: E402
import upnp  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf("SC_CLK_TCK")
MEDIA_SUBDIRS = ["Music", "Video", "Photos", "Stream"]


def log(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# /proc helpers
# ---------------------------------------------------------------------------------------------
def proc_cpu(pid: int) -> float:
    """utime+stime of all threads plus cutime+cstime of reaped children, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # after the ")" : state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    return sum(int(x) for x in fields[11:15]) / TICK


def proc_status_kib(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def children(pid: int) -> list:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(x) for x in f.read().split()]
    except FileNotFoundError:
        pass
    return out


def comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


def wait_idle(pid: int, t0: float, quiet: float, timeout: float) -> tuple:
    """Wait until the process's CPU time stops moving for `quiet` seconds.
    Returns (monotonic time of the last CPU change, cpu seconds, max VmHWM KiB seen)."""
    last_cpu, last_change, hwm = proc_cpu(pid), time.monotonic(), 0
    while True:
        time.sleep(0.02)
        now = time.monotonic()
        cpu = proc_cpu(pid)
        hwm = max(hwm, proc_status_kib(pid, "VmHWM"))
        if cpu != last_cpu:
            last_cpu, last_change = cpu, now
        elif now - last_change >= quiet:
            return last_change, last_cpu, hwm
        if now - t0 > timeout:
            raise RuntimeError(f"pid {pid} still busy after {timeout:.0f}s")


def smaps_kib(pid: int) -> dict:
    """What is resident now (smaps_rollup): Rss, Pss and the anonymous part (heap, stacks), in KiB."""
    keys = {"Rss": "rss_now_kib", "Pss": "pss_kib", "Anonymous": "anon_kib"}
    out = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                k = line.split(":")[0]
                if k in keys:
                    out[keys[k]] = int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return out


def save_smaps(pid: int, path: str):
    """A copy of /proc/PID/smaps, for lib/smaps_diff.py (what is resident, mapping by mapping)."""
    try:
        with open(f"/proc/{pid}/smaps") as src:
            text = src.read()
    except OSError:  # gone: keep the last copy
        return
    with open(path + ".tmp", "w") as dst:
        dst.write(text)
    os.replace(path + ".tmp", path)


def path_bytes(*paths) -> int:
    total = 0
    for p in paths:
        if os.path.isfile(p):
            total += os.path.getsize(p)
        elif os.path.isdir(p):
            for d, _, files in os.walk(p):
                total += sum(os.path.getsize(os.path.join(d, f)) for f in files)
    return total


def count_files(corpus: str, subdirs: list) -> int:
    n = 0
    for sub in subdirs:
        for _, _, files in os.walk(os.path.join(corpus, sub)):
            n += len(files)
    return n


# ---------------------------------------------------------------------------------------------
# Servers. index() builds the index from an empty database and leaves the server serving.
# ---------------------------------------------------------------------------------------------
class Server:
    name = "?"
    ssdp_addr = "127.0.0.1"  # where the SSDP probe sends from (the server's interface)
    has_index = True

    def __init__(self, corpus: str, rundir: str, subdirs: list):
        self.corpus, self.rundir = corpus, rundir
        self.media = [os.path.join(corpus, d) for d in subdirs if os.path.isdir(os.path.join(corpus, d))]
        self.proc = None
        self.notes = []

    def spawn(self, argv, logname):
        logf = open(os.path.join(self.rundir, logname), "ab")
        return subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=self.rundir)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    @property
    def pid(self):
        return self.proc.pid

    def start_probed(self, argv, logname):
        """Spawn with the SSDP probe already sending; returns (t0, probe)."""
        probe = ssdp_probe.FirstAnswer(self.ssdp_addr).start()
        self.proc = self.spawn(argv, logname)
        return probe.t0, probe

    def note_ssdp(self, res: dict, key: str, probe):
        secs, kind = probe.result()
        res[key] = secs
        res[key.replace("ssdp", "ssdp_bound")] = probe.bound
        if kind:
            res[key + "_kind"] = kind
        else:
            self.notes.append(f"no SSDP answer within {probe.timeout:.0f} s ({key})")

    def restart(self, timeout: float = 600) -> dict:
        """Stop, start again on the built database: first SSDP answer, time and CPU until idle."""
        self.stop()
        t0, probe = self.start_probed(self.serve_argv(), f"{self.name.lower()}-restart.log")
        last, cpu, _ = wait_idle(self.pid, t0, quiet=1.5, timeout=timeout)
        res = dict(restart_wall=last - t0, restart_cpu=cpu)
        self.note_ssdp(res, "ssdp_s", probe)
        if not upnp.wait_http(self.desc_url, 30):
            raise RuntimeError(f"{self.name}: description not reachable after restart")
        return res


class Hearth(Server):
    name = "Hearth"
    port = 8300

    def __init__(self, corpus, rundir, subdirs, binary, extra):
        super().__init__(corpus, rundir, subdirs)
        self.binary, self.extra = binary, extra
        self.db = os.path.join(rundir, "hearth.db")
        self.desc_url = f"http://127.0.0.1:{self.port}/description.xml"

    def serve_argv(self):
        a = [self.binary, "--db", self.db, "--interface", "lo", "--port", str(self.port), "--name", "bench-hearth"]
        for m in self.media:
            a += ["--media", m]
        return a + self.extra

    def index(self, timeout: float = 600) -> dict:
        # Serving mode from an empty database, like the peers: the scan runs while Hearth serves. The
        # scan is complete when the log says "scan finished"; CPU and VmHWM are read at that moment.
        log_path = os.path.join(self.rundir, "hearth-serve.log")
        t0, probe = self.start_probed(self.serve_argv(), "hearth-serve.log")
        line = None
        while line is None:
            if time.monotonic() - t0 > timeout:
                raise RuntimeError(f"hearth: scan not finished after {timeout:.0f}s")
            if self.proc.poll() is not None:
                raise RuntimeError(f"hearth exited during the scan ({self.proc.returncode})")
            with open(log_path, errors="replace") as f:
                line = next((ln for ln in f if "scan finished" in ln), None)
            if line is None:
                time.sleep(0.005)
        wall = time.monotonic() - t0
        res = dict(wall=wall, cpu=proc_cpu(self.pid), rss_kib=proc_status_kib(self.pid, "VmHWM"),
                   db_bytes=path_bytes(self.db, self.db + "-wal", self.db + "-shm"))
        res.update(smaps_kib(self.pid))
        save_smaps(self.pid, os.path.join(self.rundir, "smaps-after-scan"))
        self.note_ssdp(res, "ssdp_cold_s", probe)
        self.notes.append("scan summary (last rep): " + line.split("scan finished:", 1)[-1].strip())
        if not upnp.wait_http(self.desc_url, 30):
            raise RuntimeError("hearth: description.xml not reachable")
        return res


class MiniDLNA(Server):
    name = "MiniDLNA"
    port = 8200

    def __init__(self, corpus, rundir, subdirs):
        super().__init__(corpus, rundir, subdirs)
        self.dbdir = os.path.join(rundir, "db")
        self.conf = os.path.join(self.rundir, "minidlna.conf")
        self.desc_url = f"http://127.0.0.1:{self.port}/rootDesc.xml"

    def serve_argv(self):
        # -S: stay in the foreground (systemd mode).
        return ["minidlnad", "-S", "-f", self.conf, "-P", os.path.join(self.rundir, "pid")]

    def index(self, timeout: float = 600) -> dict:
        os.makedirs(self.dbdir, exist_ok=True)
        kinds = {"Music": "A", "Video": "V", "Photos": "P", "Stream": "V", "Small": "P", "Big": "P"}
        with open(self.conf, "w") as f:
            for m in self.media:
                f.write(f"media_dir={kinds.get(os.path.basename(m), '')},{m}\n".replace("=,", "="))
            f.write(f"db_dir={self.dbdir}\nlog_dir={self.rundir}\nport={self.port}\nnetwork_interface=lo\n"
                    "friendly_name=bench-minidlna\ninotify=no\nnotify_interval=900\n"
                    "log_level=general,artwork,database,inotify,metadata,http,ssdp,tivo=warn,scanner=info\n")
        # The database directory is new, so it scans.
        t0, probe = self.start_probed(self.serve_argv(), "minidlna.out")
        # MiniDLNA forks a scanner process; the scan is over when it exits. Watch it with a pidfd
        # and sample its VmHWM (it is gone once it has exited). It also forks short-lived children
        # (system("rm -rf …") when it creates a new database): a child counts as the scanner only if
        # the scanner's last log line ("Finished parsing playlists.") is there when it exits.
        log_path = os.path.join(self.rundir, "minidlna.log")
        seen, child_hwm, wall, child_smaps = set(), 0, None, {}
        while wall is None:
            if time.monotonic() - t0 > timeout:
                raise RuntimeError(f"minidlnad: scan not finished after {timeout:.0f}s")
            if self.proc.poll() is not None:
                raise RuntimeError("minidlnad exited during the scan")
            kids = [k for k in children(self.pid) if k not in seen and comm(k) == "minidlnad"]
            if not kids:
                time.sleep(0.002)
                continue
            child = kids[0]
            seen.add(child)
            try:
                fd = os.pidfd_open(child)
            except ProcessLookupError:
                continue
            hwm, n = 0, 0
            while not select.select([fd], [], [], 0.02)[0]:
                hwm = max(hwm, proc_status_kib(child, "VmHWM"))
                n += 1
                if n % 10 == 0:  # what is resident in the scanner, now and then (for the notes)
                    child_smaps = smaps_kib(child) or child_smaps
                    save_smaps(child, os.path.join(self.rundir, "smaps-scanner"))
                if time.monotonic() - t0 > timeout:
                    raise RuntimeError(f"minidlnad: scan still running after {timeout:.0f}s")
            t_exit = time.monotonic()
            os.close(fd)
            with open(log_path, errors="replace") as f:
                if any("Finished parsing playlists" in line for line in f):
                    wall, child_hwm = t_exit - t0, hwm
        # let the parent reap the scanner so that its CPU shows in cutime/cstime
        deadline = time.monotonic() + 2
        while os.path.exists(f"/proc/{child}") and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.05)
        res = dict(wall=wall, cpu=proc_cpu(self.pid), rss_kib=max(child_hwm, proc_status_kib(self.pid, "VmHWM")),
                   db_bytes=path_bytes(self.dbdir))
        res.update({"scanner_" + k: v for k, v in child_smaps.items()})
        save_smaps(self.pid, os.path.join(self.rundir, "smaps-after-scan"))
        self.note_ssdp(res, "ssdp_cold_s", probe)
        if not upnp.wait_http(self.desc_url, 10):
            raise RuntimeError("minidlna: rootDesc.xml not reachable")
        return res


class Gerbera(Server):
    """Gerbera 1.1 (libupnp 1.8): libupnp refuses loopback interfaces, so run.sh gives the namespace a
    port-less bridge 'hb0' holding 127.0.0.5/32 (nothing can leave: the bridge has no ports and the
    namespace has no other link). Gerbera has no scan-end signal: we wait for its CPU to go quiet."""
    name = "Gerbera"
    port = 49200
    ssdp_addr = "127.0.0.5"

    def __init__(self, corpus, rundir, subdirs):
        super().__init__(corpus, rundir, subdirs)
        self.home = os.path.join(rundir, "home")
        self.desc_url = f"http://127.0.0.5:{self.port}/description.xml"

    def serve_argv(self):
        argv = ["gerbera", "-m", self.home, "-f", "cfg", "-e", "hb0", "-p", str(self.port),
                "-l", os.path.join(self.rundir, "gerbera.log")]
        for m in self.media:
            argv += ["-a", m]
        return argv

    def index(self, timeout: float = 600) -> dict:
        os.makedirs(self.home, exist_ok=True)
        t0, probe = self.start_probed(self.serve_argv(), "gerbera.out")
        if not upnp.wait_http(self.desc_url, 30):
            raise RuntimeError("gerbera: description.xml not reachable")
        last, cpu, hwm = wait_idle(self.pid, t0, quiet=2.0, timeout=timeout)
        cfg = os.path.join(self.home, "cfg")
        res = dict(wall=last - t0, cpu=cpu, rss_kib=hwm,
                   db_bytes=path_bytes(*[os.path.join(cfg, f) for f in os.listdir(cfg) if ".db" in f]))
        res.update(smaps_kib(self.pid))
        self.note_ssdp(res, "ssdp_cold_s", probe)
        return res


class Dms(Server):
    """anacrolix dms (Debian anacrolix-dms): serves one folder straight from the file system and keeps no
    index, so its index and restart figures are n/a. Run with -noProbe (else it runs the ffprobe command
    for every file it lists, and the walk and Browse figures would time ffprobe) and -noTranscode."""
    name = "dms"
    port = 1338
    has_index = False

    def __init__(self, corpus, rundir, subdirs):
        super().__init__(corpus, rundir, subdirs)
        self.desc_url = f"http://127.0.0.1:{self.port}/rootDesc.xml"

    def serve_argv(self):
        return ["dms", "-path", self.corpus, "-http", f"127.0.0.1:{self.port}", "-ifname", "lo",
                "-friendlyName", "bench-dms", "-ignoreHidden", "-noProbe", "-noTranscode",
                "-fFprobeCachePath", os.path.join(self.rundir, "ffprobe-cache"), "-notifyInterval", "15m"]

    def index(self, timeout: float = 600) -> dict:
        t0, probe = self.start_probed(self.serve_argv(), "dms.log")
        if not upnp.wait_http(self.desc_url, 30):
            raise RuntimeError("dms: rootDesc.xml not reachable")
        res = {}
        self.note_ssdp(res, "ssdp_cold_s", probe)
        res["ssdp_s"] = res.get("ssdp_cold_s")  # dms has no database: every start is the same start
        res["ssdp_bound_s"] = res.get("ssdp_bound_cold_s")
        if res.get("ssdp_cold_s_kind"):
            res["ssdp_s_kind"] = res["ssdp_cold_s_kind"]
        return res

    def restart(self, timeout: float = 600) -> dict:
        return {}


# ---------------------------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------------------------
UNIT = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def run_wrk(cd: upnp.ContentDirectory, object_id: str, rundir: str, conns: int, duration: int) -> dict:
    body_file = os.path.join(rundir, "browse-body.xml")
    with open(body_file, "wb") as f:
        f.write(upnp.browse_body(cd, object_id, 0, 50))
    argv = ["wrk", "-t", str(min(2, conns)), "-c", str(conns), "-d", f"{duration}s", "--timeout", "5s",
            "--latency", "-s", os.path.join(HERE, "browse.lua"), cd.control_url, "--", body_file,
            upnp.soap_headers(cd)["SOAPAction"]]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 30).stdout
    with open(os.path.join(rundir, "wrk.txt"), "w") as f:
        f.write(out)
    res = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    res["rps"] = float(m.group(1)) if m else None
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        res[f"p{pct}"] = float(m.group(1)) * UNIT[m.group(2)] if m else None
    m = re.search(r"BENCH responses=(\d+) non2xx=(\d+) nodidl=(\d+) body_bytes=(\d+)", out)
    if m:
        r, n, d, b = map(int, m.groups())
        res.update(responses=r, bad=n + d, body_bytes=b / r if r else None)
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["socket_errors"] = sum(map(int, m.groups())) if m else 0
    return res


def stream(url: str) -> dict:
    out = subprocess.run(["curl", "-s", "-o", "/dev/null", "--max-time", "120", "-w",
                          "%{http_code} %{size_download} %{time_total}", url],
                         capture_output=True, text=True, timeout=130).stdout.split()
    code, size, secs = int(out[0]), int(out[1]), float(out[2])
    return dict(code=code, bytes=size, mibps=size / secs / 2**20 if secs > 0 and code < 300 else None)


def one_run(srv: Server, nfiles: int, conns: int, duration: int, do_stream: bool) -> dict:
    r = {}
    try:
        r.update(srv.index())
        if "wall" in r:
            r["files_per_s"] = nfiles / r["wall"]
            r["cpu_ms_per_file"] = r["cpu"] / nfiles * 1e3
        r.update(srv.restart())
        cd = upnp.content_directory(srv.desc_url)
        t = time.monotonic()
        w = upnp.walk(cd)
        r["walk_s"] = time.monotonic() - t
        r["items_seen"], r["containers_seen"] = w.unique_items, len(w.containers)
        if w.truncated:
            srv.notes.append(f"Browse walk truncated after {w.requests} requests")
            r["walk_s"] = None
        c = upnp.pick_container(w, "Photos", 50)
        if c is None:
            raise RuntimeError("no container with >= 50 children")
        check = upnp.browse(cd, c.id, 0, 50)
        r["container"] = f"{c.title} ({c.id}, {c.child_count} children)"
        r["items_per_browse"] = check.number_returned
        cpu0 = proc_cpu(srv.pid)
        wr = run_wrk(cd, c.id, srv.rundir, conns, duration)
        r["browse_cpu"] = proc_cpu(srv.pid) - cpu0
        r.update({f"browse_{k}": v for k, v in wr.items()})
        if wr.get("responses") and wr.get("socket_errors", 0) >= 0.9 * wr["responses"]:
            srv.notes.append("closes the connection after every Browse response (wrk counts each as a "
                             "socket read error and reconnects: the socket-error row is that, not failures)")
        if wr.get("responses"):
            r["browse_cpu_us_per_req"] = r["browse_cpu"] / wr["responses"] * 1e6
        if do_stream:
            url = upnp.find_item_url(w, "big")
            if url:  # three downloads; the median (one is short: a 1 GiB file takes < 1 s here)
                cpu0 = proc_cpu(srv.pid)
                runs = [stream(url) for _ in range(3)]
                cpu = proc_cpu(srv.pid) - cpu0
                ok = [x["mibps"] for x in runs if x["mibps"]]
                r["stream_mibps"] = statistics.median(ok) if ok else None
                r["stream_code"] = runs[-1]["code"]
                gib = sum(x["bytes"] for x in runs) / 2**30
                size = os.path.getsize(os.path.join(srv.corpus, "Stream", "big.mp4"))
                if any(abs(x["bytes"] - size) > size // 100 for x in runs):
                    srv.notes.append(f"the stream was not the file as it is ({runs[-1]['bytes']} bytes of {size})")
                r["stream_cpu_per_gib"] = cpu / gib if gib > 0 else None
            else:
                srv.notes.append("big stream item not found by Browse")
        r["serve_hwm_kib"] = proc_status_kib(srv.pid, "VmHWM")
        r.update({"serve_" + k: v for k, v in smaps_kib(srv.pid).items()})
    except Exception as e:  # keep the figures measured before the step that failed
        log(f"  {srv.name} failed: {e}")
        r["error"] = f"{type(e).__name__}: {e}"
    finally:
        srv.stop()
    return r


def find_scaling_containers(cd: upnp.ContentDirectory, big: int, max_requests: int = 200) -> dict:
    """The containers titled Small (50 children) and Big (`big` children), found by browsing containers
    only: a container with more than 1,000 children is never listed (it would be the big one)."""
    queue, seen, found, requests = ["0"], {"0"}, {}, 0
    while queue and requests < max_requests and len(found) < 2:
        oid = queue.pop(0)
        r = upnp.browse(cd, oid, 0, 200, timeout=30)
        requests += 1
        for e in r.entries:
            if e.kind != "container" or e.id in seen:
                continue
            seen.add(e.id)
            name = e.title.strip().lower()
            n = e.child_count
            if n is None or name in ("small", "big"):
                n = upnp.browse(cd, e.id, 0, 1, timeout=30).total_matches
                requests += 1
            if name == "small" and n == 50:
                found["small"] = e.id
            elif name == "big" and n == big:
                found["big"] = e.id
            elif n <= 1000:
                queue.append(e.id)
    return found


def run_wrk_random(cd: upnp.ContentDirectory, object_id: str, children: int, conns: int, duration: int) -> dict:
    argv = ["wrk", "-t", str(min(2, conns)), "-c", str(conns), "-d", f"{duration}s", "--timeout", "5s",
            "--latency", "-s", os.path.join(HERE, "browse_random.lua"), cd.control_url, "--",
            html.escape(object_id), str(children)]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 30).stdout
    m = re.search(r"BENCH responses=(\d+) bad=(\d+) p50_us=(\d+) p99_us=(\d+) rps=([\d.]+)", out)
    if not m:
        return {}
    r, b, p50, p99, rps = m.groups()
    t = re.search(r"Socket errors: connect \d+, read \d+, write \d+, timeout (\d+)", out)
    timeouts = int(t.group(1)) if t else 0
    res = dict(responses=int(r), bad=int(b), timeouts=timeouts, rps=float(rps),
               p50=int(p50) / 1e3, p99=int(p99) / 1e3)
    if timeouts or res["responses"] == 0:  # wrk keeps no latency for a timed-out request: its percentiles lie
        res["p50"] = res["p99"] = None
    return res


def scaling_run(srv: Server, big: int, conns: int, duration: int, reps: int, timeout: float) -> dict:
    """Index the scaling corpus once, then `reps` rounds of Browse load on the 50-item and the big folder."""
    r = {}
    try:
        r.update({k: v for k, v in srv.index(timeout=timeout).items() if k in ("wall", "cpu", "rss_kib")})
        cd = upnp.content_directory(srv.desc_url)
        ids = find_scaling_containers(cd, big)
        if len(ids) < 2:
            raise RuntimeError(f"scaling folders not found by Browse (found {sorted(ids)})")
        rounds = {"small": [], "big": []}
        for _ in range(reps):
            for name, n in (("small", 50), ("big", big)):
                rounds[name].append(run_wrk_random(cd, ids[name], n, conns, duration))
        for name, runs in rounds.items():
            for k in ("p50", "p99", "rps"):
                vals = [x[k] for x in runs if x.get(k) is not None]
                r[f"{name}_{k}"] = statistics.median(vals) if vals else None
            r[f"{name}_bad"] = sum(x.get("bad", 0) for x in runs)
            r[f"{name}_timeouts"] = sum(x.get("timeouts", 0) for x in runs)
            r[f"{name}_responses"] = sum(x.get("responses", 0) for x in runs)
        if r.get("small_p99") and r.get("big_p99") is not None:
            r["p99_ratio"] = r["big_p99"] / r["small_p99"]
    except Exception as e:  # keep the figures measured before the step that failed
        log(f"  {srv.name} failed: {e}")
        r["error"] = f"{type(e).__name__}: {e}"
    finally:
        srv.stop()
    return r


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
# (key, label, format, better: "low"/"high"/None, aggregate: "median"/"first"/"sum")
ROWS = [
    ("wall", "Index: time to full index (s)", "{:.2f}", "low", "median"),
    ("files_per_s", "Index: files/s", "{:.0f}", "high", "median"),
    ("cpu", "Index: server CPU time (s)", "{:.2f}", "low", "median"),
    ("cpu_ms_per_file", "Index: server CPU per file (ms)", "{:.3f}", "low", "median"),
    ("rss_kib", "Index: peak memory, VmHWM after the scan (MiB)", "mib", "low", "median"),
    ("rss_now_kib", "Index: resident after the scan, smaps_rollup Rss (MiB)", "mib", "low", "median"),
    ("db_bytes", "Index: database on disk (MiB)", "mib_b", "low", "median"),
    ("ssdp_cold_s", "Start on an empty DB -> first SSDP answer (s)", "{:.3f}", "low", "median"),
    ("ssdp_s", "Restart on the built DB -> first SSDP answer (s)", "{:.3f}", "low", "median"),
    ("ssdp_bound_s", "Restart on the built DB -> SSDP port 1900 bound (s)", "{:.3f}", "low", "median"),
    ("restart_wall", "Restart on the built DB: busy until idle (s)", "{:.2f}", "low", "median"),
    ("restart_cpu", "Restart on the built DB: CPU until idle (s)", "{:.2f}", "low", "median"),
    ("items_seen", "Browse walk: distinct items (by refID, else id)", "{:.0f}", None, "median"),
    ("walk_s", "Browse walk: full tree (s)", "{:.2f}", "low", "median"),
    ("browse_rps", "Browse 50: requests/s (c={conns})", "{:.0f}", "high", "median"),
    ("browse_p50", "Browse 50: p50 latency (ms)", "{:.2f}", "low", "median"),
    ("browse_p99", "Browse 50: p99 latency (ms)", "{:.2f}", "low", "median"),
    ("browse_cpu_us_per_req", "Browse 50: server CPU per request (µs)", "{:.0f}", "low", "median"),
    ("browse_body_bytes", "Browse 50: response body (bytes)", "{:.0f}", None, "median"),
    ("items_per_browse", "Browse 50: items returned", "{:.0f}", None, "median"),
    ("browse_bad", "Browse: bad responses (non-2xx or no DIDL item), all reps", "{:.0f}", None, "sum"),
    ("browse_socket_errors", "Browse: socket errors, all reps", "{:.0f}", None, "sum"),
    ("serve_hwm_kib", "Serving process peak memory VmHWM after load (MiB)", "mib", "low", "median"),
    ("stream_mibps", "Stream 1 GiB file (MiB/s)", "{:.0f}", "high", "median"),
    ("stream_cpu_per_gib", "Stream: server CPU per GiB (s)", "{:.3f}", "low", "median"),
]
SCALING_ROWS = [
    ("wall", "Index of the scaling corpus (s)", "{:.1f}", "low", "median"),
    ("small_p50", "Browse 50-item folder: p50 (ms)", "{:.2f}", "low", "median"),
    ("small_p99", "Browse 50-item folder: p99 (ms)", "{:.2f}", "low", "median"),
    ("small_rps", "Browse 50-item folder: requests/s (c={conns})", "{:.0f}", "high", "median"),
    ("big_p50", "Browse {big}-item folder, random StartingIndex: p50 (ms)", "{:.2f}", "low", "median"),
    ("big_p99", "Browse {big}-item folder, random StartingIndex: p99 (ms)", "{:.2f}", "low", "median"),
    ("big_rps", "Browse {big}-item folder: requests/s (c={conns})", "{:.0f}", "high", "median"),
    ("p99_ratio", "p99 {big}-item / 50-item (target <= 2)", "{:.2f}", "low", "median"),
    ("small_timeouts", "Requests timed out (5 s), 50-item folder", "{:.0f}", None, "sum"),
    ("big_timeouts", "Requests timed out (5 s), {big}-item folder", "{:.0f}", None, "sum"),
    ("small_bad", "Bad responses (not 50 items), 50-item folder", "{:.0f}", None, "sum"),
    ("big_bad", "Bad responses (not 50 items), {big}-item folder", "{:.0f}", None, "sum"),
]


def fmt(v, f):
    if v is None:
        return "n/a"
    if f == "mib":
        return f"{v / 1024:.1f}"
    if f == "mib_b":
        return f"{v / 2**20:.2f}"
    return f.format(v)


def aggregate(runs: list, key: str, how: str):
    vals = [r[key] for r in runs if r.get(key) is not None]
    if not vals:
        return None
    return sum(vals) if how == "sum" else statistics.median(vals)


def report(results: dict, names: list, meta: dict, rows: list) -> str:
    peers = [n for n in names if n != "Hearth"]
    has_h = "Hearth" in names
    head = ["Figure", "better"] + names + ([f"Hearth/{p}" for p in peers] if has_h else [])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, label, f, better, how in rows:
        vals = {n: aggregate(results[n], key, how) for n in names}
        if all(v is None for v in vals.values()):
            continue
        row = [label.format(**meta), {"low": "lower", "high": "higher"}.get(better, "")]
        row += [fmt(vals[n], f) for n in names]
        if has_h:
            for p in peers:
                h, q = vals["Hearth"], vals[p]
                row.append(f"{h / q:.2f}" if better and h is not None and q else "")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def versions(names: list, hearth: str) -> dict:
    out = {}
    cmds = {"Hearth": [hearth, "--version"], "MiniDLNA": ["minidlnad", "-V"], "Gerbera": ["gerbera", "--version"],
            "dms": ["dpkg-query", "-W", "-f", "${Version}", "anacrolix-dms"], "wrk": ["wrk", "-v"]}
    for n, cmd in cmds.items():
        if n not in names + ["wrk"]:
            continue
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=5)
            v = re.search(r"\d+\.\d+(\.\d+)?", p.stdout + p.stderr)
            out[n] = v.group(0) if v else "?"
        except Exception:
            pass
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--conns", type=int, default=8)
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--servers", default="hearth,minidlna,gerbera,dms")
    ap.add_argument("--hearth", default="")
    ap.add_argument("--hearth-arg", action="append", default=[])
    ap.add_argument("--no-stream", action="store_true")
    ap.add_argument("--scaling", type=int, default=0,
                    help="the corpus is a scaling corpus (Small/ with 50 files, Big/ with N): Browse scaling only")
    ap.add_argument("--index-timeout", type=float, default=600)
    ap.add_argument("--label", default="")
    ap.add_argument("--report", default="", help="also append the section to this file")
    a = ap.parse_args()

    # Safety: only ever run where the only links are loopback and our port-less bridge.
    with open("/proc/net/dev") as f:  # per network namespace (unlike /sys/class/net)
        links = {line.split(":")[0].strip() for line in f.readlines()[2:]}
    if not links <= {"lo", "hb0"}:
        sys.exit(f"refusing to run: network links {sorted(links)} (run me through run.sh)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    wanted = [s.strip().lower() for s in a.servers.split(",") if s.strip()]
    if "hearth" in wanted and not (a.hearth and os.access(a.hearth, os.X_OK)):
        log(f"Hearth binary not found ({a.hearth or 'no --hearth'}): skipping Hearth")
        wanted.remove("hearth")
    if "gerbera" in wanted and ("hb0" not in links or not shutil.which("gerbera")):
        log("gerbera not installed or no hb0 link: skipping Gerbera")
        wanted.remove("gerbera")
    for kind, exe in (("minidlna", "minidlnad"), ("dms", "dms")):
        if kind in wanted and not shutil.which(exe):
            log(f"{exe} not installed: skipping {kind}")
            wanted.remove(kind)
    order = {"hearth": 0, "minidlna": 1, "gerbera": 2, "dms": 3}
    wanted.sort(key=order.get)
    if a.scaling:
        subdirs = ["Small", "Big"]
        do_stream = False
    else:
        do_stream = not a.no_stream and os.path.isdir(os.path.join(a.corpus, "Stream"))
        subdirs = MEDIA_SUBDIRS if do_stream else [d for d in MEDIA_SUBDIRS if d != "Stream"]
    nfiles = count_files(a.corpus, subdirs)

    def make(kind, rundir):
        if kind == "hearth":
            return Hearth(a.corpus, rundir, subdirs, a.hearth, a.hearth_arg)
        return {"minidlna": MiniDLNA, "gerbera": Gerbera, "dms": Dms}[kind](a.corpus, rundir, subdirs)

    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="runs-", dir=a.out)
    results, notes, names = {}, {}, []
    load_before = loadavg()
    # The scaling corpus is indexed once per server; its repetitions are rounds of load on that index.
    for rep in range(1 if a.scaling else a.reps):
        for kind in wanted:
            rundir = os.path.join(work, f"{kind}-{rep}")
            os.makedirs(rundir)
            srv = make(kind, rundir)
            if srv.name not in names:
                names.append(srv.name)
            log(f"rep {rep + 1}/{a.reps}: {srv.name} (load {loadavg()})")
            try:
                if a.scaling:
                    r = scaling_run(srv, a.scaling, a.conns, a.duration, a.reps, a.index_timeout)
                else:
                    r = one_run(srv, nfiles, a.conns, a.duration, do_stream)
            except Exception as e:  # keep going with the other servers; say what broke
                log(f"  {srv.name} failed: {e}")
                r = {"error": str(e)}
                srv.stop()
            r["loadavg"] = loadavg()
            results.setdefault(srv.name, []).append(r)
            for n in srv.notes:
                kind_notes = notes.setdefault(srv.name, {})
                kind_notes[n.split(":")[0] if n.startswith("scan summary") else n] = n
            log("  " + ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                                 for k, v in r.items() if not isinstance(v, dict)))
    load_after = loadavg()

    meta = dict(conns=a.conns, big=f"{a.scaling:,}")
    table = report(results, names, meta, SCALING_ROWS if a.scaling else ROWS)
    vers = versions(names, a.hearth)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    if a.scaling:
        what = (f"Scaling corpus: a 50-file and a {a.scaling:,}-file folder of one small JPEG (hard links), indexed "
                f"once per server; {a.reps} rounds of wrk ({a.conns} connections, 2 threads, {a.duration} s) on each "
                f"folder, BrowseDirectChildren RequestedCount=50 at a random StartingIndex; median shown.")
    else:
        what = (f"Corpus: {nfiles} files ({a.corpus}); {a.reps} repetitions, median shown (bad responses and "
                f"socket errors: sum); Browse load: wrk, {a.conns} connections, 2 threads, {a.duration} s, "
                f"BrowseDirectChildren RequestedCount=50 on the flat Photos folder.")
    md = [f"## {a.label or 'Hearth side by side'}, {stamp}", "",
          what + f" Machine: {os.cpu_count()} CPUs shared by the servers, the load generator and whatever else runs "
          f"(load average before {load_before}, after {load_after}); everything on loopback in a private network "
          f"namespace; corpus in the page cache (warm). Ratios Hearth/peer are from this run.",
          "Versions: " + ", ".join(f"{k} {v}" for k, v in vers.items()) +
          (f" ({a.hearth})" if "Hearth" in names else ""), "", table, ""]
    for n in names:
        errs = [r["error"] for r in results[n] if "error" in r]
        conts = sorted({r["container"] for r in results[n] if "container" in r})
        kinds = sorted({f"{r[k + '_kind']}" for r in results[n] for k in ("ssdp_cold_s", "ssdp_s")
                        if r.get(k + "_kind")})
        md.append(f"- {n}: " + "; ".join(
            ([f"Browse container {', '.join(conts)}"] if conts else [])
            + ([f"first SSDP answer was to the {' / '.join(kinds)} M-SEARCH"] if kinds else [])
            + list(notes.get(n, {}).values()) + [f"ERROR: {e}" for e in errs]))
    md += ["", "<details><summary>Raw runs</summary>", "", "```json", json.dumps(results, indent=1, default=str),
           "```", "</details>", ""]
    path = os.path.join(a.out, f"results-{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}.md")
    with open(path, "w") as f:
        f.write("\n".join(md))
    if a.report:
        with open(a.report, "a") as f:
            f.write("\n".join(md) + "\n")
    print("\n".join(md[:md.index("<details><summary>Raw runs</summary>")]))
    print(f"written: {path}\nrun directories (logs, configs, DBs): {work}")


if __name__ == "__main__":
    main()
