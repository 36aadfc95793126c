#!/usr/bin/env bash
# Installs every Debian package that building, testing and running the demo of
# scoin needs. Run as root on Debian 12 (bookworm). Safe to run again.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config
  # libraries (DESIGN.md, STYLE.md)
  libcli11-dev liblmdb-dev libsodium-dev libfmt-dev libtomlplusplus-dev
  nlohmann-json3-dev catch2
  # tests: LMDB tools for tamper helpers, man page lint, shells for completions
  lmdb-utils mandoc man-db bash-completion zsh fish python3
)

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: run as root (it calls apt-get install)" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
