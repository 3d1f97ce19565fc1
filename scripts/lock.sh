#!/usr/bin/env bash
# Refreshes constraints.txt, the lock every install uses (scripts/setup.sh, so CI too): the newest
# versions that pyproject.toml allows, for contractgen, its test tools and its build backend, resolved
# in a throwaway virtual environment. Run it to upgrade, run the tests, and commit the new lock:
#   bash scripts/lock.sh && bash scripts/setup.sh && .venv/bin/python -m pytest -q
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --upgrade pip
# The build backend and what hatch_build.py imports, resolved with the rest so the wheel build is pinned too.
"$tmp/venv/bin/python" -m pip install -q -e '.[test,bench]' hatchling babel
{
  echo "# The lock: exact versions for every install (scripts/setup.sh passes it as PIP_CONSTRAINT, which"
  echo "# also pins the isolated build of the wheel). Made by scripts/lock.sh with $("$tmp/venv/bin/python" -V);"
  echo "# do not edit by hand: run scripts/lock.sh to upgrade."
  "$tmp/venv/bin/python" -m pip --version | awk '{print "pip==" $2}'
  "$tmp/venv/bin/python" -m pip freeze --exclude-editable | grep -v '^#' | LC_ALL=C sort -f
} > constraints.txt
echo "lock: wrote constraints.txt ($(grep -c '==' constraints.txt) pins)"
