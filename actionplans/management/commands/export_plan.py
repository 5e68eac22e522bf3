from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actionplans.editions import edition_lookup
from actionplans.models import ActionPlan
from actionplans.plan_workbook import plan_workbook_build


class Command(BaseCommand):
    help = ("Write a plan as a plan workbook (.xlsx): export_plan <slug> <file.xlsx> [--edition <id or slug>]; "
            "export_plan --template <file.xlsx> writes the blank template.")

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="+", metavar="slug file", help="The plan's slug and the file to write.")
        parser.add_argument("--template", action="store_true", help="Write the blank template (give only the file).")
        parser.add_argument("--edition", help="The edition to write, by id or slug (e.g. draft); the current one "
                                              "when left out. An older edition's workbook is a record: a correction "
                                              "imported from it is refused.")

    def handle(self, *args, template, **options):
        if template:
            if len(args) != 1:
                raise CommandError("With --template give only the file to write.")
            plan, path = None, Path(args[0])
        else:
            if len(args) != 2:
                raise CommandError("Give the plan's slug and the file to write: export_plan argali argali.xlsx")
            try:
                plan = ActionPlan.objects.get(slug=args[0])
            except ActionPlan.DoesNotExist:
                known = ", ".join(ActionPlan.objects.values_list("slug", flat=True)) or "none"
                raise CommandError(f"No plan '{args[0]}' (plans: {known}).") from None
            path = Path(args[1])
        edition = self._edition(plan, options["edition"]) if options["edition"] and plan else None
        path.write_bytes(plan_workbook_build(plan=plan, edition=edition))
        if options["verbosity"]:
            self.stdout.write(f"wrote {path} ({'template' if plan is None else plan.slug})")

    @staticmethod
    def _edition(plan, value):
        edition = edition_lookup(value, plan.editions.all()).first()
        if edition is None:
            known = ", ".join(f"{e.number} ({e.slug})" for e in plan.editions.order_by("number")) or "none"
            raise CommandError(f"No edition '{value}' of {plan.slug} (editions: {known}).")
        return edition
