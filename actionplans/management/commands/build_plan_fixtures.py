import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionplans.plan_sources import load_all
from actionplans.plan_sources.commitments import commitments_fixture
from actionplans.plan_sources.corrections import CorrectionError
from actionplans.plan_sources.fixtures import countries_fixture, plan_fixture
from actionplans.services import COMMITMENTS_FIXTURE, COUNTRIES_FIXTURE, fixtures_dir


def dumps(objects) -> str:
    return json.dumps(objects, indent=1, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = (
        "Rebuild fixtures/ from the source documents in ../shared/seeds/ "
        "(corrections: actionplans/plan_sources/corrections.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seeds", type=Path, default=None, help="Folder of the seed texts.")
        parser.add_argument(
            "--check", action="store_true", help="Write nothing; fail if fixtures/ differs from a fresh build."
        )

    def handle(self, *args, seeds, check, **options):
        try:
            plans = load_all(seeds)
        except (CorrectionError, FileNotFoundError) as error:
            raise CommandError(str(error)) from error
        files = {COUNTRIES_FIXTURE: dumps(countries_fixture(plans)), COMMITMENTS_FIXTURE: dumps(commitments_fixture())}
        for plan in plans:
            built = plan_fixture(plan)
            files[f"{plan.slug}.json"] = dumps(built.objects)
            self.stdout.write(
                f"{plan.slug}: {len(plan.units)} units, {len(plan.elements)} outline elements, "
                f"{len(plan.activities)} activities, {len(plan.footnotes)} footnotes"
            )
            for where in built.unresolved:
                self.stdout.write(f"  reference to nothing in the document, kept as text: {where}")
        self._write_or_check(files, check)

    def _write_or_check(self, files: dict[str, str], check: bool):
        directory = fixtures_dir()
        stale = [name for name, text in files.items() if not (directory / name).exists()
                 or (directory / name).read_text(encoding="utf-8") != text]
        if check:
            if stale:
                raise CommandError(f"fixtures/ is out of date: {', '.join(stale)}; run build_plan_fixtures.")
            self.stdout.write("fixtures/ matches the sources.")
            return
        directory.mkdir(exist_ok=True)
        for name, text in files.items():
            (directory / name).write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {', '.join(sorted(files))}")
