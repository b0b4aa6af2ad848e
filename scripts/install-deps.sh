#!/usr/bin/env bash
# Installs the Debian 12 packages interactiond needs to build, run and test, and only those that are
# missing. Idempotent and quiet when everything is present, so `make run` / `make test` can call it
# every time.
set -euo pipefail

packages=(
  g++ cmake ninja-build make pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libssl-dev libjwt-dev libmagic-dev libmagic-mgc
  libspdlog-dev libfmt-dev libcli11-dev libyaml-cpp-dev
  libgtest-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libavro-dev
  nodejs openssl curl wrk
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$p")
done
# The machine image may ship Node.js outside Debian's package; a working `node` is what we need.
if command -v node >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do [ "$p" = nodejs ] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
