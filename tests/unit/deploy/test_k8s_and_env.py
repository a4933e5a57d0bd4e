"""deploy/k8s manifests and the COPROCURE_* names every deployment file uses."""

from __future__ import annotations

import pytest
import yaml

from shared.queue import QUEUES
from tests.unit.deploy import deployfiles as d

HTTP_PORTS = {"gateway": 8000, "commissioning": 8001, "scoring": 8002}
CLUSTER_SCOPED = {"Namespace"}


def test_every_manifest_parses_and_names_itself():
    docs = d.k8s_documents()
    assert len(docs) > 15
    for filename, doc in docs:
        if doc["kind"] == "Kustomization":
            continue
        assert doc["apiVersion"] and doc["kind"], filename
        assert doc["metadata"]["name"], filename
        if doc["kind"] not in CLUSTER_SCOPED:
            assert doc["metadata"]["namespace"] == "coprocure", (filename, doc["kind"])
    names = [(doc["kind"], doc["metadata"]["name"]) for _, doc in docs if "metadata" in doc]
    assert len(names) == len(set(names)), "duplicate kind/name"


def test_deployments_run_our_image_non_root_with_resources():
    for name, dep in d.k8s_kind("Deployment").items():
        spec = dep["spec"]
        assert spec["selector"]["matchLabels"].items() <= \
            spec["template"]["metadata"]["labels"].items(), name
        assert spec["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
        for c in d.containers(dep):
            assert c["image"].split(":")[0] == d.IMAGE, name
            assert c.get("command") or c.get("args"), name
            assert c["resources"]["requests"] and c["resources"]["limits"], name
            assert c["securityContext"]["allowPrivilegeEscalation"] is False


@pytest.mark.parametrize("service", sorted(HTTP_PORTS))
def test_http_services_are_probed_replicated_and_served(service):
    dep = d.k8s_kind("Deployment")[service]
    assert dep["spec"]["replicas"] >= 2
    (c,) = d.containers(dep)
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports == {"http": HTTP_PORTS[service]}
    env = {e["name"]: e for e in c["env"]}
    assert env["PORT"]["value"] == str(HTTP_PORTS[service])
    assert env[f"COPROCURE_{service.upper()}_DATABASE_URL"]["valueFrom"]["secretKeyRef"]["key"] \
        == service
    svc = d.k8s_kind("Service")[service]
    assert svc["spec"]["type"] == "ClusterIP"
    assert svc["spec"]["selector"] == dep["spec"]["selector"]["matchLabels"]
    assert svc["spec"]["ports"][0]["port"] == HTTP_PORTS[service]


def test_gateway_upstreams_are_the_cluster_services():
    data = d.k8s_kind("ConfigMap")["coprocure-config"]["data"]
    assert data["COPROCURE_ENV"] == "production"
    for service in ("commissioning", "scoring"):
        assert data[f"COPROCURE_{service.upper()}_URL"] == \
            f"http://{service}.coprocure.svc.cluster.local:{HTTP_PORTS[service]}"
    assert all(isinstance(v, str) for v in data.values())  # ConfigMap values must be strings


def test_a_worker_deployment_per_queue_one_scheduler_and_relays():
    deps = d.k8s_kind("Deployment")
    for queue in QUEUES:
        (c,) = d.containers(deps[f"worker-{queue}"])
        assert c["command"] == ["coprocure", "worker", queue]
        grace = deps[f"worker-{queue}"]["spec"]["template"]["spec"]
        assert grace["terminationGracePeriodSeconds"] > 600  # rq's job timeout
    assert deps["scheduler"]["spec"]["replicas"] == 1
    assert deps["scheduler"]["spec"]["strategy"]["type"] == "Recreate"
    for service in QUEUES:  # each queue's owner relays its outbox
        (c,) = d.containers(deps[f"relay-{service}"])
        assert c["command"] == ["coprocure", "relay", service]


def test_migration_job_upgrades_as_the_owner_roles():
    job = d.k8s_kind("Job")["coprocure-migrate"]
    (c,) = d.containers(job)
    assert c["command"] == ["coprocure", "db", "upgrade"]
    keys = {e["name"]: e["valueFrom"]["secretKeyRef"]["key"] for e in c["env"]}
    assert keys == {f"COPROCURE_{s.upper()}_DATABASE_URL": f"migrate-{s}" for s in HTTP_PORTS}


def test_secret_template_holds_only_placeholders():
    secrets = d.k8s_kind("Secret")
    assert set(secrets) == {"coprocure-secrets", "coprocure-databases"}
    for secret in secrets.values():
        for key, value in secret["stringData"].items():
            assert "PLACEHOLDER" in value, key
    text = (d.K8S / "secret.example.yaml").read_text()
    assert "TEMPLATE" in text


def test_config_and_secret_references_resolve():
    configmaps, secrets = d.k8s_kind("ConfigMap"), d.k8s_kind("Secret")
    for _, doc in d.k8s_documents():
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        for c in d.containers(doc):
            for source in c.get("envFrom", []):
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in configmaps
                if "secretRef" in source:
                    assert source["secretRef"]["name"] in secrets
            for e in c.get("env", []):
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in secrets[ref["name"]]["stringData"], ref


def test_ingress_routes_to_the_gateway_and_kustomization_lists_real_files():
    (ingress,) = d.k8s_kind("Ingress").values()
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "gateway"
    assert d.k8s_kind("HorizontalPodAutoscaler")["gateway"]["spec"]["minReplicas"] >= 2
    kustomization = yaml.safe_load((d.K8S / "kustomization.yaml").read_text())
    for resource in kustomization["resources"]:
        assert (d.K8S / resource).is_file(), resource
    # Secrets come from a secret manager; the Job is run on purpose before each rollout.
    assert "secret.example.yaml" not in kustomization["resources"]
    assert "migrate-job.yaml" not in kustomization["resources"]


def test_every_coprocure_variable_in_the_deployment_is_read_by_the_code():
    known = d.known_env_names()
    assert {"COPROCURE_REDIS_URL", "COPROCURE_ASSERTION_KEY",
            "COPROCURE_SCORING_DATABASE_URL", "COPROCURE_SCORING_URL"} <= known
    used = {}
    for path, text in d.deploy_texts().items():
        for name in d.ENV_NAME.findall(text):
            used.setdefault(name, path)
    assert len(used) > 10
    unknown = {name: path for name, path in used.items() if name not in known}
    assert not unknown, f"COPROCURE_* names no code reads: {unknown}"


def test_the_env_name_check_reads_the_code_itself():
    from_code = set()
    for package in ("shared", "services"):
        for path in (d.ROOT / package).rglob("*.py"):
            from_code |= d.names_read_by(path)
    # env(f"{service.upper()}_DATABASE_URL") and env("JANITOR_SECONDS") are found in the code
    assert {"COPROCURE_GATEWAY_DATABASE_URL", "COPROCURE_SCORING_URL",
            "COPROCURE_JANITOR_SECONDS", "COPROCURE_ASSERTION_KEY"} <= from_code
    assert "COPROCURE_REDIS_URI" not in d.known_env_names()


def test_every_secret_the_code_needs_is_in_the_templates_and_the_docs():
    """A production gateway built from the templates must start: every secret() name is in
    secrets.env.example, the Kubernetes Secret template and docs/deploy.md's table."""
    import ast

    needed = set()
    for package in ("shared", "services"):
        for path in (d.ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and node.args and \
                        getattr(node.func, "id", None) == "secret" and \
                        isinstance(node.args[0], ast.Constant):
                    needed.add("COPROCURE_" + node.args[0].value)
    assert {"COPROCURE_PORTAL_SECRET", "COPROCURE_MASTER_KEY"} <= needed
    env_example = (d.ROOT / "deploy" / "secrets.env.example").read_text()
    k8s = d.k8s_kind("Secret")["coprocure-secrets"]["stringData"]
    deploy_doc = (d.ROOT / "docs" / "deploy.md").read_text()
    for name in sorted(needed):
        assert f"\n{name}=" in env_example, name
        assert name in k8s, name
        assert f"| `{name}` |" in deploy_doc, name
