"""A small database for the backup test: Bắc Kạn, the standards, six households reviewed in 2023 and 2024."""

from django.core.management import call_command

from accounts.models import Role
from accounts.services import user_create
from demo.reviews import demo_reviews_create
from households.models import AdministrativeUnit, UnitType
from households.services import village_create
from tests.conftest import BEFORE_REFORM


def fill() -> None:
    call_command("load_units", province=["Bắc Kạn"], verbosity=0)
    call_command("loaddata", "standards", "ethnicities", verbosity=0)
    commune = AdministrativeUnit.objects.valid_on(BEFORE_REFORM).get(name="Xã Lương Thượng")
    villages = [village_create(commune=commune, name=n, unit_type=UnitType.THON) for n in ("Thôn Nà Làng", "Bản Pjạc")]
    officer = user_create(username="officer", password=None, role=Role.COMMUNE_OFFICER, units=[commune])
    chair = user_create(username="chair", password=None, role=Role.COMMUNE_CHAIR, units=[commune])
    # 2023 and 2024 are before the 2025 reform: the district chair is consulted (Decision 24/2021/QĐ-TTg, art. 4).
    district = user_create(username="district", password=None, role=Role.DISTRICT_OFFICER, units=[commune.parent])
    demo_reviews_create(officer=officer, chair=chair, district_officer=district, villages=villages)
