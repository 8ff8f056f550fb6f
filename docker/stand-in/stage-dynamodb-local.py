"""Stages DynamoDB Local where LocalStack looks for it, from Maven Central with pinned sha1 checksums.

    python3 stage-dynamodb-local.py LOCK.json AGENT_SOURCES TARGET

The lock and the loader agent are the kit's (kit/localstack/host/): the agent puts the jars on the
class path, as LocalStack's own download would, and keeps DynamoDB Local on loopback.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

MAVEN = os.environ.get("NORTHPOLE_MAVEN_REPOSITORY", "https://repo1.maven.org/maven2")


def download(artifact):
    url = f"{MAVEN}/{artifact['path']}"
    for attempt in range(3):
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                data = response.read()
            if hashlib.sha1(data).hexdigest() != artifact["sha1"]:
                raise ValueError(f"{url}: sha1 {hashlib.sha1(data).hexdigest()} instead of {artifact['sha1']}")
            return data
        except OSError:
            if attempt == 2:
                raise


def main(lock_file, agent_sources, target):
    with open(lock_file) as fd:
        lock = json.load(fd)
    lib = os.path.join(target, "DynamoDBLocal_lib")
    os.makedirs(lib, exist_ok=True)
    for artifact in lock["artifacts"]:
        data = download(artifact)
        name = os.path.basename(artifact["path"])
        if artifact["path"] == lock["mainJar"]:
            names = [os.path.join(target, "DynamoDBLocal.jar")]
        else:
            # sqlite4java looks for its native library without the version in the name
            names = {os.path.join(lib, name), os.path.join(lib, re.sub(r"-\d+(\.\d+)*\.(so|dylib)$", r".\2", name))}
        for path in names:
            with open(path, "wb") as fd:
                fd.write(data)

    jars = sorted(name for name in os.listdir(lib) if name.endswith(".jar"))
    with tempfile.TemporaryDirectory() as work:
        sources = [os.path.join(agent_sources, name) for name in sorted(os.listdir(agent_sources))]
        subprocess.run(["javac", "--release", "17", "-d", os.path.join(work, "classes"), *sources], check=True)
        # Manifest lines: a continuation starts with one space, the second space separates entries.
        manifest = "\n".join(["Premain-Class: northpole.LoopbackAgent", "Class-Path: .", *(f"  DynamoDBLocal_lib/{jar}" for jar in jars), ""])
        with open(os.path.join(work, "MANIFEST.MF"), "w") as fd:
            fd.write(manifest)
        subprocess.run(["jar", "cfm", os.path.join(target, "ddb-local-loader-0.1.jar"), os.path.join(work, "MANIFEST.MF"), "-C", os.path.join(work, "classes"), "."], check=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
