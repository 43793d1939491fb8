#!/usr/bin/env python3
"""README's quick start, in README's order, on a fresh clone.

Clones the source tree's HEAD into a temporary directory and runs there

    sh .ci/bootstrap run
    sh .ci/bootstrap test

then checks that `test` ran tests of the normal suite: a `run` that left
its build settings (tests off) where `test` reads them made ctest find no
test, and the script still exited 0.  To stay short, `test` runs with
RDPNEG_BOOTSTRAP_ONLY (the unit tests only, no sanitizer or fuzz build;
.ci/bootstrap documents it); the suite it lists must still be the whole
one.  Packages are never installed here (RDPNEG_BOOTSTRAP_NO_INSTALL): a
machine that lacks some skips the test.

Exits 0 when the contract holds, 1 when it does not, 77 (skipped) when the
source is not a git checkout or packages are missing.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SKIP = 77
ONLY = "^unit_"
# Tests that only a build with the tests on lists, one per kind.
MUST_LIST = ("unit_decode", "e2e_cli", "e2e_golden", "hostile_captures",
             "setup_contract")
PASSED_RE = re.compile(r"(\d+)% tests passed, (\d+) tests? failed out of "
                       r"(\d+)")


def git(*args, cwd=None):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True,
                          text=True, check=True).stdout.strip()


def bootstrap(clone, command, env):
    """Run one of README's commands; its status and output."""
    proc = subprocess.run(["sh", ".ci/bootstrap", command], cwd=clone,
                          env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False)
    print(f"sh .ci/bootstrap {command}: exit {proc.returncode}")
    return proc.returncode, proc.stdout


def check(clone, env):
    status, out = bootstrap(clone, "run", env)
    if status == 69:
        return SKIP, out
    if status != 0 or "bootstrap: rdpneg exited" not in out:
        return 1, f"`run` failed:\n{out[-2000:]}"
    status, out = bootstrap(clone, "test", env)
    if status != 0:
        return 1, f"`test` failed:\n{out[-3000:]}"
    # ctest's own lines for the normal build (not the sanitizer builds').
    normal = [part for part in re.split(r"^Test project ", out, flags=re.M)
              if part.startswith(f"{clone / 'build'}\n")]
    ran = PASSED_RE.findall(normal[0]) if normal else []
    if not ran or int(ran[0][2]) == 0:
        return 1, f"`test` ran no test in build/:\n{out[-2000:]}"
    listed = subprocess.run(["ctest", "--test-dir", "build", "-N"],
                            cwd=clone, capture_output=True, text=True,
                            check=False).stdout
    missing = [t for t in MUST_LIST
               if not re.search(rf"Test +#\d+: {t}$", listed, re.M)]
    if missing:
        return 1, f"the suite `test` configured lacks {missing}:\n{listed}"
    total = len(re.findall(r"^ *Test +#\d+: ", listed, re.M))
    return 0, f"`test` ran {ran[0][2]} tests of the {total} it configured"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", type=Path, help="the source tree")
    args = ap.parse_args()
    if shutil.which("git") is None or not (args.source / ".git").exists():
        print(f"{args.source} is not a git checkout: skipped")
        return SKIP
    head = git("rev-parse", "HEAD", cwd=args.source)
    env = dict(os.environ, RDPNEG_BOOTSTRAP_NO_INSTALL="1",
               RDPNEG_BOOTSTRAP_ONLY=ONLY)
    with tempfile.TemporaryDirectory(prefix="rdpneg-setup-") as tmp:
        clone = Path(tmp) / "rdpneg"
        # The commit checked out in the source tree, also a worktree's or
        # a detached one (a clone checks out the default branch).
        git("clone", "--quiet", "--no-checkout", str(args.source),
            str(clone))
        git("fetch", "--quiet", str(args.source), head, cwd=clone)
        git("checkout", "--quiet", "--detach", head, cwd=clone)
        print(f"commit {head[:12]} cloned into {clone}")
        status, message = check(clone, env)
    print(message if status != SKIP else f"packages missing: skipped\n"
          f"{message.strip()}")
    return status


if __name__ == "__main__":
    sys.exit(main())
