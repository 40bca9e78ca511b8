"""Factories for rows the tests need many of. Units come from the packages (see conftest)."""

from datetime import date

import factory
from django.db.models import Q

from households.models import AdministrativeUnit, Household, Member, ResidentCount, UnitLevel, UnitType
from households.provinces import province_of
from households.search import household_search_refresh
from households.search_words import search_text
from households.selectors.rollup import year_end


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    name = factory.Sequence(lambda n: f"Thôn Nà Lẹng {n}")
    short_name = factory.SelfAttribute("name")
    level = UnitLevel.VILLAGE
    unit_type = UnitType.THON
    valid_from = factory.SelfAttribute("parent.valid_from")
    valid_to = factory.SelfAttribute("parent.valid_to")
    is_urban = factory.SelfAttribute("parent.is_urban")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"HH{n:06d}")
    village = factory.SubFactory(VillageFactory)
    commune = factory.SelfAttribute("village.parent")
    # The sharding key, as the services set it (households.provinces).
    province_id = factory.LazyAttribute(lambda household: province_of(household.commune.pk))
    head_name = "Hoàng Văn Thụ"
    search_text = factory.LazyAttribute(lambda household: search_text(household.code, household.head_name, []))


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    province_id = factory.SelfAttribute("household.province_id")
    full_name = factory.Sequence(lambda n: f"Nông Thị Huế {n}")
    sex = "female"
    date_of_birth = date(1980, 5, 17)
    relation = "head"

    @factory.post_generation
    def household_searchable(member, create, extracted, **kwargs):
        """The member's name and citizen ID in the household's search text, as the services keep it."""
        if create:
            household_search_refresh(Household.objects.filter(pk=member.household_id))


def household_form_data(village, code: str, **member) -> dict:
    """The household page's form as a commune officer posts it: one member, the head, with ``member``'s fields."""
    data = {
        "village": village.pk,
        "code": code,
        "address": "Thôn Nà Hin",
        "status": "active",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-full_name": "Đàm Thị Nguyệt",
        "members-0-sex": "female",
        "members-0-date_of_birth": "17/05/1980",
        "members-0-relation": "head",
        "members-0-national_id": "",
        "members-0-disability": "none",
    }
    data.update({f"members-0-{key}": value for key, value in member.items()})
    return data


def member_data(**overrides) -> dict:
    """A member as the services take it (plain data)."""
    return {
        "full_name": "Lục Văn Khải",
        "sex": "male",
        "date_of_birth": date(1975, 3, 2),
        "relation": "head",
        "national_id": "",
        "has_health_insurance": True,
        "has_labour_capacity": True,
        **overrides,
    }


class ResidentCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentCount

    year = 2024
    households = 100
    people = factory.LazyAttribute(lambda count: count.households * 4)


def residents_everywhere(year: int, households: int = 100, *, under=None, **overrides: int) -> dict[int, int]:
    """Resident counts for every commune in force at the end of ``year`` (under a unit, if given): ``households``
    each, or ``overrides`` by commune name. Returns commune id → households."""
    communes = AdministrativeUnit.objects.valid_on(year_end(year)).filter(level=UnitLevel.COMMUNE)
    if under is not None:
        communes = communes.filter(Q(parent=under) | Q(parent__parent=under))
    counts = {c.pk: overrides.get(c.name, households) for c in communes}
    ResidentCount.objects.bulk_create(
        ResidentCount(commune_id=pk, year=year, households=n, people=n * 4) for pk, n in counts.items()
    )
    return counts
