#!/usr/bin/env bash
# Installs everything the Pilothouse test bed needs on a fresh Debian 12
# machine, as root, then builds the pinned binaries. Safe to run again: each
# step is skipped when already done. Quiet unless a step fails, when it prints
# that step's output and exits non-zero.
#
#   apt:    prometheus (prometheus + promtool), chromium
#   venv:   ~/.cache/pilothouse/venv with moto[server]==5.2.5
#   Go:     kube-apiserver, kube-controller-manager, kube-scheduler, kubectl
#           v1.34.4, etcd v3.6.4, kwok/kwokctl v0.7.0 (npm run testbed:build)
#
# Needs: Go >= 1.24 and Node with the repository's node_modules (npm ci).
set -euo pipefail

MOTO_VERSION=5.2.5
VENV="${HOME}/.cache/pilothouse/venv"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

say() { printf '[testbed prereqs] %s\n' "$*"; }
die() { printf '[testbed prereqs] ERROR: %s\n' "$*" >&2; exit 1; }

# Runs a command with its output in a log; shows the log only if it fails.
quiet() {
  local what="$1"; shift
  local log
  log="$(mktemp)"
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    die "${what} failed (command: $*)"
  fi
  rm -f "$log"
}

[ "$(id -u)" -eq 0 ] || die "run as root: apt-get installs system packages"
command -v go >/dev/null || die "Go >= 1.24 is required to build the test-bed binaries (not found on PATH)"
go_minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
[ "${go_minor}" -ge 24 ] 2>/dev/null || die "Go >= 1.24 is required, found $(go env GOVERSION)"
[ -x "${REPO}/node_modules/.bin/tsx" ] || die "node_modules is missing: run \`npm ci\` in ${REPO} first"

packages=()
{ [ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ]; } || packages+=(prometheus)
[ -x /usr/bin/chromium ] || packages+=(chromium)
python3 -c 'import venv, ensurepip' 2>/dev/null || packages+=(python3-venv)
if [ "${#packages[@]}" -gt 0 ]; then
  say "apt-get install ${packages[*]}"
  quiet "apt-get update" apt-get update -qq
  quiet "apt-get install ${packages[*]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi

if ! "${VENV}/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '${MOTO_VERSION}')" 2>/dev/null; then
  say "creating ${VENV} with moto[server]==${MOTO_VERSION}"
  quiet "python venv" python3 -m venv "${VENV}"
  quiet "pip install moto" "${VENV}/bin/pip" install -q --disable-pip-version-check "moto[server]==${MOTO_VERSION}"
fi
[ -x "${VENV}/bin/moto_server" ] || die "moto_server missing from ${VENV} after install"

say "building test-bed binaries (about 10 minutes cold on 2 cores, seconds when cached)"
cd "${REPO}"
node_modules/.bin/tsx test/testbed/cli.ts build || die "testbed build failed"
say "ready"
