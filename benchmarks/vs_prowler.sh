#!/usr/bin/env bash
# aws-essentials against Prowler on the same seeded sandbox account, interleaved runs, medians.
#
#   benchmarks/vs_prowler.sh [--runs 5] [--latency 50] [--json FILE]
#
# Installs Prowler (PROWLER_VERSION, default 5.46.0) into a temporary virtual environment, never
# into the project's (PROWLER_VENV=DIR keeps and reuses one), then runs benchmarks/_vs_prowler.py:
# the sandbox with the insecure scenario in every enabled region, both tools over those regions,
# wall time, CPU time and peak memory of each run, and the ratios. Run scripts/setup first.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || { echo "run scripts/setup first" >&2; exit 1; }
version=${PROWLER_VERSION:-5.46.0}
if [ -n "${PROWLER_VENV:-}" ]; then
  venv=$PROWLER_VENV
else
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  venv=$scratch/prowler
fi
if ! "$venv/bin/prowler" --version 2>/dev/null | grep -q "$version"; then
  echo "installing prowler $version into $venv (a few minutes)" >&2
  ${PYTHON:-python3} -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "prowler==$version" 2>&1 \
    | grep -v "^WARNING: Location" >&2 || true
fi
"$venv/bin/prowler" --version
.venv/bin/python benchmarks/_vs_prowler.py "$venv/bin/prowler" "$@"
