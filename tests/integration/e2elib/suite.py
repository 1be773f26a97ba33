"""The main() of every suite that netns.sh runs with --hearth and --workdir."""
import argparse
import os
import shutil
import signal
import subprocess
import sys

from . import servers
from .checks import CheckRunner


def _stop(signum, _frame):
    raise SystemExit(f"stopped by signal {signum}")


def run(checks, options=None, skip=None, hearth_required=True, description=None):
    """Refuses to run outside the private namespace (exit 2); otherwise starts from an empty --workdir, calls
    checks(args, runner, workdir), reports an error escaping it (a SIGTERM or Ctrl-C too) as a failed "harness"
    check, stops every server it started, and returns the runner's exit status after the closing line.

    options(parser): adds the suite's own command-line options. skip(args): {check name: reason} for checks
    the runner must not run. hearth_required=False: --hearth is optional (e2e against MiniDLNA).
    --hearth and --workdir reach checks() as absolute paths."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--hearth", required=hearth_required, help="path to the hearth binary")
    parser.add_argument("--workdir", required=True, help="scratch folder (emptied first)")
    if options:
        options(parser)
    args = parser.parse_args()
    if subprocess.run(["ip", "link", "show", "hlo0"], capture_output=True, check=False).returncode != 0:
        print("refusing to run: no hlo0 interface; run me through netns.sh", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _stop)  # so that the cleanup and the closing line below run
    if args.hearth:
        args.hearth = os.path.abspath(args.hearth)
    workdir = args.workdir = os.path.abspath(args.workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    runner = CheckRunner(skip=skip(args) if skip else None)
    try:
        checks(args, runner, workdir)
    except (Exception, SystemExit, KeyboardInterrupt) as exc:  # noqa: BLE001 - report it
        runner.fail("harness", f"{type(exc).__name__}: {exc}")
    finally:
        servers.cleanup_all()
    return runner.summary()
