"""The pins Binder installs must be the pins everyone else installs."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pins(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text().splitlines())
    return sorted(line for line in lines if line and not line.startswith(("#", "-e")))


def test_binder_pins_equal_root_pins():
    assert pins(ROOT / "binder" / "requirements.txt") == pins(ROOT / "requirements.txt")


def test_every_pin_is_exact():
    assert all("==" in line for line in pins(ROOT / "requirements.txt"))
