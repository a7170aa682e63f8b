#!/usr/bin/env bash
# `npm run clis:setup`: installs the real AWS and Azure CLIs, at pinned versions, that tests/clis
# runs every documented `aws` and `az` command through (offline, without credentials):
#   awscli     v1 from PyPI (AWS CLI v2 is not published there; v2-only commands stay in the table)
#   azure-cli  from PyPI
# Each goes into its own virtual environment (their pinned dependencies differ), cached per machine
# in ~/.cache/ha-web-service/clis/<name>-<version>-py<python> (HA_CLIS_CACHE overrides the parent
# folder), so a fresh clone on the same machine reuses it and a second run is instant.
# gcloud is not on PyPI or in Debian: the tests use the installed Google Cloud CLI (`gcloud`).
#   bash scripts/cli-setup.sh          install what is missing, print where each CLI is
#   bash scripts/cli-setup.sh --print  only print `<cli>=<path>` lines; exit 1 if one is missing
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s%N)

# The pins. Changing one installs a new environment beside the old one.
aws_version=1.46.3
az_version=2.91.0

python=${HA_CLIS_PYTHON:-python3}
py=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
cache="${HA_CLIS_CACHE:-$HOME/.cache/ha-web-service/clis}"

# name package version executable
clis=("aws awscli $aws_version aws" "az azure-cli $az_version az")

where() { # where <package> <version>: the environment's folder
  echo "$cache/$1-$2-py$py"
}

if [ "${1:-}" = "--print" ]; then
  for entry in "${clis[@]}"; do
    read -r name package version executable <<<"$entry"
    dir=$(where "$package" "$version")
    if [ ! -f "$dir/.complete" ]; then
      echo "cli-setup: $package $version is not installed: run npm run clis:setup" >&2
      exit 1
    fi
    echo "$name=$dir/bin/$executable"
  done
  gcloud_path=$(command -v gcloud || true)
  echo "gcloud=${gcloud_path}"
  exit 0
fi

"$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {
  echo "cli-setup: azure-cli $az_version needs Python 3.10 or newer; $python is $py" >&2
  exit 1
}

for entry in "${clis[@]}"; do
  read -r name package version executable <<<"$entry"
  dir=$(where "$package" "$version")
  [ -f "$dir/.complete" ] && continue
  echo "cli-setup: installing $package==$version into $dir (minutes the first time: azure-cli is large)"
  rm -rf "${dir:?}"
  mkdir -p "$cache"
  "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    "$package==$version"
  "$dir/bin/python" -m pip freeze --disable-pip-version-check >"$dir/freeze.txt"
  touch "$dir/.complete"
done

if ! command -v gcloud >/dev/null; then
  echo "cli-setup: gcloud not found: install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install); GitHub's ubuntu runners have it" >&2
  exit 1
fi
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
printf 'cli-setup: awscli %s, azure-cli %s and gcloud (%s) ready (%d.%01d s)\n' "$aws_version" \
  "$az_version" "$(command -v gcloud)" $((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 100))
