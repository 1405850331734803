"""The lock file (requirements/lock.txt): every package, direct and
indirect, pinned with its hashes, the direct pins the same as in base.txt
and dev.txt, and `make venv` installing from it with --require-hashes."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"


def _name(text):
    return re.sub(r"[-_.]+", "-", re.sub(r"\[.*\]", "", text)).lower()


def lock_entries():
    """``{name: (version, [hashes])}`` of requirements/lock.txt."""
    entries = {}
    current = None
    for line in (REQUIREMENTS / "lock.txt").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        pin = re.match(r"^([A-Za-z0-9_.\[\],-]+)==([^\s;\\]+)", stripped)
        if pin and not line.startswith(" "):
            current = _name(pin.group(1))
            entries[current] = (pin.group(2), [])
        for digest in re.findall(r"--hash=sha256:([0-9a-f]{64})", stripped):
            entries[current][1].append(digest)
    return entries


def direct_pins():
    pins = {}
    for name in ("base.txt", "dev.txt"):
        for line in (REQUIREMENTS / name).read_text().splitlines():
            pin = re.match(r"^([A-Za-z0-9_.\[\],-]+)==(\S+)", line.strip())
            if pin:
                pins[_name(pin.group(1))] = pin.group(2)
    return pins


def test_every_locked_package_has_hashes():
    entries = lock_entries()

    assert len(entries) > 60
    assert [name for name, (_v, hashes) in entries.items() if not hashes] == []


def test_direct_pins_are_locked_at_the_same_version():
    entries = lock_entries()

    assert {
        name: (version, entries.get(name, ("missing",))[0])
        for name, version in direct_pins().items()
        if entries.get(name, ("missing",))[0] != version
    } == {}


def test_make_venv_installs_the_lock_with_hashes():
    makefile = (ROOT / "Makefile").read_text()

    assert "pip install --quiet --require-hashes -r requirements/lock.txt" in makefile
    assert (
        "$(STAMP): requirements/base.txt requirements/dev.txt requirements/lock.txt"
        in makefile
    )
    assert "$(UV) pip compile --quiet --generate-hashes" in makefile
