# A LocalStack boot script (/etc/localstack/init/boot.d/): applies the kit's patches in the container,
# with LocalStack's own Python, before LocalStack starts. A refused patch stops the container.
import runpy
import sys

patches = runpy.run_path("/etc/localstack/northpole-patches/apply.py")
if patches["main"](["--status", "/tmp/northpole-patches.json"]) != 0:
    sys.exit(1)
