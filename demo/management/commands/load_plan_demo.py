from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from demo.history import households_generate, plans_load


class Command(BaseCommand):
    help = (
        "Load the demo plans (seed 002: Bắc Kạn 397/QĐ-UBND 2017; seed 000: Bắc Giang 2006-2010) and the national "
        "programme's projects; with --households, generate Bắc Kạn's households and approved reviews 2016-2019. "
        "Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", action="store_true", help="Also generate households and reviews.")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Share of seed 002's 78,200 households (default 1.0: all)."
        )
        parser.add_argument("--district", action="append", help="Only this district (repeatable), e.g. 'Huyện Na Rì'.")
        parser.add_argument("--seed", type=int, default=397)

    def handle(self, *args, households, scale, district, seed, **options):
        if not 0 < scale <= 1:
            raise CommandError("--scale must be in (0, 1].")
        # Seed 000's plan is about Bắc Giang; its units are loaded like the demo provinces'.
        call_command("load_units", province=["Bắc Giang"], verbosity=0)
        made = plans_load()
        self.stdout.write(f"Demo plans created: {len(made)}.")
        if households:
            signer = (
                User.objects.filter(username="chutich.luongthuong").first()
                or User.objects.filter(is_superuser=True).order_by("pk").first()
            )
            if signer is None:
                raise CommandError("Run load_demo first: the reviews need a user to sign the decisions.")
            result = households_generate(
                signer=signer, scale=scale, districts=district, seed=seed, log=lambda m: self.stdout.write(f"  {m}")
            )
            self.stdout.write(
                f"Demo households created: {result.households}, approved reviews: {result.reviews} "
                f"in {result.seconds:.1f} s."
            )
