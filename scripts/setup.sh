#!/usr/bin/env bash
# Sets up contractgen on a fresh Debian machine: the system packages the PDF (its fonts), its check and
# the tests need, then a virtual environment in .venv with contractgen and its test tools.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-writer-nogui)  # the tests open the DOCX in it; the PDF benchmark
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
fc-list 2>/dev/null | grep -q "Noto Serif CJK" || need_apt+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -q "Liberation Serif" || need_apt+=(fonts-liberation2)
fc-list 2>/dev/null | grep -q "DejaVu Sans" || need_apt+=(fonts-dejavu-core)  # the PDF's symbols (☐)
command -v tesseract >/dev/null 2>&1 || need_apt+=(tesseract-ocr)  # `contractgen verify` reads scans
tesseract --list-langs 2>/dev/null | grep -qx chi_sim || need_apt+=(tesseract-ocr-chi-sim)
# opencv-python (RapidOCR's, which re-reads the lines of a scan Tesseract read differently) links these
ldconfig -p 2>/dev/null | grep -q 'libGL\.so\.1 ' || need_apt+=(libgl1)
ldconfig -p 2>/dev/null | grep -q 'libglib-2\.0\.so\.0 ' || need_apt+=(libglib2.0-0)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)  # the browser tests of `contractgen serve`
{ [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import uno" 2>/dev/null; } || need_apt+=(python3-uno)  # the PDF benchmark's warm LibreOffice (unoserver)
[ -d /usr/share/zoneinfo ] || need_apt+=(tzdata)  # zoneinfo: working-hour overlap in the communication charter
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# Every version comes from the lock (constraints.txt; scripts/lock.sh upgrades it). As an environment
# variable the constraint also reaches pip's isolated build of contractgen itself (hatchling, babel).
export PIP_CONSTRAINT="$PWD/constraints.txt"
.venv/bin/python -m pip install -q pip
.venv/bin/python -m pip install -q -e '.[test,bench]'
# The label catalog's .mo is a build product (the editable install above compiles it too); compile
# it here as well so a checkout always runs on the current .po.
.venv/bin/pybabel -q compile -d translations -D messages
echo "setup: done (.venv/bin/contractgen)"
