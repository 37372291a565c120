#!/usr/bin/env bash
# Installs the interop suite's tools from Debian's packages when they are missing:
#   frr (bgpd with the BMP module), gobgpd (gobgpd + gobgp), exabgp, tshark.
# Idempotent: does nothing when every tool is already there. Non-interactive, and the
# packages' own services are not started (policy-rc.d answers 101 during the install).
# Usage: bash tests/interop/install.sh      (as root; .ci/run calls it)
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "$2" ]; }
have bgpd /usr/lib/frr/bgpd || need+=(frr)
bmp_module=no
for f in /usr/lib/*/frr/modules/bgpd_bmp.so /usr/lib/frr/modules/bgpd_bmp.so; do
    [ -e "$f" ] && bmp_module=yes
done
if [ "$bmp_module" = no ] && [[ " ${need[*]-} " != *" frr "* ]]; then need+=(frr); fi
have gobgpd /usr/bin/gobgpd || need+=(gobgpd)
have exabgp /usr/sbin/exabgp || need+=(exabgp)
have tshark /usr/bin/tshark || need+=(tshark)

if [ ${#need[@]} -eq 0 ]; then
    echo "interop/install.sh: frr, gobgpd, exabgp and tshark already installed"
    exit 0
fi
echo "interop/install.sh: installing ${need[*]}"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

export DEBIAN_FRONTEND=noninteractive
# Keep the packages' services (frr, gobgpd, exabgp) from starting.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT

# wireshark-common asks whether non-root users may capture: answer no, without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections

$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${need[@]}" >/dev/null

# Stop anything that started anyway (no init system in a container: normally nothing).
for svc in frr gobgpd exabgp; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
        $SUDO systemctl stop "$svc" || true
    fi
done
echo "interop/install.sh: installed ${need[*]}"
