#!/usr/bin/env bash
# Builds the stand-in for localstack/localstack:4.13.1 without a registry (see docker/README.md) and
# prints its tag. The tag is a hash of everything the image is made from, so an unchanged recipe is
# not rebuilt: the second run on a machine takes a second.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

suite=bookworm
packages=ca-certificates,python3,python3-venv,openjdk-17-jdk-headless
mirror=${NORTHPOLE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# HTTPS to PyPI and Maven Central may go through a re-signing proxy; the build trusts what the machine trusts.
ca_bundle=${NORTHPOLE_BUILD_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$here/Dockerfile" "$here/docker-entrypoint.sh" "$here/stage-dynamodb-local.py" "$context/"
cp "$root/kit/localstack/host/constraints-4.13.1.txt" "$root/kit/localstack/host/dynamodb-local-2.6.1.json" "$context/"
cp -r "$root/kit/localstack/host/agent" "$context/agent"
cp "$ca_bundle" "$context/ca-certificates.crt"

base=northpole/debian:$suite-$(echo "$suite $packages" | sha256sum | cut -c1-12)
inputs=$( (cd "$context" && find . -type f | LC_ALL=C sort | xargs sha256sum; echo "$base") | sha256sum | cut -c1-16)
tag=northpole/localstack-stand-in:4.13.1-$inputs

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "stand-in image $tag is built already" >&2
  echo "$tag"
  exit 0
fi
if ! docker image inspect "$base" >/dev/null 2>&1; then
  echo "making the Debian $suite base $base with mmdebstrap" >&2
  mmdebstrap --quiet --variant=minbase --include="$packages" "$suite" - "$mirror" | docker import - "$base" >&2
fi
echo "building $tag" >&2
docker build --quiet --build-arg "BASE=$base" --tag "$tag" "$context" >&2
echo "$tag"
