#!/usr/bin/env python3
"""FactDesk's two commands, needing nothing but Python 3.11+:

    python3 desk.py run    create .venv, install, migrate, create accounts, import the samples,
                           then run the web app and a Celery worker (Ctrl-C stops both)
    python3 desk.py test   create .venv, install, run the whole test suite (extra args go to pytest)

Both read the same environment variables as the app (see README.md).
"""
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


def install():
    if sys.version_info < (3, 11):
        sys.exit("FactDesk needs Python 3.11 or newer.")
    if not PYTHON.exists():
        say("creating the virtual environment in .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".requirements-installed"
    requirements = ROOT / "requirements.txt"
    if not stamp.exists() or stamp.read_text() != requirements.read_text():
        say("installing requirements (pinned, hash-checked)")
        sh(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        sh(PYTHON, "-m", "pip", "install", "--quiet", "--require-hashes", "-r", requirements)
        stamp.write_text(requirements.read_text())


def manage(*args):
    sh(PYTHON, "manage.py", *args)


def run():
    install()
    manage("migrate", "--noinput")
    manage("setup_desk")
    if SAMPLES.exists():
        say(f"importing the sample articles from {SAMPLES.parent}")
        manage("import_articles", "--manifest", SAMPLES)
    else:
        say("../shared/samples is not beside this checkout: starting with an empty desk")
    port = os.environ.get("PORT", "8000")
    env = dict(os.environ)
    processes = [
        subprocess.Popen([PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"], cwd=ROOT, env=env),
        subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "factdesk", "worker", "--beat", "--loglevel", "INFO",
             "--queues", "default,fetch,extract,match", "--concurrency", os.environ.get("WORKER_CONCURRENCY", "2")],
            cwd=ROOT, env=env,
        ),
    ]
    say(f"FactDesk is running: open http://127.0.0.1:{port}/ (accounts: var/credentials.txt). Ctrl-C stops it.")
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        say("a process stopped; shutting down")
    except KeyboardInterrupt:
        say("stopping")
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


def ensure_chromium():
    """The browser tests drive Debian's Chromium; install it when we may (root with apt)."""
    if CHROMIUM.exists() or os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    say("installing Debian's chromium for the browser tests")
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def test(extra):
    install()
    ensure_chromium()
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
