"""Move every stored CPR number to the newest CPR key and the current hash key."""

import secrets

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kerne import cpr_crypto, services


class Command(BaseCommand):
    help = (
        "Re-encrypt every CPR number with the first key of CPR_KEYS and recompute the keyed "
        "hashes with CPR_HASH_KEY, in batches (one transaction each). Rows already done are "
        "skipped, so a stopped run is resumed by running it again. Step by step: "
        "docs/operations.md, 'CPR keys'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="persons per batch")
        parser.add_argument(
            "--after", type=int, default=0, help="resume after this person id (printed per batch)"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="write nothing; exit with status 1 while any row is not yet rotated",
        )
        parser.add_argument(
            "--new-key", action="store_true", help="print a new CPR_KEYS key and exit"
        )
        parser.add_argument(
            "--new-hash-key", action="store_true", help="print a new CPR_HASH_KEY and exit"
        )

    def handle(self, *args, **options) -> None:
        if options["new_key"]:
            self.stdout.write(cpr_crypto.new_key())
            return
        if options["new_hash_key"]:
            self.stdout.write(secrets.token_urlsafe(48))
            return
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        check = options["check"]

        def progress(result: services.CprRotation) -> None:
            verb = "to rotate" if check else "rotated"
            self.stdout.write(
                f"up to person id {result.last_id}: {result.examined} examined, "
                f"{result.changed} {verb}"
            )

        try:
            result = services.cpr_keys_rotate(
                batch_size=options["batch_size"],
                after_id=options["after"],
                write=not check,
                on_batch=progress if options["verbosity"] >= 1 else None,
            )
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        if check:
            self.stdout.write(f"{result.changed} of {result.examined} CPR numbers to rotate.")
            if result.changed:
                raise SystemExit(1)
            return
        self.stdout.write(
            f"{result.changed} of {result.examined} CPR numbers rotated "
            f"(last person id {result.last_id})."
        )
