"""Demo data: two municipalities, their projects and departments, and the demo users."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kerne import demo
from kerne.models import Kommune


class Command(BaseCommand):
    help = (
        "Create deterministic demo data (idempotent). "
        "Demo users only with DEBUG or --allow-demo-users."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--families",
            type=int,
            default=None,
            help="families in Demo Kommune (30); with --scale national, in all (30,000)",
        )
        parser.add_argument(
            "--months", type=int, default=None, help="months of history (12; national 36)"
        )
        parser.add_argument(
            "--projects", type=int, default=None, help="with --scale national: projects (100)"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed")
        parser.add_argument(
            "--scale", choices=["demo", "national"], default="demo", help="dataset size"
        )
        parser.add_argument(
            "--allow-demo-users",
            action="store_true",
            help="create the demo users (password 'demo') even without DEBUG",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when any municipality exists"
        )

    def handle(self, *args, **options) -> None:
        if options["scale"] == "national":
            self._national(options)
            return
        options["families"] = 30 if options["families"] is None else options["families"]
        options["months"] = 12 if options["months"] is None else options["months"]
        if options["families"] < 0 or options["months"] < 0:
            raise CommandError("--families and --months must be zero or more.")
        if options["if_empty"] and Kommune.objects.exists():
            self.stdout.write("Database already has data; demo data not loaded.")
            return
        with_users = settings.DEBUG or options["allow_demo_users"]
        with transaction.atomic():
            summary = demo.seed_all(
                families=options["families"],
                months=options["months"],
                seed=options["seed"],
                with_users=with_users,
            )
        for line in summary:
            self.stdout.write(line)
        if not with_users:
            self.stdout.write(
                self.style.WARNING(
                    "Demo users not created: set DEBUG=true or pass --allow-demo-users."
                )
            )

    def _national(self, options: dict) -> None:
        """The national-size dataset for the benchmarks (kerne/national.py)."""
        from kerne import national

        if not (settings.DEBUG or options["allow_demo_users"]):
            raise CommandError(
                "The national dataset signs its users in with the password 'demo': "
                "set DEBUG=true or pass --allow-demo-users."
            )
        values = {
            "projects": national.PROJECTS if options["projects"] is None else options["projects"],
            "families": national.FAMILIES if options["families"] is None else options["families"],
            "months": national.MONTHS if options["months"] is None else options["months"],
        }
        if not 1 <= values["projects"] <= 800 or values["months"] < 1:
            raise CommandError("--projects must be from 1 to 800 and --months 1 or more.")
        if values["families"] < values["projects"]:
            raise CommandError("--families must be at least --projects (one family a project).")
        summary = national.seed_national(
            **values,
            seed=options["seed"],
            log=lambda line: self.stderr.write(line),
        )
        for line in summary:
            self.stdout.write(line)
