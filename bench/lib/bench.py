#!/usr/bin/env python3
"""Side-by-side benchmark driver. run.sh starts it inside a private network namespace.

For each repetition and each server, one after another, on the same corpus:
  1. index the corpus from an empty database: wall time, files/s, server CPU time, peak RSS, DB size
  2. walk the whole tree by Browse (sanity: how many distinct items a client can see; finds the
     benchmark container, i.e. the flat "Photos" folder, and the big stream file)
  3. wrk: SOAP Browse (BrowseDirectChildren, RequestedCount=50) with N connections for D seconds
  4. curl: stream the big file to /dev/null
Timing figures are reported as the median over the repetitions.
"""
import argparse
import datetime
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


class Hearth(Server):
    name = "Hearth"
    port = 8300

    def __init__(self, corpus, rundir, subdirs, binary, extra):
        super().__init__(corpus, rundir, subdirs)
        self.binary, self.extra = binary, extra
        self.db = os.path.join(rundir, "hearth.db")
        self.desc_url = f"http://127.0.0.1:{self.port}/description.xml"

    def argv(self):
        a = [self.binary, "--db", self.db, "--interface", "lo", "--port", str(self.port), "--name", "bench-hearth"]
        for m in self.media:
            a += ["--media", m]
        return a + self.extra

    def index(self):
        # 1. --scan-only: the process exits when the index is complete; rusage gives CPU and peak RSS.
        t0 = time.monotonic()
        p = self.spawn(self.argv() + ["--scan-only"], "hearth-scan.log")
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        with open(os.path.join(self.rundir, "hearth-scan.log"), errors="replace") as f:
            out = f.read().strip().splitlines()
        if p.returncode != 0:
            raise RuntimeError(f"hearth --scan-only exited {p.returncode}: {out[-5:]}")
        self.notes.append("scan summary (last rep): " + (out[-1] if out else "(none)"))
        res = dict(wall=wall, cpu=ru.ru_utime + ru.ru_stime, rss_kib=ru.ru_maxrss,
                   db_bytes=path_bytes(self.db, self.db + "-wal", self.db + "-shm"))
        # 2. serve from the same database; it rescans an unchanged tree at start: wait for quiet
        t1 = time.monotonic()
        self.proc = self.spawn(self.argv(), "hearth-serve.log")
        if not upnp.wait_http(self.desc_url, 30):
            raise RuntimeError("hearth: description.xml not reachable")
        last, cpu, _ = wait_idle(self.pid, t1, quiet=1.5, timeout=300)
        res["restart_settle"] = last - t1
        return res


class MiniDLNA(Server):
    name = "MiniDLNA"
    port = 8200

    def __init__(self, corpus, rundir, subdirs):
        super().__init__(corpus, rundir, subdirs)
        self.dbdir = os.path.join(rundir, "db")
        self.desc_url = f"http://127.0.0.1:{self.port}/rootDesc.xml"

    def index(self):
        os.makedirs(self.dbdir, exist_ok=True)
        kinds = {"Music": "A", "Video": "V", "Photos": "P", "Stream": "V"}
        conf = os.path.join(self.rundir, "minidlna.conf")
        with open(conf, "w") as f:
            for m in self.media:
                f.write(f"media_dir={kinds.get(os.path.basename(m), '')},{m}\n".replace("=,", "="))
            f.write(f"db_dir={self.dbdir}\nlog_dir={self.rundir}\nport={self.port}\nnetwork_interface=lo\n"
                    "friendly_name=bench-minidlna\ninotify=no\nnotify_interval=900\n"
                    "log_level=general,artwork,database,inotify,metadata,http,ssdp,tivo=warn,scanner=info\n")
        t0 = time.monotonic()
        # -S: stay in the foreground (systemd mode). The database directory is new, so it scans.
        self.proc = self.spawn(["minidlnad", "-S", "-f", conf, "-P", os.path.join(self.rundir, "pid")],
                               "minidlna.out")
        # MiniDLNA forks a scanner process; the scan is over when it exits. Watch it with a pidfd
        # and sample its VmHWM (it is gone once it has exited). It also forks short-lived children
        # (system("rm -rf …") when it creates a new database): a child counts as the scanner only if
        # the scanner's last log line ("Finished parsing playlists.") is there when it exits.
        log_path = os.path.join(self.rundir, "minidlna.log")
        seen, child_hwm, wall = set(), 0, None
        while wall is None:
            if time.monotonic() - t0 > 600:
                raise RuntimeError("minidlnad: scan not finished after 600s")
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
            hwm = 0
            while not select.select([fd], [], [], 0.02)[0]:
                hwm = max(hwm, proc_status_kib(child, "VmHWM"))
                if time.monotonic() - t0 > 600:
                    raise RuntimeError("minidlnad: scan still running after 600s")
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
        cpu = proc_cpu(self.pid)
        if not upnp.wait_http(self.desc_url, 10):
            raise RuntimeError("minidlna: rootDesc.xml not reachable")
        return dict(wall=wall, cpu=cpu, rss_kib=max(child_hwm, proc_status_kib(self.pid, "VmHWM")),
                    db_bytes=path_bytes(self.dbdir))


class Gerbera(Server):
    """Gerbera 1.1 (libupnp 1.8): libupnp refuses loopback interfaces, so run.sh gives the namespace a
    port-less bridge 'hb0' holding 127.0.0.5/32 (nothing can leave: the bridge has no ports and the
    namespace has no other link). Gerbera has no scan-end signal: we wait for its CPU to go quiet."""
    name = "Gerbera"
    port = 49200

    def __init__(self, corpus, rundir, subdirs):
        super().__init__(corpus, rundir, subdirs)
        self.home = os.path.join(rundir, "home")
        self.desc_url = f"http://127.0.0.5:{self.port}/description.xml"

    def index(self):
        os.makedirs(self.home, exist_ok=True)
        argv = ["gerbera", "-m", self.home, "-f", "cfg", "-e", "hb0", "-p", str(self.port),
                "-l", os.path.join(self.rundir, "gerbera.log")]
        for m in self.media:
            argv += ["-a", m]
        t0 = time.monotonic()
        self.proc = self.spawn(argv, "gerbera.out")
        if not upnp.wait_http(self.desc_url, 30):
            raise RuntimeError("gerbera: description.xml not reachable")
        last, cpu, hwm = wait_idle(self.pid, t0, quiet=2.0, timeout=600)
        cfg = os.path.join(self.home, "cfg")
        return dict(wall=last - t0, cpu=cpu, rss_kib=hwm,
                    db_bytes=path_bytes(*[os.path.join(cfg, f) for f in os.listdir(cfg) if ".db" in f]))


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
        r["files_per_s"] = nfiles / r["wall"]
        cd = upnp.content_directory(srv.desc_url)
        t = time.monotonic()
        w = upnp.walk(cd)
        r["walk_s"] = time.monotonic() - t
        r["items_seen"], r["containers_seen"] = w.unique_items, len(w.containers)
        if w.truncated:
            srv.notes.append(f"Browse walk truncated after {w.requests} requests")
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
                runs = [stream(url) for _ in range(3)]
                ok = [x["mibps"] for x in runs if x["mibps"]]
                r["stream_mibps"] = statistics.median(ok) if ok else None
                r["stream_code"] = runs[-1]["code"]
            else:
                srv.notes.append("big stream item not found by Browse")
        r["serve_hwm_kib"] = proc_status_kib(srv.pid, "VmHWM")
    finally:
        srv.stop()
    return r


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
# (key, label, format, better: "low"/"high"/None, aggregate: "median"/"first"/"sum")
ROWS = [
    ("wall", "Index: wall time (s)", "{:.2f}", "low", "median"),
    ("files_per_s", "Index: files/s", "{:.0f}", "high", "median"),
    ("cpu", "Index: server CPU time (s)", "{:.2f}", "low", "median"),
    ("rss_kib", "Index: peak RSS (MiB)", "mib", "low", "median"),
    ("db_bytes", "Index: database on disk (MiB)", "mib_b", "low", "median"),
    ("restart_settle", "Restart on the unchanged library: busy for (s)", "{:.2f}", "low", "median"),
    ("items_seen", "Browse walk: distinct items (by refID, else id)", "{:.0f}", None, "median"),
    ("browse_rps", "Browse 50: requests/s (c={conns})", "{:.0f}", "high", "median"),
    ("browse_p50", "Browse 50: p50 latency (ms)", "{:.2f}", "low", "median"),
    ("browse_p99", "Browse 50: p99 latency (ms)", "{:.2f}", "low", "median"),
    ("browse_cpu_us_per_req", "Browse 50: server CPU per request (µs)", "{:.0f}", "low", "median"),
    ("browse_body_bytes", "Browse 50: response body (bytes)", "{:.0f}", None, "median"),
    ("items_per_browse", "Browse 50: items returned", "{:.0f}", None, "median"),
    ("browse_bad", "Browse: bad responses (non-2xx or no DIDL item), all reps", "{:.0f}", None, "sum"),
    ("browse_socket_errors", "Browse: socket errors, all reps", "{:.0f}", None, "sum"),
    ("serve_hwm_kib", "Serving process peak RSS after load (MiB)", "mib", "low", "median"),
    ("stream_mibps", "Stream 1 GiB file (MiB/s)", "{:.0f}", "high", "median"),
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


def report(results: dict, names: list, meta: dict) -> str:
    peers = [n for n in names if n != "Hearth"]
    has_h = "Hearth" in names
    head = ["Figure", "better"] + names + ([f"Hearth/{p}" for p in peers] if has_h else [])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, label, f, better, how in ROWS:
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--conns", type=int, default=8)
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--servers", default="hearth,minidlna,gerbera")
    ap.add_argument("--hearth", default="")
    ap.add_argument("--hearth-arg", action="append", default=[])
    ap.add_argument("--no-stream", action="store_true")
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
    if "minidlna" in wanted and not shutil.which("minidlnad"):
        log("minidlnad not installed: skipping MiniDLNA")
        wanted.remove("minidlna")
    order = {"hearth": 0, "minidlna": 1, "gerbera": 2}
    wanted.sort(key=order.get)
    do_stream = not a.no_stream and os.path.isdir(os.path.join(a.corpus, "Stream"))
    subdirs = MEDIA_SUBDIRS if do_stream else [d for d in MEDIA_SUBDIRS if d != "Stream"]
    nfiles = count_files(a.corpus, subdirs)

    def make(kind, rundir):
        if kind == "hearth":
            return Hearth(a.corpus, rundir, subdirs, a.hearth, a.hearth_arg)
        return {"minidlna": MiniDLNA, "gerbera": Gerbera}[kind](a.corpus, rundir, subdirs)

    os.makedirs(a.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="runs-", dir=a.out)
    results, notes, names = {}, {}, []
    for rep in range(a.reps):
        for kind in wanted:
            rundir = os.path.join(work, f"{kind}-{rep}")
            os.makedirs(rundir)
            srv = make(kind, rundir)
            if srv.name not in names:
                names.append(srv.name)
            log(f"rep {rep + 1}/{a.reps}: {srv.name}")
            try:
                r = one_run(srv, nfiles, a.conns, a.duration, do_stream)
            except Exception as e:  # keep going with the other servers; say what broke
                log(f"  {srv.name} failed: {e}")
                r = {"error": str(e)}
            results.setdefault(srv.name, []).append(r)
            for n in srv.notes:
                kind_notes = notes.setdefault(srv.name, {})
                kind_notes[n.split(":")[0] if n.startswith("scan summary") else n] = n
            log("  " + ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                                 for k, v in r.items() if not isinstance(v, dict)))

    meta = dict(conns=a.conns)
    table = report(results, names, meta)
    versions = {}
    if "Hearth" in names:
        try:
            p = subprocess.run([a.hearth, "--version"], capture_output=True, text=True, timeout=5)
            versions["Hearth"] = (p.stdout + p.stderr).strip().splitlines()[0].removeprefix("hearth ")
        except Exception:
            pass
    for n, cmd in (("MiniDLNA", ["minidlnad", "-V"]), ("Gerbera", ["gerbera", "--version"]),
                   ("wrk", ["wrk", "-v"])):
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=5)
            v = re.search(r"\d+\.\d+(\.\d+)?", p.stdout + p.stderr)
            versions[n] = v.group(0) if v else "?"
        except Exception:
            pass
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    md = [f"# Hearth side-by-side benchmark, {stamp}", "",
          f"Corpus: {nfiles} files ({a.corpus}); {a.reps} repetitions, median shown (bad responses and socket "
          f"errors: sum); Browse load: wrk, {a.conns} connections, 2 threads, {a.duration} s, "
          f"BrowseDirectChildren RequestedCount=50 on the flat Photos folder. Machine: {os.cpu_count()} CPUs, "
          f"server and load generator share them; everything on loopback in a private network namespace; "
          f"corpus in the page cache (warm).",
          "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) +
          (f" ({a.hearth})" if "Hearth" in names else ""), "", table, ""]
    for n in names:
        errs = [r["error"] for r in results[n] if "error" in r]
        conts = sorted({r["container"] for r in results[n] if "container" in r})
        md.append(f"- {n}: Browse container {', '.join(conts) or 'n/a'}"
                  + "".join(f"; {x}" for x in notes.get(n, {}).values()) + "".join(f"; ERROR: {e}" for e in errs))
    md += ["", "Raw runs:", "", "```json", json.dumps(results, indent=1, default=str), "```", ""]
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, f"results-{datetime.datetime.now().strftime('%Y%m%d-%H%M%S')}.md")
    with open(path, "w") as f:
        f.write("\n".join(md))
    print(table)
    print()
    for line in md:
        if line.startswith("- "):
            print(line)
    print(f"\nwritten: {path}\nrun directories (logs, configs, DBs): {work}")


if __name__ == "__main__":
    main()
