#!/usr/bin/env bash
# aws-essentials against Prowler on the same seeded sandbox account, interleaved runs, medians.
#
#   benchmarks/vs_prowler.sh [--runs 5] [--latency 50] [--regions R ...] [--json FILE]
#
# Installs Prowler (--prowler-version, default 5.46.0) into a temporary virtual environment, never
# into the project's (--prowler-venv DIR or PROWLER_VENV=DIR keeps and reuses one), then runs both
# tools against the sandbox over the same regions and prints the medians and ratios. Nothing
# reaches AWS or the internet but pip. `--help` says more. Run scripts/setup first.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || { echo "vs_prowler: no .venv here; run scripts/setup first" >&2; exit 1; }
exec .venv/bin/python benchmarks/_vs_prowler.py "$@"
