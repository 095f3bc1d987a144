#!/usr/bin/env bash
# Installs tusd (the reference tus server, in Go) into .cache/bin for bench/tus_vs_tusd.py.
#
#   bench/install_tusd.sh            # v2.9.1, the version the figures in README were measured with
#   TUSD_VERSION=latest bench/install_tusd.sh
#
# Needs Go (1.22 or later) and the Go module proxy; .cache/ is git-ignored.
set -euo pipefail

repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${TUSD_VERSION:-v2.9.1}"
export GOBIN="${repo_dir}/.cache/bin"
mkdir -p "${GOBIN}"
go install "github.com/tus/tusd/v2/cmd/tusd@${version}"
go version -m "${GOBIN}/tusd" | grep -m1 "mod\tgithub.com/tus/tusd"
