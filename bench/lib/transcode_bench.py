#!/usr/bin/env python3
"""Hearth's conversions against the ffmpeg CLI doing the same work on the same file in the same run.

Run by bench/transcode.sh inside a private network namespace (netns.sh); see bench/README.md. Measures,
per repetition (median of --reps):
  full    1080p HEVC + DTS 5.1 MKV for a Samsung TV → H.264 High@4.1 1920×1080 + AC-3 5.1 448k in MPEG-TS:
          wall time of a whole GET to /dev/null vs the ffmpeg CLI with the same settings
  remux   1080p H.264 + AAC MKV for the Generic profile (no User-Agent) → MPEG-TS, vs `ffmpeg -c copy`
  TTFB    curl %{time_starttransfer} of the full conversion, from the start and after a TimeSeekRange
  CPU     the server's utime+stime (/proc/PID/stat) per converted/remuxed minute, vs ffmpeg's rusage
"""

import argparse
import datetime
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

SAMSUNG_UA = "DLNADOC/1.50 SEC_HHP_[TV] UE65JU7000/1.0 UPnP/1.0"
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu(pid):
    """utime+stime of a process in seconds."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def probe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-of", "json", "-show_entries",
                          "format=duration:stream=codec_type,codec_name,profile,level,width,height,channels,"
                          "bit_rate,pix_fmt", path], capture_output=True, text=True, check=True, timeout=60).stdout
    return json.loads(out)


def curl_get(url, agent, out="/dev/null", headers=(), timeout=600):
    """One GET; returns (seconds to first byte, total seconds, bytes, http code)."""
    argv = ["curl", "-sS", "--max-time", str(timeout), "-o", out, "-w",
            "%{time_starttransfer} %{time_total} %{size_download} %{http_code}"]
    argv += ["-A", agent] if agent else ["-H", "User-Agent:"]
    for h in headers:
        argv += ["-H", h]
    proc = subprocess.run(argv + [url], capture_output=True, text=True, timeout=timeout + 30, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"curl {url} exited {proc.returncode}: {proc.stderr.strip()}")
    ttfb, total, size, code = proc.stdout.split()
    return float(ttfb), float(total), int(size), int(code)


def first_media_byte(port, path, headers, timeout=30):
    """Seconds from sending a GET to the first byte of the body (curl's time_starttransfer stops at the
    first byte of the head, which Hearth sends before the conversion has made anything). Then leaves."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        request = "".join(f"{h}\r\n" for h in [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", *headers])
        start = time.monotonic()
        sock.sendall((request + "\r\n").encode())
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                raise RuntimeError(f"{path}: the connection closed before the body")
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep and body:
                if not head.startswith(b"HTTP/1.1 200"):
                    raise RuntimeError(f"{path}: {head[:40]!r}")
                return time.monotonic() - start


def timed_ffmpeg(args, timeout=900):
    """Runs the ffmpeg CLI; returns (wall seconds, CPU seconds of ffmpeg). With the output `pipe:1` the
    stream is read here and thrown away (a pipe costs the writer about what Hearth's socket costs it)."""
    start = time.monotonic()
    piped = args[-1] == "pipe:1"
    proc = subprocess.Popen(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
                            stdout=subprocess.PIPE if piped else None)
    if piped:
        while proc.stdout.read(1 << 16):
            if time.monotonic() - start > timeout:
                proc.kill()
        proc.stdout.close()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg {' '.join(args)} exited {proc.returncode}")
    return time.monotonic() - start, usage.ru_utime + usage.ru_stime


def wait_http(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def wait_quiet(pid, quiet=1.0, timeout=60):
    """Until the server's CPU time stops moving for `quiet` s (e.g. the scan is over)."""
    deadline = time.monotonic() + timeout
    last, since = proc_cpu(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = proc_cpu(pid)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def object_id(db, name):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return con.execute("SELECT id FROM objects WHERE path LIKE ?", (f"%/{name}",)).fetchone()[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hearth", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--results", required=True)
    args = ap.parse_args()
    with open("/proc/self/net/dev") as fh:  # this network namespace's links (sysfs may show the host's)
        links = [line.split(":")[0].strip() for line in fh.readlines()[2:]]
    for link in links:
        if link not in ("lo", "hlo0"):
            sys.exit(f"transcode_bench: refusing to run with network link {link!r}: use bench/transcode.sh")
    os.makedirs(args.work, exist_ok=True)  # transcode.sh made it, with the copied binary in it
    hevc = os.path.join(args.corpus, "hevc1080_dts51.mkv")
    h264 = os.path.join(args.corpus, "h264_1080_aac.mkv")
    dur_full = float(probe(hevc)["format"]["duration"])
    dur_remux = float(probe(h264)["format"]["duration"])

    port = free_port()
    db = os.path.join(args.work, "hearth.db")
    log = open(os.path.join(args.work, "hearth.log"), "w")
    server = subprocess.Popen([args.hearth, "--media", args.corpus, "--db", db, "--interface", "lo", "--port",
                               str(port), "--log-level", "info", "--max-transcodes", "2"],
                              stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    rows = {k: [] for k in ("full_hearth", "full_ffmpeg", "full_hearth_cpu", "full_ffmpeg_cpu", "ttfb",
                            "ttfb_seek", "ttfb_body", "ttfb_body_seek", "remux_hearth", "remux_ffmpeg",
                            "remux_hearth_cpu", "remux_ffmpeg_cpu", "remux_pipe_ffmpeg",
                            "remux_pipe_ffmpeg_cpu")}
    notes = []
    try:
        if not wait_http(base + "/description.xml"):
            sys.exit("transcode_bench: Hearth did not start (see hearth.log)")
        deadline = time.monotonic() + 60
        while True:
            try:
                full_url = f"{base}/media/{object_id(db, os.path.basename(hevc))}/play.ts"
                remux_url = f"{base}/media/{object_id(db, os.path.basename(h264))}/play.ts"
                break
            except (TypeError, sqlite3.Error):
                if time.monotonic() > deadline:
                    sys.exit("transcode_bench: the corpus was not indexed in 60 s")
                time.sleep(0.5)
        wait_quiet(server.pid)

        # What Hearth makes (the last 6 s only): the ffmpeg CLI below is given the same settings.
        sample = os.path.join(args.work, "hearth_full_sample.ts")
        curl_get(full_url, SAMSUNG_UA, sample, [f"TimeSeekRange.dlna.org: npt={dur_full - 6:.0f}-"])
        info = probe(sample)
        streams = {s["codec_type"]: s for s in info["streams"]}
        v, a = streams["video"], streams["audio"]
        notes.append(f"Hearth's full conversion: {v['codec_name']} {v.get('profile')} level {v.get('level')} "
                     f"{v['width']}x{v['height']} {v.get('pix_fmt')}, {a['codec_name']} {a.get('channels')} ch "
                     f"{int(a.get('bit_rate', 0)) // 1000} kb/s")
        achan = str(a.get("channels", 2))
        abr = f"{int(a.get('bit_rate', 192000)) // 1000}k"
        remux_sample = os.path.join(args.work, "hearth_remux_sample.ts")
        curl_get(remux_url, None, remux_sample, [f"TimeSeekRange.dlna.org: npt={dur_remux - 6:.0f}-"])
        rs = {s["codec_type"]: s["codec_name"] for s in probe(remux_sample)["streams"]}
        notes.append(f"Hearth's Generic-profile conversion of the H.264/AAC MKV: {rs} (log: "
                     + ("remux" if "(remux)" in open(log.name).read() else "NOT a remux") + ")")
        ffmpeg_full = ["-i", hevc, "-map", "0:v:0", "-map", "0:a:0", "-c:v", "libx264", "-preset", "veryfast",
                       "-crf", "22", "-profile:v", "high", "-level", "4.1", "-maxrate", "10M", "-bufsize", "20M",
                       "-s", "1920x1080", "-pix_fmt", "yuv420p", "-g", "50", "-c:a", a["codec_name"], "-b:a", abr,
                       "-ac", achan, "-f", "mpegts", "/dev/null"]
        ffmpeg_remux = ["-i", h264, "-map", "0:v:0", "-map", "0:a:0", "-c", "copy", "-f", "mpegts", "/dev/null"]
        ffmpeg_remux_pipe = ffmpeg_remux[:-1] + ["pipe:1"]
        notes.append("ffmpeg CLI (full): ffmpeg " + " ".join(ffmpeg_full))
        notes.append("ffmpeg CLI (remux): ffmpeg " + " ".join(ffmpeg_remux))

        notes.append(f"load average before the repetitions: {open('/proc/loadavg').read().split()[:3]}")
        for rep in range(args.reps):
            print(f"repetition {rep + 1}/{args.reps}", flush=True)
            wait_quiet(server.pid, 0.5, 10)
            cpu0 = proc_cpu(server.pid)
            ttfb, total, size, code = curl_get(full_url, SAMSUNG_UA)
            rows["full_hearth_cpu"].append(proc_cpu(server.pid) - cpu0)
            if code != 200 or size == 0:
                raise RuntimeError(f"full conversion answered {code} with {size} bytes")
            rows["full_hearth"].append(total)
            rows["ttfb"].append(ttfb)
            print(f"  hearth full   {total:7.2f} s  ttfb {ttfb:.3f} s  {size} bytes", flush=True)
            wall, cpu = timed_ffmpeg(ffmpeg_full)
            rows["full_ffmpeg"].append(wall)
            rows["full_ffmpeg_cpu"].append(cpu)
            print(f"  ffmpeg full   {wall:7.2f} s", flush=True)
            wait_quiet(server.pid, 0.5, 10)
            ttfb_seek, _t, _s, _c = curl_get(full_url, SAMSUNG_UA, headers=[
                f"TimeSeekRange.dlna.org: npt={dur_full / 2:.0f}-"], timeout=600)
            rows["ttfb_seek"].append(ttfb_seek)
            path = urllib.parse.urlsplit(full_url).path
            for key, extra in (("ttfb_body", []),
                               ("ttfb_body_seek", [f"TimeSeekRange.dlna.org: npt={dur_full / 2:.0f}-"])):
                wait_quiet(server.pid, 0.5, 10)
                rows[key].append(first_media_byte(port, path, [f"User-Agent: {SAMSUNG_UA}", *extra]))
            print(f"  first media byte {rows['ttfb_body'][-1]:.3f} s, after a seek "
                  f"{rows['ttfb_body_seek'][-1]:.3f} s", flush=True)
            wait_quiet(server.pid, 0.5, 10)
            cpu0 = proc_cpu(server.pid)
            _ttfb, total, size, code = curl_get(remux_url, None)
            rows["remux_hearth_cpu"].append(proc_cpu(server.pid) - cpu0)
            if code != 200 or size == 0:
                raise RuntimeError(f"remux answered {code} with {size} bytes")
            rows["remux_hearth"].append(total)
            print(f"  hearth remux  {total:7.2f} s  {size} bytes", flush=True)
            wall, cpu = timed_ffmpeg(ffmpeg_remux)
            rows["remux_ffmpeg"].append(wall)
            rows["remux_ffmpeg_cpu"].append(cpu)
            print(f"  ffmpeg remux  {wall:7.2f} s", flush=True)
            wall, cpu = timed_ffmpeg(ffmpeg_remux_pipe)
            rows["remux_pipe_ffmpeg"].append(wall)
            rows["remux_pipe_ffmpeg_cpu"].append(cpu)
            print(f"  ffmpeg remux to a pipe {wall:7.2f} s", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    notes.append(f"load average after: {open('/proc/loadavg').read().split()[:3]}")
    med = {k: statistics.median(v) for k, v in rows.items()}
    paired = {w: statistics.median(h / f for h, f in zip(rows[f"{w}_hearth"], rows[f"{w}_ffmpeg"]))
              for w in ("full", "remux")}
    notes.append(f"median of the per-repetition wall-time ratios Hearth/ffmpeg: full {paired['full']:.3f}, "
                 f"remux {paired['remux']:.3f}")
    per_min_full, per_min_remux = dur_full / 60, dur_remux / 60
    table = [
        "| figure | Hearth | ffmpeg CLI | Hearth / ffmpeg |",
        "|---|---|---|---|",
        f"| full 1080p HEVC → H.264 1080p: wall time ({dur_full:.0f} s of media) | {med['full_hearth']:.2f} s "
        f"| {med['full_ffmpeg']:.2f} s | {med['full_hearth'] / med['full_ffmpeg']:.3f} |",
        f"| full: real-time factor (media s / wall s) | {dur_full / med['full_hearth']:.2f}× "
        f"| {dur_full / med['full_ffmpeg']:.2f}× | {med['full_ffmpeg'] / med['full_hearth']:.3f} |",
        f"| full: CPU s per converted minute | {med['full_hearth_cpu'] / per_min_full:.1f} "
        f"| {med['full_ffmpeg_cpu'] / per_min_full:.1f} | {med['full_hearth_cpu'] / med['full_ffmpeg_cpu']:.3f} |",
        f"| remux H.264/AAC MKV → TS: wall time ({dur_remux:.0f} s of media) | {med['remux_hearth']:.3f} s "
        f"| {med['remux_ffmpeg']:.3f} s | {med['remux_hearth'] / med['remux_ffmpeg']:.3f} |",
        f"| remux: real-time factor | {dur_remux / med['remux_hearth']:.0f}× "
        f"| {dur_remux / med['remux_ffmpeg']:.0f}× | {med['remux_ffmpeg'] / med['remux_hearth']:.3f} |",
        f"| remux: CPU s per remuxed minute | {med['remux_hearth_cpu'] / per_min_remux:.3f} "
        f"| {med['remux_ffmpeg_cpu'] / per_min_remux:.3f} "
        f"| {med['remux_hearth_cpu'] / max(med['remux_ffmpeg_cpu'], 1e-9):.3f} |",
        f"| remux, ffmpeg to a pipe read by the driver: wall time | {med['remux_hearth']:.3f} s "
        f"| {med['remux_pipe_ffmpeg']:.3f} s | {med['remux_hearth'] / med['remux_pipe_ffmpeg']:.3f} |",
        f"| remux, ffmpeg to a pipe: CPU s per remuxed minute | {med['remux_hearth_cpu'] / per_min_remux:.3f} "
        f"| {med['remux_pipe_ffmpeg_cpu'] / per_min_remux:.3f} "
        f"| {med['remux_hearth_cpu'] / max(med['remux_pipe_ffmpeg_cpu'], 1e-9):.3f} |",
        f"| time to first byte (curl time_starttransfer: the head), full conversion | {med['ttfb']:.3f} s | | |",
        f"| same, after TimeSeekRange npt={dur_full / 2:.0f}- | {med['ttfb_seek']:.3f} s | | |",
        f"| time to first media byte (body), full conversion (target < 1 s) | {med['ttfb_body']:.3f} s | | |",
        f"| same, after TimeSeekRange npt={dur_full / 2:.0f}- | {med['ttfb_body_seek']:.3f} s | | |",
    ]
    text = "\n".join(table)
    print()
    print(text)
    print()
    for n in notes:
        print("- " + n)
    raw = json.dumps(rows, indent=1)
    with open(args.results, "w") as fh:
        fh.write(f"# Hearth conversions vs the ffmpeg CLI — {datetime.datetime.now():%Y-%m-%d %H:%M}\n\n"
                 f"Median of {args.reps} runs; {os.cpu_count()} CPUs.\n\n{text}\n\n"
                 + "".join(f"- {n}\n" for n in notes) + f"\nRaw runs:\n\n```json\n{raw}\n```\n")
    print(f"\nwritten to {args.results}")


if __name__ == "__main__":
    main()
