"""The main() of a suite that netns.sh runs with --hearth and --workdir (live_test, restart_test)."""
import argparse
import os
import shutil
import signal
import subprocess
import sys

from . import servers
from .checks import CheckRunner


def run(checks):
    """Refuses to run outside the private namespace (exit 2); otherwise starts from an empty --workdir, calls
    checks(args, runner, workdir), reports an error escaping it as a failed "harness" check, stops every
    server it started, and returns the runner's exit status."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--hearth", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    if subprocess.run(["ip", "link", "show", "hlo0"], capture_output=True, check=False).returncode != 0:
        print("refusing to run: no hlo0 interface; run me through netns.sh", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that the cleanup below runs
    workdir = os.path.abspath(args.workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    runner = CheckRunner()
    try:
        checks(args, runner, workdir)
    except Exception as exc:  # noqa: BLE001 - report it
        runner.fail("harness", f"{type(exc).__name__}: {exc}")
    finally:
        servers.cleanup_all()
    return runner.summary()
