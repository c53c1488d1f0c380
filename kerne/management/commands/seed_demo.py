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
        parser.add_argument("--families", type=int, default=30, help="families in Demo Kommune")
        parser.add_argument("--months", type=int, default=12, help="months of history")
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
            raise CommandError("--scale national is not available yet.")
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
