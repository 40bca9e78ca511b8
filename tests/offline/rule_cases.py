"""Generated cases for the parity of the review's rule on the server and on the phone.

Each case is plain JSON (what the phone holds): the income year, area, mountain flag, income, reference date
and the facts as ``HouseholdFacts.to_json`` writes them. The cases cover every standard:

- incomes at each line of each area, one VND below, on and above it (the texts' "từ X trở xuống");
- a household deprived in nothing, then each indicator made deprived alone, then growing sets of them, so
  every count around the cut-off is met;
- random households (members of every age around the retirement ages, facts left unrecorded at random), so
  the missing facts and the working age by sex and month are compared too.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from households.review_outcome import review_outcome
from standards.classification import ClassificationError, IncomeLines, StandardRules
from standards.indicators import (
    Device,
    Disability,
    EducationLevel,
    Employment,
    HouseholdFacts,
    HousingType,
    Latrine,
    MissingFactsError,
    TelecomService,
    WasteTreatment,
    WaterSource,
)

ON = "2026-09-01"


def _member(**facts: Any) -> dict[str, Any]:
    return {
        "birth_date": "1980-05-17",
        "name": "",
        "in_school": False,
        "at_age_appropriate_level": None,
        "education": "upper_secondary",
        "health_insurance": True,
        "sick_untreated": False,
        "employment": "employee_with_contract",
        "disability": "none",
        "social_allowance": False,
        "malnourished": False,
        "sex": "male",
        **facts,
    }


def baseline() -> dict[str, Any]:
    """A household of three deprived in no indicator of any standard."""
    return {
        "members": [
            _member(name="Hoàng Văn Thụ"),
            _member(name="Nông Thị Huế", birth_date="1982-03-03", sex="female"),
            _member(
                name="Hoàng Văn An",
                birth_date="2015-06-01",
                in_school=True,
                at_age_appropriate_level=True,
                education="primary",
                employment="not_in_labour_force",
            ),
        ],
        "housing": "permanent",
        "living_area_m2": "60",
        "water_source": "piped",
        "latrine": "septic",
        "telecom": ["phone"],
        "devices": ["smartphone", "tv"],
        "village_loudspeaker": True,
        "waste": "collected",
    }


def _deprive(facts: dict[str, Any], code: str) -> None:
    """Change ``facts`` so that indicator ``code`` is deprived (under every standard that has it)."""
    head, spouse, child = facts["members"][:3]
    if code == "health_access":
        head["sick_untreated"] = True
    elif code == "health_insurance":
        spouse["health_insurance"] = False
    elif code == "adult_education":
        facts["members"].append(
            _member(name="Hoàng Văn Bình", birth_date="2004-02-10", education="primary", employment="self_employed")
        )
    elif code == "child_schooling":
        child["in_school"] = False
    elif code == "housing_quality":
        facts["housing"] = "simple"
    elif code == "housing_area":
        facts["living_area_m2"] = "15.5"
    elif code == "water":
        facts["water_source"] = "surface"
    elif code == "latrine":
        facts["latrine"] = "none"
    elif code == "telecom":
        facts["telecom"] = []
    elif code == "information_means":
        facts["devices"] = []
        facts["village_loudspeaker"] = False
    elif code == "employment":
        head["employment"] = "unemployed"
    elif code == "dependants":
        facts["members"] += [
            _member(birth_date="1950-01-20", employment="not_in_labour_force", social_allowance=True),
            _member(birth_date="1952-11-30", sex="female", employment="not_in_labour_force", social_allowance=True),
        ]
    elif code == "nutrition":
        child["malnourished"] = True
    elif code == "waste":
        facts["waste"] = "dumped"
    else:
        raise ValueError(f"No case deprives {code}.")


def deprived_facts(codes: tuple[str, ...]) -> dict[str, Any]:
    facts = baseline()
    for code in codes:
        _deprive(facts, code)
    return facts


def boundary_incomes(lines: IncomeLines, *, urban: bool, mountain: bool) -> list[int]:
    if urban:
        values = [lines.poor_urban, lines.near_poor_urban, lines.minimum_living_urban, lines.average_urban]
    elif mountain and lines.poor_rural_mountain is not None:
        values = [lines.poor_rural_mountain, lines.poor_rural]
    else:
        values = [lines.poor_rural, lines.near_poor_rural, lines.minimum_living_rural, lines.average_rural]
    incomes = {0, 10_000_000}
    for value in values:
        if value is not None:
            incomes.update((value - 1, value, value + 1))
    return sorted(incomes)


def _places(rules: StandardRules) -> Iterator[tuple[IncomeLines, int, bool, bool]]:
    for lines in rules.lines:
        for year in sorted({lines.year_from, lines.year_to}):
            for urban, mountain in ((False, False), (True, False), (False, True)):
                yield lines, year, urban, mountain


def cases(rules: StandardRules, *, random_households: int = 400, seed: int = 24) -> list[dict[str, Any]]:
    """The cases of one standard: systematic ones, then ``random_households`` random ones."""
    found: list[dict[str, Any]] = []
    codes = rules.indicator_codes
    if rules.uses_deprivation:
        sets = [(), *((code,) for code in codes)]
        cutoff = rules.deprivation_cutoff or 0
        for size in {cutoff - 1, cutoff, cutoff + 1, len(codes)}:
            if 0 < size <= len(codes):
                sets.append(codes[:size])
                sets.append(codes[-size:])
    else:
        sets = [()]
    for lines, year, urban, mountain in _places(rules):
        for income in boundary_incomes(lines, urban=urban, mountain=mountain):
            for deprived in sets:
                found.append(_case(deprived_facts(deprived), year, urban, mountain, income, ON))

    generator = random.Random(f"{seed}-{rules.code}")
    places = list(_places(rules))
    for _ in range(random_households):
        lines, year, urban, mountain = generator.choice(places)
        income = generator.choice(boundary_incomes(lines, urban=urban, mountain=mountain))
        on = date(year - 1, 9, 1) + timedelta(days=generator.randrange(0, 200))
        found.append(_case(random_facts(generator, on), year, urban, mountain, income, on.isoformat()))
    # Input the rule refuses: a year outside the standard.
    found.append(_case(baseline(), rules.year_to + 1, False, False, 100, ON))
    return found


def _case(facts: dict[str, Any], year: int, urban: bool, mountain: bool, income: int, on: str) -> dict[str, Any]:
    return {
        "incomeYear": year,
        "isUrban": urban,
        "mountainIsland": mountain,
        "income": income,
        "on": on,
        "facts": copy.deepcopy(facts),
    }


def _maybe(generator: random.Random, value: Any, unrecorded: float = 0.08) -> Any:
    return None if generator.random() < unrecorded else value


def random_facts(generator: random.Random, on: date) -> dict[str, Any]:
    members = []
    for _ in range(generator.randint(1, 7)):
        kind = generator.random()
        if kind < 0.3:  # around the retirement ages, to the month
            birth = date(on.year - generator.randint(54, 64), generator.randint(1, 12), generator.randint(1, 28))
        elif kind < 0.5:  # children, around the school and working ages
            birth = on - timedelta(days=generator.randint(0, 19 * 366))
        else:
            birth = date(generator.randint(1930, on.year), generator.randint(1, 12), generator.randint(1, 28))
        birth = min(birth, on)
        members.append(
            {
                "birth_date": birth.isoformat(),
                "name": generator.choice(["", "Lò Văn Pằn", "Hà Thị Mỷ"]),
                "in_school": _maybe(generator, generator.random() < 0.4),
                "at_age_appropriate_level": _maybe(generator, generator.random() < 0.7, 0.2),
                "education": _maybe(generator, generator.choice(EducationLevel.values)),
                "health_insurance": _maybe(generator, generator.random() < 0.8),
                "sick_untreated": generator.random() < 0.1,
                "employment": _maybe(generator, generator.choice(Employment.values)),
                "disability": generator.choice(Disability.values),
                "social_allowance": generator.random() < 0.3,
                "malnourished": generator.random() < 0.1,
                "sex": generator.choice(["male", "female", "male", "female", None]),
            }
        )
    return {
        "members": members,
        "housing": _maybe(generator, generator.choice(HousingType.values)),
        "living_area_m2": _maybe(generator, str(generator.randint(5, 2000) / 10)),
        "water_source": _maybe(generator, generator.choice(WaterSource.values)),
        "latrine": _maybe(generator, generator.choice(Latrine.values)),
        "telecom": _maybe(generator, generator.sample(TelecomService.values, generator.randint(0, 2))),
        "devices": _maybe(generator, sorted(generator.sample(Device.values, generator.randint(0, 3)))),
        "village_loudspeaker": _maybe(generator, generator.random() < 0.5),
        "waste": _maybe(generator, generator.choice(WasteTreatment.values)),
    }


def server_outcome(rules: StandardRules, case: dict[str, Any]) -> dict[str, Any]:
    """What the server decides for ``case``, in the shape ``classify.js``'s ``reviewOutcome`` answers."""
    try:
        outcome = review_outcome(
            rules=rules,
            year=case["incomeYear"] - 1,
            income_year=case["incomeYear"],
            is_urban=case["isUrban"],
            income=case["income"],
            facts=HouseholdFacts.from_json(case["facts"]),
            on=date.fromisoformat(case["on"]),
            mountain_island=case["mountainIsland"],
        )
    except MissingFactsError as error:
        return {"missing": [{"indicator": m.indicator, "fact": m.fact} for m in error.missing]}
    except ClassificationError as error:
        return {"error": error.field, "message": error.message}
    return {
        "status": outcome.status.value,
        "deprived": list(outcome.deprived),
        "deprived_count": outcome.deprived_count,
        "explanation": list(outcome.explanation),
        "missing": [],
    }
