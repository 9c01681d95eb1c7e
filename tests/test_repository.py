"""The GitHub owner/name is written once, in REPOSITORY; every link to Binder or to the
browser edition on GitHub Pages uses it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWNER, NAME = (ROOT / "REPOSITORY").read_text(encoding="utf-8").strip().split("/")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_repository_names_one_owner_and_repository():
    assert OWNER and NAME and " " not in OWNER + NAME


def test_binder_links_use_the_repository():
    links = re.findall(r"https://mybinder\.org/v2/gh/([^/]+)/([^/]+)/", README)
    assert links, "README has no Binder link"
    assert set(links) == {(OWNER, NAME)}, links


def test_pages_links_use_the_repository():
    links = re.findall(r"https://([^./]+)\.github\.io/([^/]+)/", README)
    assert links, "README has no link to the browser edition"
    assert set(links) == {(OWNER.lower(), NAME)}, links  # Pages hosts are lower case
