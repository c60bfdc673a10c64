#!/usr/bin/env python3
"""FactDesk's two commands, needing nothing but Python 3.11+:

    python3 desk.py run    create .venv, install requirements.txt, migrate, create accounts, import the
                           samples, then run the web app and a Celery worker (Ctrl-C, kill or SIGHUP
                           stops both)
    python3 desk.py test   create .venv, install requirements.txt and requirements-dev.txt, run the
                           whole test suite (extra args go to pytest)

Both read the same environment variables as the app (see README.md).
"""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
SAMPLES = ROOT.parent / "shared" / "samples" / "manifest.json"
CHROMIUM = Path("/usr/bin/chromium")


def say(message):
    print(f"\033[1m[desk]\033[0m {message}", flush=True)


def sh(*args, **kwargs):
    return subprocess.run([str(a) for a in args], cwd=ROOT, check=True, **kwargs)


REQUIREMENTS = ROOT / "requirements.txt"  # what the desk needs to run
DEV_REQUIREMENTS = ROOT / "requirements-dev.txt"  # tests and tools, constrained by the above
NODEPS_REQUIREMENTS = ROOT / "requirements-nodeps.txt"  # the encoder's weights: installed without dependencies
STAMP = VENV / ".desk-installed.json"  # requirement file name -> sha256 of what was installed


def file_digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def install(*requirement_files):
    """Install the given pinned, hash-checked files into .venv, unless the stamp says they already are."""
    if sys.version_info < (3, 11):
        sys.exit("FactDesk needs Python 3.11 or newer.")
    if not PYTHON.exists():
        say("creating the virtual environment in .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    try:
        installed = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        installed = {}
    wanted = {path.name: file_digest(path) for path in (*requirement_files, NODEPS_REQUIREMENTS)}
    if all(installed.get(name) == digest for name, digest in wanted.items()):
        return
    say(f"installing {' and '.join(wanted)} (pinned, hash-checked)")
    sh(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    file_args = [arg for path in requirement_files for arg in ("-r", path)]
    sh(PYTHON, "-m", "pip", "install", "--quiet", "--require-hashes", *file_args)
    sh(PYTHON, "-m", "pip", "install", "--quiet", "--no-deps", "--require-hashes", "-r", NODEPS_REQUIREMENTS)
    STAMP.write_text(json.dumps({**installed, **wanted}, indent=1, sort_keys=True))


def manage(*args):
    sh(PYTHON, "manage.py", *args)


class StopRequested(Exception):
    """SIGTERM or SIGHUP arrived: stop like Ctrl-C does."""


def stop_on(signum, frame):
    raise StopRequested(signal.Signals(signum).name)


def stop(processes, *, grace_seconds=20):
    """Ask each process to stop (SIGTERM), wait, then kill whatever is left of its process group."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            say(f"process {process.pid} did not stop within {grace_seconds} s; killing it")
        # Celery's pool and beat processes share the worker's group; none may outlive it.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def run():
    # kill, a closed terminal and Ctrl-C all stop the desk the same way, children included.
    signal.signal(signal.SIGTERM, stop_on)
    signal.signal(signal.SIGHUP, stop_on)
    try:
        return serve()
    except (KeyboardInterrupt, StopRequested) as reason:
        say(f"stopped ({reason or 'Ctrl-C'})")
        return 0


def serve():
    install(REQUIREMENTS)
    manage("migrate", "--noinput")
    manage("setup_desk")
    if SAMPLES.exists():
        say(f"importing the sample articles from {SAMPLES.parent}")
        manage("import_articles", "--manifest", SAMPLES)
    else:
        say("../shared/samples is not beside this checkout: starting with an empty desk")
    port = os.environ.get("PORT", "8000")
    env = dict(os.environ)
    # Each child leads its own process group, so stop() can sweep up the worker's pool
    # processes, and signals reach the children only through desk.py.
    commands = [
        [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        [PYTHON, "-m", "celery", "-A", "factdesk", "worker", "--beat", "--loglevel", "INFO",
         "--queues", "default,fetch,extract,match", "--concurrency", os.environ.get("WORKER_CONCURRENCY", "2")],
    ]
    processes = []
    try:
        for command in commands:
            processes.append(subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True))
        say(f"FactDesk is running: open http://127.0.0.1:{port}/ (accounts: var/credentials.txt). "
            "Ctrl-C or kill stops it.")
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        say("a process stopped; shutting down")
        return 1
    finally:
        # A second signal must not cut the shutdown short and orphan a child.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        stop(processes)


def ensure_chromium():
    """The browser tests drive Debian's Chromium; install it when we may (root with apt)."""
    if CHROMIUM.exists() or os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    say("installing Debian's chromium for the browser tests")
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def ensure_pgvector():
    """Tests on a local PostgreSQL need pgvector; build it when we may (root with apt): .ci/install_pgvector."""
    url = os.environ.get("DATABASE_URL", "")
    local = any(host in url for host in ("@127.0.0.1", "@localhost", "@/"))
    if not url.startswith(("postgres://", "postgresql://")) or not local or os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    subprocess.run([ROOT / ".ci" / "install_pgvector"], check=False)


def test(extra):
    install(REQUIREMENTS, DEV_REQUIREMENTS)
    ensure_chromium()
    ensure_pgvector()
    env = dict(os.environ)
    # Tests keep their broker folder and SQLite file apart from the running desk's.
    env.setdefault("FACTDESK_DATA_DIR", str(ROOT / "var" / "test"))
    return subprocess.run([PYTHON, "-m", "pytest", *extra], cwd=ROOT, env=env).returncode


def main(argv):
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    os.chdir(ROOT)
    return run() if argv[0] == "run" else test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
