#!/usr/bin/env python3
"""Checks that the container image installs every shared library the homeport binary links.

Runs `ldd` on the built binary (default .build/debug/homeport), finds the Debian package of each
library with `dpkg -S`, and fails, naming the library and its package, unless that package is
 - in deploy/image/runtime-packages.txt (what the Containerfile installs), or a dependency of one
   of them (apt installs those too: Depends and Pre-Depends, recursively), or
 - in deploy/image/base-packages.txt (debian:bookworm-slim's own packages).
Libraries of the Swift toolchain (libswiftCore.so, libFoundation.so... under the toolchain's
usr/lib/swift, /opt/swift/usr/lib/swift here) are linked by a debug build only: the image's release build links the
Swift runtime statically (--static-swift-stdlib), so they are listed and not looked up.

The package names are Debian 12's, as in the image, so on another system the check says so and
passes without checking. Usage: check-image.py [--packages FILE] [BINARY]. Exits 1 on a miss."""
import argparse, os, pathlib, re, shutil, subprocess, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
IMAGE = ROOT / "deploy/image"


def read_list(path):
    """Package names, one a line; '#' starts a comment."""
    return [line.split("#", 1)[0].strip() for line in path.read_text().splitlines() if line.split("#", 1)[0].strip()]


def is_bookworm():
    try:
        fields = dict(line.split("=", 1) for line in pathlib.Path("/etc/os-release").read_text().splitlines() if "=" in line)
    except OSError:
        return False
    return fields.get("ID") == "debian" and fields.get("VERSION_ID", "").strip('"') == "12"


def linked_libraries(binary):
    """(soname, path or None) for every library the dynamic loader would map, directly or not."""
    output = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True).stdout
    libraries = []
    for line in output.splitlines():
        line = line.strip()
        if match := re.match(r"(\S+) => not found", line):
            libraries.append((match[1], None))
        elif match := re.match(r"(\S+) => (/\S+) \(0x", line):
            libraries.append((match[1], match[2]))
        elif match := re.match(r"(/\S+) \(0x", line):  # the dynamic loader itself
            libraries.append((os.path.basename(match[1]), match[1]))
        # linux-vdso.so.1 is the kernel's, not a file
    return libraries


def swift_runtime_folder():
    """<toolchain>/usr/lib/swift, where libswiftCore.so and Foundation's libraries are."""
    swift = shutil.which("swift")
    return pathlib.Path(os.path.realpath(swift)).parent.parent / "lib/swift" if swift else None


def package_of(path):
    """The Debian package owning a library file; dpkg knows merged-/usr files under either path."""
    real = os.path.realpath(path)
    candidates = [path, real]
    for name in list(candidates):
        if name.startswith("/usr/lib/"):
            candidates.append(name[len("/usr"):])
        elif name.startswith("/lib"):
            candidates.append("/usr" + name)
    for candidate in candidates:
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].strip()
    return None


def installed_packages():
    """Installed package -> (dependency groups, provided names)."""
    output = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${Status}\t${Pre-Depends}, ${Depends}\t${Provides}\n"],
                            capture_output=True, text=True, check=True).stdout
    packages = {}
    for line in output.splitlines():
        name, status, depends, provides = line.split("\t")
        if not status.endswith(" installed"):
            continue
        groups = [[re.split(r"[\s(:]", alternative.strip())[0] for alternative in group.split("|")]
                  for group in depends.split(",") if group.strip()]
        packages[name] = (groups, {re.split(r"[\s(]", p.strip())[0] for p in provides.split(",") if p.strip()})
    return packages


def closure(roots, packages):
    """Every package apt installs for `roots`: their Depends and Pre-Depends, recursively. For
    an alternative (a | b) or a virtual package, the installed packages that satisfy it count."""
    providers = {}
    for name, (_, provides) in packages.items():
        for virtual in provides:
            providers.setdefault(virtual, set()).add(name)
    seen, queue = set(), list(roots)
    while queue:
        name = queue.pop()
        if name in seen:
            continue
        seen.add(name)
        for group in packages.get(name, ([], set()))[0]:
            for alternative in group:
                queue.extend([alternative] if alternative in packages else providers.get(alternative, ()))
    return seen


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", nargs="?", default=str(ROOT / ".build/debug/homeport"))
    parser.add_argument("--packages", default="deploy/image/runtime-packages.txt", help="the image's package list")
    args = parser.parse_args()
    if not is_bookworm():
        print("check-image: skipped: package names are Debian 12's, and this system is not Debian 12")
        return 0
    runtime = read_list(ROOT / args.packages)
    base = set(read_list(IMAGE / "base-packages.txt"))
    packages = installed_packages()
    missing_here = [name for name in runtime if name not in packages]
    if missing_here:
        print(f"check-image: install {' '.join(missing_here)} to check (listed in {args.packages}, not installed here)")
        return 1
    from_runtime = closure(runtime, packages)
    toolchain = swift_runtime_folder()
    failures, rows = [], []
    for soname, path in linked_libraries(args.binary):
        if path is None:
            failures.append(f"{soname}: not found by the dynamic loader")
            continue
        if toolchain and os.path.realpath(path).startswith(str(toolchain) + "/"):
            rows.append((soname, "-", "Swift runtime: linked statically in the image (--static-swift-stdlib)"))
            continue
        package = package_of(path)
        if package is None:
            failures.append(f"{soname} ({path}): no Debian package owns it")
        elif package in runtime:
            rows.append((soname, package, "runtime-packages.txt"))
        elif package in from_runtime:
            rows.append((soname, package, "a dependency of runtime-packages.txt"))
        elif package in base:
            rows.append((soname, package, "debian:bookworm-slim"))
        else:
            failures.append(f"{soname} ({path}) is in package {package}, which the image does not install: "
                            f"add it to {args.packages}")
    for soname, package, source in rows:
        print(f"  {soname:40} {package:40} {source}")
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"check-image: {len(rows)} libraries covered, {len(failures)} missing from the image")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
