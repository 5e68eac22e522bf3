"""Parsers that rebuild the plan fixtures from the source documents in ``../shared/seeds/``.

``build_plan_fixtures`` (a management command) calls ``load_all`` and writes ``fixtures/``.
"""
from __future__ import annotations

from pathlib import Path

from .corrections import apply_corrections

# Where the seeds sit in a checkout: ``shared/`` beside the project folder.
DEFAULT_SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"

SEED_FILES = {
    "argali": "000_eb7772ba479bd17a.txt",
    "persian-leopard": "002_8b93a90772e2f037.txt",
}


def read_seed(plan: str, seeds_dir: Path | None = None) -> str:
    """The seed text of ``plan`` with its corrections applied."""
    path = (seeds_dir or DEFAULT_SEEDS_DIR) / SEED_FILES[plan]
    return apply_corrections(path.read_text(encoding="utf-8"), plan)


def load_all(seeds_dir: Path | None = None):
    """Both plans, parsed: a list of ``PlanSource``."""
    from . import argali, persian_leopard

    return [
        argali.parse(read_seed("argali", seeds_dir)),
        persian_leopard.parse(read_seed("persian-leopard", seeds_dir)),
    ]
