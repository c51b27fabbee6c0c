#!/usr/bin/env python3
"""The Grafana dashboard against a real agent (charts/hearth/dashboards/hearth.json).

Starts hearth-agent, deploys and invokes functions with hearthctl (warm, cold, and one over
its CPU limit) so that per-function series exist, scrapes /metrics, and checks:
  - `promtool check metrics` accepts the scrape;
  - every PromQL expression of the dashboard parses (`promtool check rules` on recording
    rules made from them, Grafana's variables substituted first);
  - every metric the dashboard names is in the scrape, and every label it matches or groups
    by is on that metric (except `instance`/`job`, which Prometheus adds at scrape time).
Exit 77 (skipped) only when promtool is not installed (tools/bootstrap.sh installs it).
  dashboard_test.py --agent BIN --hearthctl BIN --source-dir DIR --work-dir DIR
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from agent_run import SKIP, Agent  # noqa: E402

# Labels that the scrape cannot show: added by Prometheus (and `le`, on bucket samples).
LABELS_NOT_IN_SCRAPE = {"instance", "job", "le"}
CPU_HOG = "export default { fetch() { for (;;) {} } };\n"


def find_promtool(source_dir):
    return shutil.which("promtool") or next(
        (p for p in [os.path.join(source_dir, "third_party/promtool/promtool")] if os.access(p, os.X_OK)),
        None)


def dashboard_queries(dashboard):
    """(where, PromQL) for every panel target, and the label_values() of each variable."""
    out = []

    def walk(node, where):
        if isinstance(node, dict):
            title = node.get("title", where)
            if isinstance(node.get("expr"), str):
                out.append((title, node["expr"]))
            for value in node.values():
                walk(value, title)
        elif isinstance(node, list):
            for value in node:
                walk(value, where)

    walk(dashboard.get("panels", []), "panels")
    variables = []
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") == "query":
            query = var["query"]["query"] if isinstance(var["query"], dict) else var["query"]
            m = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", query.strip())
            if not m:
                raise AssertionError(f"variable {var['name']}: not label_values(...): {query}")
            # The selector alone is PromQL; the label must be on its metric.
            out.append((f"variable {var['name']}", m.group(1)))
            variables.append((var["name"], m.group(1), m.group(2)))
    return out, variables


def substitute(expr):
    """Grafana's variables replaced by values that PromQL accepts where they stand."""
    expr = re.sub(r"\$__(rate_interval|interval|range)\b", "5m", expr)
    # $var, ${var} and ${var:format} stand inside label matchers' strings.
    return re.sub(r"\$\{\w+(:\w+)?\}|\$\w+", ".*", expr)


def parse_scrape(text):
    """{sample name: set of label names} from the text exposition format."""
    series = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s", line)
        if not m:
            raise AssertionError(f"unparsable sample line: {line}")
        labels = set(re.findall(r'(\w+)="', m.group(3) or ""))
        series.setdefault(m.group(1), set()).update(labels)
    return series


def check_names(where, expr, series, errors):
    metrics = set(re.findall(r"\b(hearth_[a-z0-9_]+)\b", expr))
    if not metrics:
        errors.append(f"{where}: names no hearth_ metric: {expr}")
    for metric in metrics:
        if metric not in series:
            errors.append(f"{where}: metric {metric} is not in the scrape")
    for metric, matchers in re.findall(r"\b(hearth_[a-z0-9_]+)\{([^}]*)\}", expr):
        for label in re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", matchers):
            if label not in LABELS_NOT_IN_SCRAPE and label not in series.get(metric, set()):
                errors.append(f"{where}: {metric} has no label {label!r} in the scrape")
    known = set().union(*(series.get(m, set()) for m in metrics)) if metrics else set()
    for group in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", expr):
        for label in re.findall(r"\w+", group):
            if label not in LABELS_NOT_IN_SCRAPE and label not in known:
                errors.append(f"{where}: groups by {label!r}, which none of {sorted(metrics)} has")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agent", required=True)
    ap.add_argument("--hearthctl", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--work-dir", required=True)
    a = ap.parse_args()

    promtool = find_promtool(a.source_dir)
    if not promtool:
        print("SKIPPED: promtool not found (on PATH or third_party/promtool); tools/bootstrap.sh unpacks it")
        return SKIP

    shutil.rmtree(a.work_dir, ignore_errors=True)
    os.makedirs(a.work_dir)
    with open(os.path.join(a.source_dir, "charts/hearth/dashboards/hearth.json")) as f:
        dashboard = json.load(f)
    queries, variables = dashboard_queries(dashboard)
    assert len(queries) >= 20, f"only {len(queries)} queries found in the dashboard"

    agent = Agent(a.agent, ["--grpc-listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0",
                            "--workers", "1", "--state-dir", os.path.join(a.work_dir, "state")],
                  os.path.join(a.work_dir, "agent.log"))
    try:
        def ctl(*args, expect=0):
            r = subprocess.run([a.hearthctl, "--agent", agent.grpc, *args], capture_output=True, text=True,
                               timeout=60)
            assert r.returncode == expect, f"hearthctl {' '.join(args)}: exit {r.returncode}: {r.stderr}"

        hog = os.path.join(a.work_dir, "hog.js")
        with open(hog, "w") as f:
            f.write(CPU_HOG)
        ctl("deploy", "hello", os.path.join(a.source_dir, "examples/hello.js"))
        ctl("deploy", "hog", hog, "--cpu-ms", "5")
        ctl("invoke", "hello")
        ctl("invoke", "hello")
        ctl("invoke", "hello", "--cold")
        ctl("invoke", "hog", expect=3)  # the function failed: OUTCOME_CPU_LIMIT
        with urllib.request.urlopen(f"http://{agent.metrics}/metrics", timeout=30) as r:
            scrape = r.read().decode()
    finally:
        code = agent.stop()
    assert code == 0, f"hearth-agent exited {code} after SIGTERM (log: {a.work_dir}/agent.log)"

    scrape_path = os.path.join(a.work_dir, "scrape.txt")
    with open(scrape_path, "w") as f:
        f.write(scrape)
    r = subprocess.run([promtool, "check", "metrics"], input=scrape, capture_output=True, text=True)
    assert r.returncode == 0, f"promtool check metrics ({scrape_path}):\n{r.stdout}{r.stderr}"

    # Recording rules: the one form in which promtool parses bare expressions. JSON is YAML.
    rules = {"groups": [{"name": "hearth-dashboard", "rules": [
        {"record": f"hearth_dashboard:query_{i}", "expr": substitute(expr)}
        for i, (_, expr) in enumerate(queries)]}]}
    rules_path = os.path.join(a.work_dir, "dashboard-rules.json")
    with open(rules_path, "w") as f:
        json.dump(rules, f, indent=1)
    r = subprocess.run([promtool, "check", "rules", rules_path], capture_output=True, text=True)
    assert r.returncode == 0, f"promtool check rules ({rules_path}):\n{r.stdout}{r.stderr}"

    series = parse_scrape(scrape)
    errors = []
    for where, expr in queries:
        check_names(where, expr, series, errors)
    for name, selector, label in variables:
        metric = re.match(r"\w+", selector).group(0)
        if label not in LABELS_NOT_IN_SCRAPE and label not in series.get(metric, set()):
            errors.append(f"variable {name}: {metric} has no label {label!r}")
    for function in ("hello", "hog"):
        if f'function="{function}"' not in scrape:
            errors.append(f"no series of function {function!r} in the scrape")
    assert not errors, "dashboard does not match the agent's metrics:\n  " + "\n  ".join(errors)
    print(f"dashboard: {len(queries)} queries parse and match the scrape "
          f"({len(series)} sample names); promtool check metrics: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
