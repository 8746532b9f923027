#!/usr/bin/env bash
# Prometheus node_exporter (Debian package) for the textfile-collector test: the test starts
# its own instance on a loopback port with --collector.textfile.directory, so the packaged
# service is never needed and is stopped if the package started one.
set -euo pipefail
if command -v prometheus-node-exporter >/dev/null 2>&1; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends prometheus-node-exporter >/dev/null
if command -v systemctl >/dev/null 2>&1; then
  systemctl stop prometheus-node-exporter >/dev/null 2>&1 || true
fi
