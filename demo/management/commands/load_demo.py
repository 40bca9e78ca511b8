import os

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Role, User
from accounts.services import user_create
from demo.reviews import demo_reviews_create
from demo.today import SCALE, today_load
from households.models import LAST_LEGACY_DAY, REFORM_DATE, AdministrativeUnit, UnitLevel, UnitType
from households.services import village_create

DEMO_PROVINCES = ["Bắc Kạn", "Thái Nguyên"]
# Bắc Kạn is the province of seed 002; units are named as of a date before or after the 2025 reform.
BEFORE, AFTER = LAST_LEGACY_DAY, REFORM_DATE
DEMO_USERS = [
    ("tinh.backan", Role.PROVINCE_OFFICER, "Hoàng Thị Lan", [("Tỉnh Bắc Kạn", BEFORE), ("Tỉnh Thái Nguyên", AFTER)]),
    ("huyen.nari", Role.DISTRICT_OFFICER, "Nông Văn Đức", [("Huyện Na Rì", BEFORE)]),
    ("xa.luongthuong", Role.COMMUNE_OFFICER, "Lương Thị Hà", [("Xã Lương Thượng", BEFORE)]),
    ("chutich.luongthuong", Role.COMMUNE_CHAIR, "Hà Văn Khánh", [("Xã Lương Thượng", BEFORE)]),
    ("xem.babe", Role.VIEWER, "Triệu Văn Sơn", [("Huyện Ba Bể", BEFORE)]),
    # Today's province (demo.today): Thái Nguyên since the 2025 reform, and Xã Văn Lang, which took
    # in Lương Thượng and Kim Hỷ.
    (
        "tinh.thainguyen",
        Role.PROVINCE_OFFICER,
        "Dương Thị Thu",
        [("Tỉnh Thái Nguyên", BEFORE), ("Tỉnh Bắc Kạn", BEFORE), ("Tỉnh Thái Nguyên", AFTER)],
    ),
    ("xa.vanlang", Role.COMMUNE_OFFICER, "Hoàng Thị Mai", [("Xã Văn Lang", AFTER)]),
    ("chutich.vanlang", Role.COMMUNE_CHAIR, "Lục Văn Toàn", [("Xã Văn Lang", AFTER)]),
    # The ministry follows every province, with no unit assigned.
    ("bo.nnmt", Role.MINISTRY_OFFICER, "Trần Quốc Hùng", []),
]
DEMO_VILLAGES = {"Xã Lương Thượng": [("Thôn Nà Làng", UnitType.THON), ("Bản Pjạc", UnitType.BAN)]}


def _demo_unit(name: str, on) -> AdministrativeUnit:
    # Only Bắc Kạn's and Thái Nguyên's units are loaded by the demo, where these names are unique on a date.
    return AdministrativeUnit.objects.valid_on(on).exclude(level=UnitLevel.VILLAGE).get(name=name)


class Command(BaseCommand):
    help = "Load the demo province (Bắc Kạn and Thái Nguyên, before and after 2025) and demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD", "povertyplan-demo"))
        parser.add_argument(
            "--scale",
            type=float,
            default=SCALE,
            help=f"Share of today's Thái Nguyên loaded (default {SCALE}; 1: the whole province, about half an hour).",
        )

    @transaction.atomic
    def handle(self, *args, password, scale, **options):
        call_command("load_standards", stdout=self.stdout)
        call_command("loaddata", "ethnicities", stdout=self.stdout)
        for province in DEMO_PROVINCES:
            call_command("load_units", province=[province], stdout=self.stdout)
        for commune_name, villages in DEMO_VILLAGES.items():
            commune = _demo_unit(commune_name, BEFORE)
            for name, unit_type in villages:
                if not commune.children.filter(name=name).exists():
                    village_create(commune=commune, name=name, unit_type=unit_type)

        logins = [("admin", "Quản trị hệ thống")]
        if not User.objects.filter(username="admin").exists():
            user_create(username="admin", password=password, full_name="Quản trị hệ thống", is_superuser=True)
        for username, role, full_name, unit_names in DEMO_USERS:
            logins.append((username, role.label))
            if User.objects.filter(username=username).exists():
                continue
            units = [_demo_unit(name, on) for name, on in unit_names]
            user_create(username=username, password=password, role=role, units=units, full_name=full_name)

        commune = _demo_unit("Xã Lương Thượng", BEFORE)
        created = demo_reviews_create(
            officer=User.objects.get(username="xa.luongthuong"),
            chair=User.objects.get(username="chutich.luongthuong"),
            district_officer=User.objects.get(username="huyen.nari"),
            villages=list(commune.children.order_by("name")),
        )
        self.stdout.write(f"Demo households created: {created}.")
        # Plans of seeds 002 and 000, and Bắc Kạn's households and reviews 2016-2019 (demo.history).
        call_command("load_plan_demo", households=True, stdout=self.stdout)
        # Thái Nguyên as it is today: the carry-over, 2024-2026 reviews, resident households, the 2026-2030 plan.
        users = {u.username: u for u in User.objects.filter(username__in=[row[0] for row in DEMO_USERS])}
        today = today_load(
            province_officer=users["tinh.thainguyen"],
            staff={
                _demo_unit("Xã Văn Lang", AFTER): (users["xa.vanlang"], users["chutich.vanlang"]),
                _demo_unit("Xã Lương Thượng", BEFORE): (users["xa.luongthuong"], users["chutich.luongthuong"]),
            },
            scale=scale,
            log=lambda message: self.stdout.write(f"  {message}"),
        )
        self.stdout.write(f"Thái Nguyên today: {sum(today.reviews.values())} reviews in {today.seconds:.1f} s.")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Logins (password: {password}):"))
        for username, label in logins:
            self.stdout.write(f"  {username:20} {label}")
