"""Named checks that print PASS/FAIL/SKIP and a closing 'N passed, M failed' line."""

import sys
import traceback


class CheckFailed(Exception):
    """Raised by a check body (through expect()) to fail with a readable reason."""


def expect(condition, message):
    """Fail the running check with `message` unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)


class CheckRunner:
    """Runs check functions, records their outcome and prints a summary.

    A check is any callable; it passes when it returns, fails when it raises.
    Checks listed in `skip` (name -> reason) are not run at all.
    """

    def __init__(self, skip=None):
        self.skip = dict(skip or {})
        self.passed = []
        self.failed = []
        self.skipped = []

    def run(self, name, func, *args, **kwargs):
        """Run one check; return True when it passed (False when it failed or was skipped)."""
        if name in self.skip:
            self.skipped.append(name)
            self._print(f"SKIP {name}: {self.skip[name]}")
            return False
        try:
            func(*args, **kwargs)
        except CheckFailed as exc:
            self._fail(name, str(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - any error fails the check, not the run
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self._fail(name, f"unexpected error: {detail}")
            traceback.print_exc(file=sys.stdout)
            return False
        self.passed.append(name)
        self._print(f"PASS {name}")
        return True

    def fail(self, name, reason):
        """Record a failure that happened outside a check body (e.g. setup)."""
        self._fail(name, reason)

    def _fail(self, name, reason):
        self.failed.append(name)
        self._print(f"FAIL {name}: {reason}")

    @staticmethod
    def _print(line):
        print(line, flush=True)

    def summary(self):
        """Print the closing lines; return the process exit code."""
        if self.failed:
            self._print("failed checks: " + ", ".join(self.failed))
        if self.skipped:
            self._print(f"{len(self.skipped)} skipped")
        self._print(f"{len(self.passed)} passed, {len(self.failed)} failed")
        return 1 if self.failed else 0
