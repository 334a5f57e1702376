"""OS command injection (IPA 2): no request path starts a shell or a program.

The only code that starts programs is developer and operations tooling (the embedded database, the
runner, load tests, drills), which no request reaches; a payload in any field changes nothing.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.security.conftest import citizen_client

ROOT = Path(__file__).resolve().parents[2]
REQUEST_PACKAGES = ["kernel", "tenants", "booking", "lgwan_access", "telephony_adapter", "billing", "config"]
ALLOWED = {"devtools/localdb.py", "devtools/devrun.py"}  # developer tooling, run from the command line only
SHELL_CALLS = {("os", "system"), ("os", "popen"), ("subprocess", "run"), ("subprocess", "Popen"),
               ("subprocess", "call"), ("subprocess", "check_call"), ("subprocess", "check_output"),
               ("os", "execv"), ("os", "execvp"), ("os", "spawnv")}


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name):
            yield node.func.value.id, node.func.attr


def test_no_module_that_serves_requests_starts_a_program():
    offenders = []
    for package in REQUEST_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative in ALLOWED or "/migrations/" in relative or "/management/" in relative:
                continue
            found = SHELL_CALLS & set(_calls(ast.parse(path.read_text(encoding="utf-8"))))
            if found:
                offenders.append((relative, sorted(found)))
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("payload", ["; touch /tmp/madoguchi-pwned", "$(touch /tmp/madoguchi-pwned)",
                                     "`touch /tmp/madoguchi-pwned`", "| touch /tmp/madoguchi-pwned"])
def test_shell_payloads_in_fields_do_nothing(notice, payload):
    target = Path("/tmp/madoguchi-pwned")
    target.unlink(missing_ok=True)
    response = citizen_client().post("/login/", {"notice_number": payload, "birth_day": payload})
    assert response.status_code == 200
    assert not target.exists()
