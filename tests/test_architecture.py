"""Architecture rules: one layout for every service, pure domains, service layers that raise
errors rather than HTTP problems, services that never import each other."""

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


# Every service has exactly these top-level entries (docs/architecture.md, "Layout of a service").
LAYOUT_FILES = {"__init__.py", "app.py", "settings.py", "context.py"}
LAYOUT_PACKAGES = {"domain", "service_layer", "adapters", "entrypoints", "migrations"}
FRAMEWORKS = ("flask", "flask_smorest", "sqlalchemy", "marshmallow", "rq", "redis", "webargs",
              "werkzeug", "alembic", "httpx", "requests", "psycopg")
# What a domain module may use of shared/: plain data and pure functions.
PURE_SHARED = ("shared.methodology", "shared.canonical", "shared.time", "shared.ids",
               "shared.errors", "shared.identity", "shared.lots")


def _entries(folder: Path) -> tuple[set[str], set[str]]:
    files = {p.name for p in folder.iterdir() if p.is_file() and p.suffix == ".py"}
    packages = {p.name for p in folder.iterdir() if p.is_dir() and p.name != "__pycache__"}
    return files, packages


def test_every_service_has_the_same_layout():
    for service in SERVICES:
        files, packages = _entries(ROOT / "services" / service)
        assert (service, files) == (service, LAYOUT_FILES)
        assert (service, packages) == (service, LAYOUT_PACKAGES)
        entry_files, entry_packages = _entries(ROOT / "services" / service / "entrypoints")
        assert "api" in entry_packages, service
        assert (ROOT / "services" / service / "entrypoints" / "api" / "schemas").is_dir(), service
        assert (ROOT / "services" / service / "migrations" / "env.py").is_file(), service
        app = (ROOT / "services" / service / "app.py").read_text()
        assert "def create_app(config: dict[str, Any] | None = None) -> Flask:" in app, service


def test_services_with_a_queue_keep_their_jobs_in_entrypoints():
    from shared.queue import QUEUES

    for service in QUEUES:
        assert (ROOT / "services" / service / "entrypoints" / "jobs.py").is_file(), service


def test_domain_packages_are_pure():
    offences = []
    for path in (ROOT / "services").glob("*/domain/**/*.py"):
        service = path.relative_to(ROOT / "services").parts[0]
        offences += [f"{path.relative_to(ROOT)} imports {name}" for name in _imports(path)
                     if _impure_for_domain(name, service)]
    assert offences == []


def _impure_for_domain(name: str, service: str) -> bool:
    top = name.split(".")[0]
    if top == "shared":
        return name != "shared" and not name.startswith(PURE_SHARED)
    if top == "services":
        return not name.startswith(f"services.{service}.domain")
    return top in FRAMEWORKS


def test_service_layers_raise_errors_not_http_problems():
    offences = []
    for layer in ("service_layer", "adapters", "domain"):
        for path in (ROOT / "services").glob(f"*/{layer}/**/*.py"):
            for name in _imports(path):
                if name.split(".")[0] in ("flask", "flask_smorest", "werkzeug") or \
                        name in ("shared.problems", "shared.web") or ".entrypoints" in name:
                    offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []


def test_the_layout_test_sees_a_stray_module(tmp_path):
    """The rule above must be able to fail: a service with an extra module does not match."""
    (tmp_path / "domain").mkdir()
    for name in LAYOUT_FILES | {"tables.py"}:
        (tmp_path / name).write_text("")
    files, _ = _entries(tmp_path)
    assert files != LAYOUT_FILES


def test_import_linter_contracts_hold():
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_unit_tests_mirror_the_layout():
    """tests/unit/<service>/<folders>/ exist as packages of that service (and tests/unit/shared/
    as packages of shared/), so a test is found where its module lives."""
    strays = []
    for service in (*SERVICES, "shared"):
        code = ROOT / "shared" if service == "shared" else ROOT / "services" / service
        tests = ROOT / "tests" / "unit" / service
        for folder in (p for p in tests.rglob("*") if p.is_dir() and p.name != "__pycache__"):
            if not (code / folder.relative_to(tests)).is_dir():
                strays.append(str(folder.relative_to(ROOT)))
    assert strays == []
