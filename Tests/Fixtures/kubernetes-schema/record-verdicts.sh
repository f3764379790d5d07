#!/bin/sh
# Records what `kubernetes-validate --strict` says of each fixture, for KubernetesSchemaTests to
# agree with. Run from anywhere after `pip install kubernetes-validate` (see README.md).
set -eu
cd "$(dirname "$0")"
# The Kubernetes version of the schemas Homeport compiles in.
version=$(sed -n 's/^{"kubernetesVersion": "\(.*\)",$/\1/p' ../../../Sources/Manifests/Schema/KubernetesSchemaData.swift)
{
  echo "# kubernetes-validate $(kubernetes-validate --version) --strict --kubernetes-version $version"
  for file in *.yaml; do
    if kubernetes-validate --strict --quiet --no-warn --kubernetes-version "$version" "$file" >/dev/null; then
      echo "$file pass"
    else
      echo "$file fail"
    fi
  done
} > verdicts.txt
cat verdicts.txt
