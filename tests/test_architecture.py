"""Architecture rules: services never import each other; shared imports no service."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("gateway", "commissioning", "scoring")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _strings(path: Path) -> set[str]:
    """Dynamic imports too: import_module("services.x") counts (job names, being data, don't)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(
                node.func, "id", None)) in ("import_module", "__import__") and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
            elif isinstance(arg, ast.JoinedStr):
                found.add("".join(v.value for v in arg.values if isinstance(v, ast.Constant)))
    return found


def test_services_do_not_import_each_other():
    offences = []
    for service in SERVICES:
        for path in (ROOT / "services" / service).rglob("*.py"):
            for name in _imports(path):
                other = name.split(".")[1] if name.startswith("services.") else None
                if other and other != service and other in SERVICES:
                    offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []


def test_shared_imports_no_service():
    offences = []
    for path in (ROOT / "shared").rglob("*.py"):
        for name in _imports(path) | _strings(path):
            if name == "services" or name.startswith("services."):
                offences.append(f"{path.relative_to(ROOT)} uses {name}")
    assert offences == []


def test_domain_packages_are_pure():
    banned = ("flask", "flask_smorest", "sqlalchemy", "marshmallow", "rq", "redis", "webargs")
    offences = []
    for path in (ROOT / "services").glob("*/domain/**/*.py"):
        for name in _imports(path):
            if name.split(".")[0] in banned:
                offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []


def test_import_linter_contracts_hold():
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
