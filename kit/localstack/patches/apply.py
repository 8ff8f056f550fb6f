"""Applies the kit's compatibility patches to an installed LocalStack, the same way in every mode.

Each patch (*.json next to this file) names one file of the localstack package, its sha256 as
released and as patched, and exact text replacements. A file that is neither is refused: the
patches are for one release only, and guessing on another would hide the difference.

    python apply.py [--status FILE] [--site-packages DIR] [--check]

runs with LocalStack's own Python (it finds the package by importing it, unless DIR is given). Exit code 0 when every
patch is applied (now or before), 1 with the reason otherwise. --status also writes the outcome
as JSON, for the Docker mode, where this runs as a boot script inside the container. --check
writes nothing: it prints {"applied": [...], "pending": [...]} (pending: applicable, not applied yet),
exit code 0, or the reason a patch would be refused, exit code 1 (doctor's check).
"""

import hashlib
import json
import os
import sys

PATCHES_DIR = os.path.dirname(os.path.abspath(__file__))


class PatchRefused(Exception):
    pass


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prepare_patch(site_packages, patch_file):
    """The patched text of the patch's file, None when it is patched already; refuses any other file."""
    with open(patch_file, encoding="utf-8") as fd:
        patch = json.load(fd)
    name = os.path.basename(patch_file)
    target = os.path.join(site_packages, patch["file"])
    with open(target, encoding="utf-8", newline="") as fd:
        source = fd.read()
    found = sha256(source)
    if found == patch["sha256After"]:
        return target, None, f"{name}: already applied to {patch['file']}"
    if found != patch["sha256Before"]:
        raise PatchRefused(
            f"{name}: {patch['file']} has sha256 {found}, not the one of LocalStack "
            f"{patch['localstack']} ({patch['sha256Before']}); this patch is for that release only"
        )
    for replacement in patch["replacements"]:
        if source.count(replacement["find"]) != 1:
            raise PatchRefused(f"{name}: the text to replace is not in {patch['file']} exactly once")
        source = source.replace(replacement["find"], replacement["replace"])
    if sha256(source) != patch["sha256After"]:
        raise PatchRefused(f"{name}: {patch['file']} patched has sha256 {sha256(source)}, not {patch['sha256After']}")
    return target, source, f"{name}: applied to {patch['file']}"


def apply_all(site_packages):
    patch_files = sorted(f for f in os.listdir(PATCHES_DIR) if f.endswith(".json"))
    # Every patch is checked before any file is written: all of them, or none.
    prepared = [prepare_patch(site_packages, os.path.join(PATCHES_DIR, f)) for f in patch_files]
    for target, source, _ in prepared:
        if source is not None:
            staged = f"{target}.northpole"
            with open(staged, "w", encoding="utf-8", newline="") as fd:
                fd.write(source)
            os.replace(staged, target)
    return [message for _, _, message in prepared]


def localstack_site_packages():
    # localstack is a namespace package; constants.py sits in localstack-core, next to the patched files.
    import localstack.constants

    return os.path.dirname(os.path.dirname(os.path.abspath(localstack.constants.__file__)))


def check_all(site_packages):
    patch_files = sorted(f for f in os.listdir(PATCHES_DIR) if f.endswith(".json"))
    prepared = [(f, prepare_patch(site_packages, os.path.join(PATCHES_DIR, f))) for f in patch_files]
    return {
        "applied": [f for f, (_, source, _) in prepared if source is None],
        "pending": [f for f, (_, source, _) in prepared if source is not None],
    }


def main(argv):
    if "--check" in argv:
        try:
            print(json.dumps(check_all(localstack_site_packages())))
            return 0
        except (PatchRefused, OSError, ValueError, ImportError) as error:
            print(f"northpole patches: REFUSED: {error}", file=sys.stderr)
            return 1
    status_file = argv[argv.index("--status") + 1] if "--status" in argv else None
    site_packages = argv[argv.index("--site-packages") + 1] if "--site-packages" in argv else None
    try:
        outcome = {"applied": apply_all(site_packages or localstack_site_packages())}
    except (PatchRefused, OSError, ValueError, ImportError) as error:
        outcome = {"error": str(error)}
    if status_file:
        with open(status_file, "w", encoding="utf-8") as fd:
            json.dump(outcome, fd)
    for line in outcome.get("applied", []):
        print(f"northpole patches: {line}")
    if "error" in outcome:
        print(f"northpole patches: REFUSED: {outcome['error']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
