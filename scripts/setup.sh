#!/usr/bin/env bash
# Set up a fresh machine for nianbao: Debian packages the tests use, then a virtual
# environment in .venv with the project installed (editable) and its dev extras.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
if [ -f scripts/apt-packages.txt ]; then
  while read -r pkg; do
    pkg=${pkg%%#*}; pkg=$(echo "$pkg" | xargs)
    [ -z "$pkg" ] && continue
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  done < scripts/apt-packages.txt
fi
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo="sudo"
  echo "setup: installing Debian packages: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
fi
stamp=.venv/.nianbao-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing nianbao and its dev extras into .venv (log: .venv/pip-install.log)"
  if ! .venv/bin/python -m pip install -e '.[dev]' > .venv/pip-install.log 2>&1; then
    tail -30 .venv/pip-install.log
    exit 1
  fi
  # paddleocr (the paddle extra) requires opencv-python and opencv-contrib-python beside the
  # opencv-python-headless that everything else uses; all three unpack into one cv2/ folder
  # (pyproject.toml pins them to one release). Lay the headless build last, so cv2's files come
  # from one wheel and need neither Qt nor libGL, whatever order pip installed them in.
  cv=$(.venv/bin/python -c "import importlib.metadata as m; print(m.version('opencv-python-headless'))")
  .venv/bin/python -m pip install -q --no-deps --force-reinstall "opencv-python-headless==$cv" \
    >> .venv/pip-install.log 2>&1
  touch "$stamp"
fi
