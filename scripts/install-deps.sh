#!/usr/bin/env bash
# Installs the Debian packages p2pshare builds with, when any is missing.
# --bench: also what `bench transfer` compares with (python3-libtorrent) and
# what draws its --plot (gnuplot-nox). No test needs either.
set -euo pipefail
packages=(g++ cmake make pkg-config python3 libzmq3-dev cppzmq-dev libmsgpack-cxx-dev libssl-dev libedit-dev catch2 iproute2)
if [ "${1:-}" = "--bench" ]; then
  packages+=(python3-libtorrent gnuplot-nox)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
