"""desk.py, the README's two commands: `run` stops its web app and worker however it is stopped.

These tests start the real `python3 desk.py run` (the shared .venv, a temporary data folder with
SQLite and the filesystem broker, a free port), wait until it serves, signal it and look at the
process table.
"""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 240  # migrate a new SQLite file, create accounts, import the samples, start both
SHUTDOWN_SECONDS = 60


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def parent_of(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces; the fields after it are fixed.
    fields = stat[stat.rindex(")") + 2 :].split()
    return None if fields[0] == "Z" else int(fields[1])


def alive(pid):
    return parent_of(pid) is not None


def descendants(root_pid):
    """Every live process below root_pid (children, their pool processes, ...)."""
    children_of = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = parent_of(int(entry.name))
            if parent is not None:
                children_of.setdefault(parent, []).append(int(entry.name))
    found, frontier = [], [root_pid]
    while frontier:
        kids = children_of.get(frontier.pop(), [])
        found.extend(kids)
        frontier.extend(kids)
    return found


def command_line(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def serves(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the web app is up
    except OSError:
        return False


@pytest.fixture
def running_desk(tmp_path):
    """`python3 desk.py run` serving on a free port; yields (process, port); cleans up after itself."""
    port = free_port()
    # The desk under test gets its own SQLite file and filesystem broker, never the test run's
    # PostgreSQL or Redis (its worker would take other tests' tasks).
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_", "CELERY_", "FACTDESK_", "DJANGO_")) and name != "PORT"
    }
    env.update(FACTDESK_DATA_DIR=str(tmp_path / "data"), PORT=str(port), WORKER_CONCURRENCY="1")
    log = (tmp_path / "desk.log").open("w")
    desk = subprocess.Popen([sys.executable, "desk.py", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    started = []
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not (serves(port) and any("celery" in command_line(pid) for pid in descendants(desk.pid))):
            assert desk.poll() is None, f"desk.py run exited early:\n{(tmp_path / 'desk.log').read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"desk.py run did not serve:\n{(tmp_path / 'desk.log').read_text()[-3000:]}"
            time.sleep(1)
        started = descendants(desk.pid)
        yield desk, port, started
    finally:
        # Whatever the test did, leave nothing of this desk running.
        for pid in [desk.pid, *started, *descendants(desk.pid)]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        desk.wait(timeout=10)
        log.close()


def wait_until_gone(pids, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.5)
    return {pid: command_line(pid) for pid in pids if alive(pid)}


@pytest.mark.parametrize(
    "stop_signal", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=["kill (SIGTERM)", "SIGHUP", "Ctrl-C (SIGINT)"]
)
def test_signal_stops_web_app_and_worker(running_desk, stop_signal):
    desk, port, started = running_desk
    commands = [command_line(pid) for pid in started]
    assert any("runserver" in command for command in commands) and any("celery" in command for command in commands)

    desk.send_signal(stop_signal)

    exit_code = desk.wait(timeout=SHUTDOWN_SECONDS)
    assert wait_until_gone(started, timeout=5) == {}, "desk.py exited but left these running"
    assert not serves(port)
    assert exit_code == 0
