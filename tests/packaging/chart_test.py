#!/usr/bin/env python3
"""The Helm chart (charts/hearth), with the tools a machine without a cluster has.

  chart_test.py lint    yamllint on Chart.yaml and values.yaml (skipped without yamllint)
  chart_test.py render  helm lint --strict and helm template with several value sets; the
                        manifests must be what the chart promises (locked-down security
                        context, gRPC probes, state volume, Secret keys, dashboard), and
                        the agent config file each renders must start the real agent
                        (skipped without helm or python3-yaml)
Options: --source-dir DIR --work-dir DIR [--agent BIN]. Exit 77: skipped (a tool missing).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_run import SKIP, Agent  # noqa: E402

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"  # content is not parsed here


def lint(a):
    yamllint = shutil.which("yamllint")
    if not yamllint:
        print("SKIPPED: yamllint not installed (apt-get install yamllint; tools/bootstrap.sh does)")
        return SKIP
    chart = os.path.join(a.source_dir, "charts/hearth")
    config = os.path.join(a.source_dir, "tests/packaging/yamllint.yaml")
    r = subprocess.run([yamllint, "--strict", "-c", config,
                        os.path.join(chart, "Chart.yaml"), os.path.join(chart, "values.yaml")],
                       capture_output=True, text=True)
    assert r.returncode == 0, f"yamllint:\n{r.stdout}{r.stderr}"
    print("chart: yamllint --strict Chart.yaml values.yaml: ok")
    return 0


class Render:
    def __init__(self, helm, chart, work_dir):
        self.helm, self.chart, self.work_dir = helm, chart, work_dir

    def values_file(self, name, values):
        path = os.path.join(self.work_dir, f"{name}.values.json")  # JSON is YAML
        with open(path, "w") as f:
            json.dump(values, f)
        return path

    def run(self, name, values):
        """helm lint --strict and helm template; the manifests by kind/name."""
        import yaml
        vf = self.values_file(name, values)
        r = subprocess.run([self.helm, "lint", "--strict", self.chart, "-f", vf], capture_output=True,
                           text=True)
        assert r.returncode == 0, f"[{name}] helm lint --strict:\n{r.stdout}{r.stderr}"
        r = subprocess.run([self.helm, "template", "rel", self.chart, "--namespace", "ns", "-f", vf],
                           capture_output=True, text=True)
        assert r.returncode == 0, f"[{name}] helm template:\n{r.stdout}{r.stderr}"
        with open(os.path.join(self.work_dir, f"{name}.yaml"), "w") as f:
            f.write(r.stdout)
        docs = [d for d in yaml.safe_load_all(r.stdout) if d]
        return {(d["kind"], d["metadata"]["name"]): d for d in docs}

    def fails(self, name, values, message):
        vf = self.values_file(name, values)
        r = subprocess.run([self.helm, "template", "rel", self.chart, "-f", vf], capture_output=True,
                           text=True)
        assert r.returncode != 0 and message in r.stderr, \
            f"[{name}] helm template should fail with {message!r}; exit {r.returncode}:\n{r.stderr}"


def daemonset_of(m):
    return m[("DaemonSet", "rel-hearth")]["spec"]["template"]["spec"]


def check_locked_down(name, pod):
    c = pod["containers"][0]["securityContext"]
    assert c["runAsNonRoot"] is True and c["readOnlyRootFilesystem"] is True, f"[{name}] {c}"
    assert c["allowPrivilegeEscalation"] is False, f"[{name}] {c}"
    assert c["capabilities"] == {"drop": ["ALL"]}, f"[{name}] {c}"
    assert c["seccompProfile"] == {"type": "RuntimeDefault"}, f"[{name}] {c}"
    p = pod["securityContext"]
    assert p["runAsNonRoot"] is True and p["runAsUser"] == 10001, f"[{name}] {p}"
    assert p["seccompProfile"] == {"type": "RuntimeDefault"}, f"[{name}] {p}"
    assert pod["automountServiceAccountToken"] is False, f"[{name}] token mounted"
    mounts = {v["mountPath"]: v["name"] for v in pod["containers"][0]["volumeMounts"]}
    assert mounts.get("/var/lib/hearth") == "state" and mounts.get("/tmp") == "tmp", f"[{name}] {mounts}"


def check_probes(name, pod, expected):
    c = pod["containers"][0]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        got = {k: v for k, v in c[probe].items() if k in ("grpc", "tcpSocket")}
        assert got == expected, f"[{name}] {probe}: {got} != {expected}"


def agent_config(m):
    return m[("ConfigMap", "rel-hearth")]["data"]["agent.toml"]


def start_agent_with(a, name, config_text):
    """The rendered config file must be one the agent accepts: ports and state dir are
    overridden on the command line (which CLI11 lets win over the file)."""
    path = os.path.join(a.work_dir, f"{name}.agent.toml")
    log = os.path.join(a.work_dir, f"{name}.agent.log")
    with open(path, "w") as f:
        f.write(config_text)
    args = ["--config", path, "--grpc-listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0",
            "--state-dir", os.path.join(a.work_dir, f"{name}.state")]
    agent = Agent(a.agent, args + ["--http-listen", "127.0.0.1:0"], log)
    code = agent.stop()
    assert code == 0, f"[{name}] agent with the rendered config exited {code}"


def render(a):
    helm = shutil.which("helm") or os.path.join(a.source_dir, "third_party/helm/helm")
    if not os.access(helm, os.X_OK):
        print("SKIPPED: helm not found (on PATH or third_party/helm); tools/bootstrap.sh unpacks it")
        return SKIP
    try:
        import yaml  # noqa: F401  (python3-yaml: yamllint depends on it)
    except ImportError:
        print("SKIPPED: python3-yaml not installed")
        return SKIP
    chart = os.path.join(a.source_dir, "charts/hearth")
    r = Render(helm, chart, a.work_dir)

    # 1. Defaults: emptyDir state, no Secret, gRPC probes on 7070, three Service ports.
    m = r.run("defaults", {})
    pod = daemonset_of(m)
    check_locked_down("defaults", pod)
    check_probes("defaults", pod, {"grpc": {"port": 7070}})
    assert "emptyDir" in next(v for v in pod["volumes"] if v["name"] == "state")
    assert not any(k == "Secret" for k, _ in m), "a Secret with nothing to hold"
    assert not any(k in ("ServiceMonitor",) for k, _ in m), "ServiceMonitor is off by default"
    ports = {p["name"]: p["port"] for p in m[("Service", "rel-hearth")]["spec"]["ports"]}
    assert ports == {"grpc": 7070, "http": 8080, "metrics": 9464}, ports
    config = agent_config(m)
    for line in ('grpc-listen = "0.0.0.0:7070"', 'metrics-listen = "0.0.0.0:9464"',
                 'http-listen = "0.0.0.0:8080"', 'state-dir = "/var/lib/hearth"', "workers = 2"):
        assert line in config, f"[defaults] agent.toml lacks {line!r}:\n{config}"
    if a.agent:
        start_agent_with(a, "defaults", config)

    # 2. Everything on, with the chart's own Secret.
    full = {"state": {"type": "hostPath"}, "auth": {"enabled": True, "token": "s3cret"},
            "tls": {"enabled": True, "cert": PEM, "key": PEM, "clientCA": PEM},
            "agent": {"workers": 4, "extraConfig": {"default-memory-mb": 64, "code-cache": False,
                                                    "isolate-page-protection": "strict"}},
            "serviceMonitor": {"enabled": True}, "dashboard": {"enabled": True}}
    m = r.run("full", full)
    pod = daemonset_of(m)
    check_locked_down("full", pod)
    check_probes("full", pod, {"tcpSocket": {"port": "grpc"}})  # kubelet's gRPC probes: no TLS
    assert next(v for v in pod["volumes"] if v["name"] == "state")["hostPath"]["path"] == "/var/lib/hearth"
    init = pod["initContainers"][0]["securityContext"]
    assert init["capabilities"] == {"drop": ["ALL"], "add": ["CHOWN"]}, init
    secret = m[("Secret", "rel-hearth")]["data"]
    assert sorted(secret) == ["ca.crt", "tls.crt", "tls.key", "token"], sorted(secret)
    config = agent_config(m)
    for line in ('auth-token-file = "/etc/hearth/auth/token"', 'tls-cert = "/etc/hearth/tls/tls.crt"',
                 'tls-client-ca = "/etc/hearth/tls/ca.crt"', "workers = 4", "default-memory-mb = 64",
                 "code-cache = false", 'isolate-page-protection = "strict"'):
        assert line in config, f"[full] agent.toml lacks {line!r}:\n{config}"
    sm = m[("ServiceMonitor", "rel-hearth")]["spec"]["endpoints"][0]
    assert sm["port"] == "metrics" and sm["path"] == "/metrics", sm
    dash = m[("ConfigMap", "rel-hearth-dashboard")]
    assert dash["metadata"]["labels"]["grafana_dashboard"] == "1"
    with open(os.path.join(chart, "dashboards/hearth.json")) as f:
        assert json.loads(dash["data"]["hearth.json"]) == json.load(f), "dashboard ConfigMap != file"
    if a.agent:
        # TLS material here is no real certificate: the agent gets the token file, not TLS.
        token = os.path.join(a.work_dir, "token")
        with open(token, "w") as f:
            f.write("s3cret\n")
        plain = "\n".join(l for l in config.splitlines() if not l.startswith("tls-"))
        start_agent_with(a, "full", plain.replace("/etc/hearth/auth/token", token))

    # 3. Existing Secrets (cert-manager style), no HTTP listener, headless Service.
    m = r.run("existing", {"auth": {"enabled": True, "existingSecret": "tok", "existingSecretKey": "t"},
                           "tls": {"enabled": True, "existingSecret": "certs",
                                   "existingSecretHasClientCA": True},
                           "agent": {"http": {"enabled": False}},
                           "service": {"clusterIP": "None"}})
    pod = daemonset_of(m)
    assert not any(k == "Secret" for k, _ in m), "existing Secrets: the chart makes none"
    vols = {v["name"]: v.get("secret") for v in pod["volumes"]}
    assert vols["auth"]["secretName"] == "tok" and vols["auth"]["items"] == [{"key": "t", "path": "token"}]
    assert vols["tls"]["secretName"] == "certs" and len(vols["tls"]["items"]) == 3, vols["tls"]
    svc = m[("Service", "rel-hearth")]["spec"]
    assert svc["clusterIP"] == "None" and [p["name"] for p in svc["ports"]] == ["grpc", "metrics"], svc
    assert "http-listen" not in agent_config(m)

    # 4. What must be refused.
    r.fails("no-token", {"auth": {"enabled": True}}, "auth.enabled needs auth.token")
    r.fails("no-cert", {"tls": {"enabled": True}}, "tls.enabled needs tls.cert")
    r.fails("owned-key", {"agent": {"extraConfig": {"workers": 8}}},
            "agent.extraConfig.workers: set by the chart")
    r.fails("bad-state", {"state": {"type": "nfs"}}, "state.type must be hostPath or emptyDir")

    # 5. The rendered manifests are clean YAML too.
    yamllint = shutil.which("yamllint")
    if yamllint:
        rendered = [os.path.join(a.work_dir, f"{n}.yaml") for n in ("defaults", "full", "existing")]
        # Relaxed: toYaml's list indentation and long generated lines are Helm's, not ours.
        rc = subprocess.run([yamllint, "-d", "{extends: relaxed, rules: {line-length: disable}}",
                             *rendered],
                            capture_output=True, text=True)
        assert rc.returncode == 0, f"yamllint on rendered manifests:\n{rc.stdout}{rc.stderr}"
    print("chart: helm lint --strict and helm template (defaults, full, existing secrets, 4 refusals): ok"
          + ("; the rendered agent configs start the agent" if a.agent else ""))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["lint", "render"])
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("--agent", default="")
    a = ap.parse_args()
    shutil.rmtree(a.work_dir, ignore_errors=True)
    os.makedirs(a.work_dir)
    return lint(a) if a.mode == "lint" else render(a)


if __name__ == "__main__":
    sys.exit(main())
