#!/bin/bash
# As the official image's entrypoint does: the boot.d init scripts first (the kit's patches are one),
# then LocalStack in the foreground. A boot script that fails stops the container here.
set -eo pipefail
if [ -d /etc/localstack/init/boot.d ] && [ -n "$(ls -A /etc/localstack/init/boot.d)" ]; then
  python -m localstack.runtime.init BOOT
fi
exec python -m localstack.runtime.main
