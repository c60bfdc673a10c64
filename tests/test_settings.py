"""Settings come from the environment and a malformed value stops the start with its name."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def start_django(tmp_path, **env):
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update(FACTDESK_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "variable,value",
    [
        ("DEBUG", "maybe"),
        ("FACTDESK_FETCH_TIMEOUT", "ten"),
        ("FACTDESK_MAX_UPLOAD_BYTES", "-5"),
        ("DATABASE_URL", "nosuchdb://what"),
        ("SECRET_KEY", "short"),
        ("EMAIL_PORT", "smtp"),
    ],
)
def test_malformed_value_fails_at_start_naming_the_variable(tmp_path, variable, value):
    extra = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"} if variable.startswith("EMAIL_") else {}
    result = start_django(tmp_path, **{variable: value}, **extra)
    assert result.returncode != 0
    assert variable in result.stderr


def test_defaults_start_on_a_fresh_machine(tmp_path):
    result = start_django(tmp_path)
    assert result.returncode == 0, result.stderr
    # A local secret key is generated beside the data, never committed.
    assert (tmp_path / "secret_key").exists()


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        "SECRET_KEY": "x" * 20 + "production-secret-value-from-env-123456",
        "SECURE_SSL": "true",
        "ALLOWED_HOSTS": "desk.example.org",
    }
    environment = {**os.environ, "FACTDESK_DATA_DIR": str(tmp_path), **env}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mail_is_configured_from_the_environment(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update(
        FACTDESK_DATA_DIR=str(tmp_path), EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="mail.example.org", EMAIL_PORT="587", EMAIL_USE_TLS="true", DEFAULT_FROM_EMAIL="desk@example.org",
    )
    read = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, s.is_overridden('EMAIL_BACKEND'))")
    result = subprocess.run([sys.executable, "-c", read], cwd=ROOT, env={**environment, "DJANGO_SETTINGS_MODULE": "factdesk.settings"},
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend", "mail.example.org", "587", "True", "desk@example.org", "True",
    ], result.stderr


def test_numpy_runs_one_thread_per_process_unless_the_operator_says_otherwise(tmp_path):
    read = ("import factdesk, numpy; from threadpoolctl import threadpool_info; "
            "print(sorted({pool['num_threads'] for pool in threadpool_info()}))")
    environment = {key: value for key, value in os.environ.items() if not key.endswith("_NUM_THREADS")}
    one = subprocess.run([sys.executable, "-c", read], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert one.stdout.strip() == "[1]", one.stderr
    chosen = subprocess.run([sys.executable, "-c", read], cwd=ROOT, env={**environment, "OPENBLAS_NUM_THREADS": "2"},
                            capture_output=True, text=True, timeout=120)
    assert chosen.stdout.strip() == "[2]", chosen.stderr
