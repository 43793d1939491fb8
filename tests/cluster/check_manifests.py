#!/usr/bin/env python3
"""Check tests/cluster/: the Kubernetes manifests and the Containerfile.

Without a cluster: parses k8s/*.yaml (python3-yaml), checks the fields the
recipe depends on and that the Jobs agree with each other and with the
Containerfile, then runs the Jobs' shell scripts with /bin/sh against a stub
rdpneg (after Kubernetes' $(VAR) expansion, done here as the kubelet does)
to check how each exit status of rdpneg ends the pod.

    python3 tests/cluster/check_manifests.py

Prints "N passed, M failed" and exits 1 on a failure.
"""

import gzip
import os
import re
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
K8S = os.path.join(HERE, "k8s")
USER_ID = 65532

passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


def load(name):
    with open(os.path.join(K8S, name), encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def expand(text, env):
    """Kubernetes' expansion of command and args: $(VAR) of a defined
    variable is replaced, $$ is a $, anything else is left as it is."""
    def one(m):
        if m.group(0) == "$$":
            return "$"
        return env.get(m.group(1), m.group(0))
    return re.sub(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)", one, text)


def container_of(job):
    cs = job["spec"]["template"]["spec"]["containers"]
    check(len(cs) == 1, "one container")
    return cs[0]


def check_job_common(job, name):
    check(job.get("apiVersion") == "batch/v1" and job.get("kind") == "Job",
          name + ": a batch/v1 Job")
    pod = job["spec"]["template"]["spec"]
    c = container_of(job)
    check(pod.get("restartPolicy") == "Never",
          name + ": restartPolicy Never (podFailurePolicy needs it)")
    sc = pod.get("securityContext", {})
    check(sc.get("runAsNonRoot") is True and sc.get("runAsUser") == USER_ID,
          name + ": runs as the image's user %d" % USER_ID)
    check(c.get("command", [])[:2] == ["/bin/sh", "-c"],
          name + ": a /bin/sh -c wrapper")
    check(c.get("image") == "rdpneg:latest", name + ": image rdpneg:latest")
    csc = c.get("securityContext", {})
    check(csc.get("readOnlyRootFilesystem") is True
          and csc.get("allowPrivilegeEscalation") is False,
          name + ": read-only root, no privilege escalation")
    # Every mount names a volume of the pod.
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    for m in c.get("volumeMounts", []):
        check(m["name"] in vols, name + ": volume " + m["name"] + " defined")
    # podFailurePolicy: rules that the API server accepts.
    pfp = job["spec"].get("podFailurePolicy", {})
    for r in pfp.get("rules", []):
        check(r["action"] in ("FailJob", "Ignore", "Count", "FailIndex"),
              name + ": podFailurePolicy action " + r["action"])
        if r["action"] == "FailIndex":
            check("backoffLimitPerIndex" in job["spec"],
                  name + ": FailIndex needs backoffLimitPerIndex")
        codes = r.get("onExitCodes")
        check((codes is None) != (r.get("onPodConditions") is None),
              name + ": a rule has onExitCodes or onPodConditions")
        if codes:
            check(codes.get("containerName") == c["name"],
                  name + ": onExitCodes names the container")
            check(codes.get("operator") in ("In", "NotIn"),
                  name + ": onExitCodes operator")
            check(codes["operator"] == "NotIn" or 0 not in codes["values"],
                  name + ": exit code 0 cannot be in an In rule")
    # A $(VAR) the kubelet would leave as it is would reach the shell as a
    # command substitution.
    defined = {e["name"] for e in c.get("env", [])}
    if job["spec"].get("completionMode") == "Indexed":
        defined.add("JOB_COMPLETION_INDEX")
    for a in c.get("command", []) + c.get("args", []):
        for var in re.findall(r"(?<!\$)\$\(([^)]*)\)", a):
            check(var in defined, name + ": $(%s) is a defined variable" % var)
    return pod, c, vols


STUB = r"""#!/bin/sh
# rdpneg stub: records its arguments, writes -o as told, exits as told.
printf '%s\n' "$*" >> "$STUB_LOG"
out=
while [ $# -gt 0 ]; do
  case $1 in -o) out=$2; shift ;; esac
  shift
done
if [ -n "$out" ]; then
  case $STUB_WRITE in
  whole) printf '{"type":"header"}\n{"type":"end","complete":true}\n' |
         gzip > "$out" ;;
  partial) printf '{"type":"header"}\n{"type":"end","complete":false}\n' |
         gzip > "$out" ;;
  cut) printf '{"type":"header"}\n{"type":"end","complete":true}\n' |
         gzip | head -c 12 > "$out" ;;
  esac
fi
exit "$STUB_STATUS"
"""


def run_script(c, env, tmp, status, write, replace=None):
    """Runs the container's script as the kubelet would start it, with the
    stub as rdpneg; returns (exit status, stub's log lines)."""
    argv = [expand(a, env) for a in c["command"] + c["args"]]
    if replace:
        argv = [a.replace(*replace) for a in argv]
    log = os.path.join(tmp, "log")
    if os.path.exists(log):
        os.remove(log)
    e = dict(os.environ, PATH=os.path.join(tmp, "bin") + ":" + os.environ["PATH"],
             STUB_LOG=log, STUB_STATUS=str(status), STUB_WRITE=write, **env)
    p = subprocess.run(argv, env=e, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30)
    with open(log, encoding="utf-8") as f:
        return p.returncode, f.read().splitlines()


def main():
    shard = load("shard-job.yaml")
    merge = load("merge-job.yaml")
    pvcs = load("pvc.yaml")
    check(len(shard) == 1 and len(merge) == 1, "one Job per file")
    shard, merge = shard[0], merge[0]

    # The shard Job.
    s = shard["spec"]
    pod, c, vols = check_job_common(shard, "shard")
    check(s.get("completionMode") == "Indexed", "shard: completionMode Indexed")
    n = s.get("completions")
    check(n == 4 and s.get("parallelism") == 4, "shard: 4 completions at once")
    env = {e["name"]: e.get("value") for e in c.get("env", [])}
    check(env.get("RDPNEG_SHARD_COUNT") == str(n),
          "shard: RDPNEG_SHARD_COUNT equals completions")
    check(isinstance(s.get("backoffLimitPerIndex"), int),
          "shard: backoffLimitPerIndex")
    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
    cap = mounts.get("/captures", {})
    check(cap.get("readOnly") is True, "shard: /captures mounted read-only")
    capv = vols.get(cap.get("name"), {}).get("persistentVolumeClaim", {})
    check(capv.get("claimName") == "rdpneg-captures"
          and capv.get("readOnly") is True,
          "shard: /captures is the claim rdpneg-captures, read-only")
    outv = vols.get(mounts.get("/out", {}).get("name"), {})
    check(outv.get("persistentVolumeClaim", {}).get("claimName") == "rdpneg-out",
          "shard: /out is the claim rdpneg-out")
    script = c["args"][0]
    check("rdpneg --shard auto -q -o \"$out\" /captures" in script,
          "shard: runs rdpneg --shard auto -q -o OUT /captures")
    check(c["args"][2] == "/out/shard-$(JOB_COMPLETION_INDEX).jsonl.gz",
          "shard: the output is named by $(JOB_COMPLETION_INDEX)")

    # The merge Job.
    m = merge["spec"]
    _, mc, mvols = check_job_common(merge, "merge")
    check(m.get("completions", 1) == 1 and m.get("backoffLimit") == 0,
          "merge: one pod, not retried")
    mmounts = {x["mountPath"]: x for x in mc["volumeMounts"]}
    mout = mvols.get(mmounts.get("/out", {}).get("name"), {})
    check(mout.get("persistentVolumeClaim", {}).get("claimName") == "rdpneg-out",
          "merge: /out is the claim rdpneg-out")
    mscript = mc["args"][0]
    check("/out/shard-*.jsonl.gz" in mscript, "merge: globs the shards")
    check("rdpneg merge" in mscript, "merge: runs rdpneg merge")

    # The claims.
    byname = {p["metadata"]["name"]: p for p in pvcs
              if p.get("kind") == "PersistentVolumeClaim"}
    check("ReadWriteMany" in byname.get("rdpneg-out", {}).get("spec", {})
          .get("accessModes", []), "pvc: rdpneg-out is ReadWriteMany")
    check("rdpneg-captures" in byname, "pvc: rdpneg-captures")

    # The Containerfile: what the Jobs count on.
    with open(os.path.join(HERE, "Containerfile"), encoding="utf-8") as f:
        cf = f.read()
    lines = [x for x in cf.splitlines() if x and not x.startswith("#")]
    check(lines[0] == "ARG BASE=debian:12", "Containerfile: ARG BASE first")
    check(sum(x.startswith("FROM ${BASE}") for x in lines) == 2,
          "Containerfile: both stages FROM ${BASE}")
    check("USER %d:%d" % (USER_ID, USER_ID) in lines, "Containerfile: USER")
    check(lines[-1] == 'ENTRYPOINT ["rdpneg"]', "Containerfile: ENTRYPOINT")
    copies = sorted(x.split()[1] for x in lines
                    if x.startswith("COPY ") and "--from" not in x)
    check(copies == ["CMakeLists.txt", "analyzer/", "cmake/"],
          "Containerfile: copies only CMakeLists.txt, cmake/, analyzer/")

    with tempfile.TemporaryDirectory() as tmp:
        os.mkdir(os.path.join(tmp, "bin"))
        stub = os.path.join(tmp, "bin", "rdpneg")
        with open(stub, "w", encoding="utf-8") as f:
            f.write(STUB)
        os.chmod(stub, 0o755)
        out = os.path.join(tmp, "out")
        os.mkdir(out)

        # Shard: index 2 of 4; how each status of rdpneg ends the pod.
        kenv = dict(env, JOB_COMPLETION_INDEX="2")
        shard_file = os.path.join(out, "shard-2.jsonl.gz")
        cases = [(0, "whole", 0), (1, "whole", 0), (3, "whole", 0),
                 (2, "whole", 0),   # a capture unreadable: in the shard
                 (2, "cut", 2),     # the shard not written whole
                 (2, "partial", 2),  # its end line says not complete
                 (2, "none", 2),
                 (64, "none", 64), (143, "whole", 143), (137, "none", 137)]
        for status, write, want in cases:
            # A whole shard left by an earlier try must not count.
            with gzip.open(shard_file, "wb") as f:
                f.write(b"{}\n")
            rc, log = run_script(c, kenv, tmp, status, write,
                                 replace=("/out/", out + "/"))
            check(rc == want, "shard: rdpneg %d, shard %s: pod exits %d, not %d"
                  % (status, write, want, rc))
            check(log == ["--shard auto -q -o %s /captures" % shard_file],
                  "shard: arguments %r" % log)

        # Merge: the glob finds the N shards, in order.
        for i in range(n):
            with gzip.open(os.path.join(out, "shard-%d.jsonl.gz" % i), "wb") as f:
                f.write(b"{}\n")
        shards = " ".join(os.path.join(out, "shard-%d.jsonl.gz" % i)
                          for i in range(n))
        for status, want in [(0, 0), (1, 0), (3, 0), (2, 2), (64, 64)]:
            rc, log = run_script(mc, {}, tmp, status, "none",
                                 replace=("/out/", out + "/"))
            check(rc == want, "merge: rdpneg merge %d: pod exits %d, not %d"
                  % (status, want, rc))
            check(log == ["merge -q -f markdown -o %s/report.md %s" % (out, shards),
                          "merge -q -f html -o %s/report.html %s" % (out, shards),
                          "merge -q -f text --summary %s" % shards],
                  "merge: arguments %r" % log)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
