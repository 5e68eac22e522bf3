"""requirements/lock.txt (what scripts/install installs) pins every dependency pyproject.toml declares."""
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _locked() -> dict[str, tuple[str, int]]:
    """Package -> (version, number of hashes), read from the lock's entries."""
    locked, current = {}, None
    for line in (PROJECT / "requirements" / "lock.txt").read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            locked[current] = (match[2], 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = locked[current]
            locked[current] = (version, hashes + 1)
    return locked


def test_every_declared_dependency_is_pinned_with_hashes_and_in_its_range():
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    declared = project["dependencies"] + extras["dev"] + extras["prod"]
    locked = _locked()
    missing, outside = [], []
    for text in declared:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        if name not in locked:
            missing.append(name)
        elif not requirement.specifier.contains(locked[name][0], prereleases=True):
            outside.append(f"{name}=={locked[name][0]} ({requirement.specifier})")
    assert not missing, f"not in requirements/lock.txt (run scripts/lock): {missing}"
    assert not outside, f"locked outside pyproject.toml's range (run scripts/lock): {outside}"
    assert all(hashes for _, hashes in locked.values()), "every pin carries its hashes (--generate-hashes)"
