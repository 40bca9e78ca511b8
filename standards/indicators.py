"""Deciding each deprivation indicator from facts about a household: an officer enters facts, not verdicts.

Pure: ``HouseholdFacts`` and the standard's ``StandardRules`` in, one ``IndicatorDecision`` per indicator
out. Which fact decides an indicator is code (one function per indicator code, shared by the periods
that have the indicator); where the line is drawn is data: the indicator's ``thresholds`` in the
standard, editable by an administrator. Keys read from ``thresholds``:

- ``health_access`` (Decision 59/2015/QĐ-TTg): none — a member ill and not treated.
- ``health_insurance``: ``age_from`` — members of that age or older without health insurance.
- ``adult_education``: ``groups`` — a list of ``{age_from, age_below? or age_to?, born_from_year?, accepted}``
  (``age_below`` excludes that age, ``age_to`` includes it); a member of a group who is not studying and
  whose education level is not in ``accepted``.
- ``child_schooling``: ``age_from``, ``age_below``, ``require_age_appropriate_level``.
- ``housing_quality``: ``deprived_types``. ``housing_area``: ``min_m2_per_person`` (strictly below).
- ``water``: ``safe_sources``. ``latrine``: ``hygienic_types``. ``waste``: ``adequate``.
- ``telecom``: ``any_of`` — deprived when no member uses any of these services.
- ``information_means``: ``devices``, ``loudspeaker_counts``.
- ``employment``: ``working_age`` (true: the working age of ``standards.working_age``, by sex and date) or,
  in standards written before it, ``age_from`` and ``age_to`` (full years, both included);
  ``deprived_statuses``.
- ``dependants``: ``child_age_below``; ``elderly_past_working_age`` (true: a member past the working age of
  ``standards.working_age``) or ``elderly_age_from``; ``elderly_requires_allowance``, ``disabled_levels``,
  ``disabled_requires_allowance``, ``share_above``.
- ``nutrition``: ``age_below``.

Ages are full years on the review's reference date (``on``), not on the day the facts are entered. A fact an
indicator needs but the officer left empty ("not recorded") is reported, all at once, by ``MissingFactsError``;
it never silently counts as "deprived" or "not deprived".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any, Literal

import orjson
from django.db.models import TextChoices
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .classification import StandardRules, Translated
from .working_age import past_working_age_if_known, working_age_if_known


class EducationLevel(TextChoices):
    NONE = "none", _("No school completed")
    PRIMARY = "primary", _("Primary school")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary school")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")
    VOCATIONAL = "vocational", _("Vocational certificate or diploma")
    HIGHER = "higher", _("College or university")
    # Decree 07/2021/NĐ-CP, appendix (adult education): a member aged 16 to 30 taken on by an employer who
    # certifies their on-the-job vocational training has the training the indicator asks for.
    EMPLOYER_TRAINING = "employer_training", _("Vocational training certified by an employer")


class Employment(TextChoices):
    EMPLOYEE_WITH_CONTRACT = "employee_with_contract", _("Employee with a labour contract")
    EMPLOYEE_WITHOUT_CONTRACT = "employee_without_contract", _("Employee without a labour contract")
    SELF_EMPLOYED = "self_employed", _("Self-employed or farming")
    UNEMPLOYED = "unemployed", _("Unemployed")
    NOT_IN_LABOUR_FORCE = "not_in_labour_force", _("Not in the labour force (studying, retired, unable to work)")


class Disability(TextChoices):
    # Law on Persons with Disabilities 2010, art. 3: the three degrees.
    NONE = "none", _("No disability")
    MILD = "mild", _("Mild disability")
    SEVERE = "severe", _("Severe disability")
    ESPECIALLY_SEVERE = "especially_severe", _("Especially severe disability")


class HousingType(TextChoices):
    PERMANENT = "permanent", _("Permanent house")
    SEMI_PERMANENT = "semi_permanent", _("Semi-permanent house")
    LESS_PERMANENT = "less_permanent", _("Less-than-permanent house")
    SIMPLE = "simple", _("Simple (makeshift) house")


class WaterSource(TextChoices):
    PIPED = "piped", _("Piped water")
    DRILLED_WELL = "drilled_well", _("Drilled well")
    PROTECTED_DUG_WELL = "protected_dug_well", _("Protected dug well")
    PROTECTED_SPRING = "protected_spring", _("Protected spring or gravity-fed water")
    RAINWATER = "rainwater", _("Rainwater")
    BOTTLED = "bottled", _("Bottled or purchased water")
    UNPROTECTED_WELL = "unprotected_well", _("Unprotected well")
    UNPROTECTED_SPRING = "unprotected_spring", _("Unprotected spring")
    SURFACE = "surface", _("River, stream, pond or lake")
    OTHER = "other", _("Other water source")


class Latrine(TextChoices):
    SEPTIC = "septic", _("Flush toilet with septic tank")
    POUR_FLUSH = "pour_flush", _("Pour-flush latrine")
    DOUBLE_VAULT = "double_vault", _("Double-vault latrine")
    VENTILATED_PIT = "ventilated_pit", _("Ventilated pit latrine")
    UNHYGIENIC = "unhygienic", _("Other (unhygienic) latrine")
    NONE = "none", _("No latrine")


class TelecomService(TextChoices):
    PHONE = "phone", _("Telephone subscription")
    INTERNET = "internet", _("Internet")


class Device(TextChoices):
    TV = "tv", _("Television")
    RADIO = "radio", _("Radio")
    COMPUTER = "computer", _("Computer")
    SMARTPHONE = "smartphone", _("Smartphone")
    TABLET = "tablet", _("Tablet")


class WasteTreatment(TextChoices):
    COLLECTED = "collected", _("Collected by a waste service")
    TREATED_ON_SITE = "treated_on_site", _("Sorted and treated at home (composted, buried as required)")
    BURNED = "burned", _("Burned in the open")
    DUMPED = "dumped", _("Dumped")


_new_object = object.__new__
_set_attribute = object.__setattr__


@dataclass(frozen=True)
class MemberFacts:
    birth_date: date
    name: str = ""
    in_school: bool | None = False  # attending school, education or training now; None: not recorded
    at_age_appropriate_level: bool | None = None  # for a child in school: at the grade for their age
    education: str | None = None  # highest level completed, an ``EducationLevel``
    health_insurance: bool | None = None
    sick_untreated: bool = False  # ill in the last 12 months and not treated
    employment: str | None = None  # an ``Employment``
    disability: str = Disability.NONE
    social_allowance: bool = False  # on a monthly social allowance
    malnourished: bool = False  # stunted or underweight for their age
    sex: str | None = None  # "male" or "female"; None in facts stored before the sex was kept

    @classmethod
    def of(
        cls,
        birth_date: date,
        name: str,
        in_school: bool | None,
        at_age_appropriate_level: bool | None,
        education: str | None,
        health_insurance: bool | None,
        sick_untreated: bool,
        employment: str | None,
        disability: str,
        social_allowance: bool,
        malnourished: bool,
        sex: str | None = None,
    ) -> MemberFacts:
        """``MemberFacts(...)`` with every field given, made without the frozen dataclass's ``__init__``,
        which sets each field through ``object.__setattr__``: a large import makes 400,000 of them
        (about 0.4 s saved). The same object, equal and serialised alike."""
        facts = _new_object(cls)
        _set_attribute(
            facts,
            "__dict__",
            {
                "birth_date": birth_date,
                "name": name,
                "in_school": in_school,
                "at_age_appropriate_level": at_age_appropriate_level,
                "education": education,
                "health_insurance": health_insurance,
                "sick_untreated": sick_untreated,
                "employment": employment,
                "disability": disability,
                "social_allowance": social_allowance,
                "malnourished": malnourished,
                "sex": sex,
            },
        )
        return facts

    def age_on(self, on: date) -> int:
        before_birthday = (on.month, on.day) < (self.birth_date.month, self.birth_date.day)
        return on.year - self.birth_date.year - before_birthday


@dataclass(frozen=True)
class HouseholdFacts:
    members: tuple[MemberFacts, ...]
    housing: str | None = None  # a ``HousingType``
    living_area_m2: Decimal | None = None
    water_source: str | None = None  # a ``WaterSource``
    latrine: str | None = None  # a ``Latrine``
    telecom: frozenset[str] | None = None  # ``TelecomService`` values used by any member
    devices: frozenset[str] | None = None  # ``Device`` values the household has
    village_loudspeaker: bool | None = None  # hears the village or commune loudspeaker system
    waste: str | None = None  # a ``WasteTreatment``

    def __post_init__(self):
        object.__setattr__(self, "members", tuple(self.members))
        if self.living_area_m2 is not None:
            object.__setattr__(self, "living_area_m2", Decimal(str(self.living_area_m2)))
        for name in ("telecom", "devices"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, frozenset(getattr(self, name)))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HouseholdFacts:
        """Facts as stored in a JSONField (dates as ISO strings, sets as lists)."""
        members = tuple(
            MemberFacts(**{**member, "birth_date": date.fromisoformat(member["birth_date"])})
            for member in data.get("members", ())
        )
        return cls(members=members, **{key: value for key, value in data.items() if key != "members"})

    def to_json_text(self) -> str:
        """``to_json`` serialised, made straight from the dataclasses by orjson (a large import writes the
        facts of 100,000 reviews: a tenth of the cost of building the dicts first)."""
        return orjson.dumps(self, default=_json_default).decode()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in _HOUSEHOLD_FACT_FIELDS:
            value = getattr(self, name)
            if name == "members":
                value = [{**_as_dict(m), "birth_date": m.birth_date.isoformat()} for m in value]
            elif isinstance(value, frozenset):
                value = sorted(value)
            elif isinstance(value, Decimal):
                value = str(value)
            data[name] = value
        return data


@dataclass(frozen=True)
class IndicatorDecision:
    deprived: bool
    reason: str


@dataclass(frozen=True)
class MissingFact:
    indicator: str
    fact: str  # e.g. "water_source" or "members[2].health_insurance" (members counted from 1)


class MissingFactsError(ValueError):
    def __init__(self, missing: Iterable[MissingFact]):
        self.missing = tuple(missing)
        listed = ", ".join(f"{m.indicator}: {m.fact}" for m in self.missing)
        super().__init__(gettext("Facts needed to decide the indicators are missing: {facts}").format(facts=listed))


def decide_indicators(
    rules: StandardRules,
    facts: HouseholdFacts,
    *,
    on: date,
    explain: bool | Literal["deprived"] = True,
    only: Collection[str] | None = None,
    language: str | None = None,
) -> dict[str, IndicatorDecision]:
    """Decide every indicator of ``rules`` for the household, in the standard's order.

    ``explain=False`` decides exactly the same way but leaves every ``reason`` empty, and
    ``explain="deprived"`` writes the reasons of the deprived indicators only, the ones a review keeps
    (``households.review_outcome.review_outcome``): the text is most of the cost. ``only``
    gives the codes to decide; the others are left out of the result. The reasons are written in
    ``language``, by default the active one (see ``standards.classification.classify``).
    """
    decisions: dict[str, IndicatorDecision] = {}
    # One context for all the indicators (a reason is written at once, never later): the members' ages,
    # read by most indicators, are worked out once.
    text = Translated(language or get_language()) if explain else _UNTRANSLATED
    context = _Context(facts, on, explain, text, tuple(m.age_on(on) for m in facts.members))
    for indicator in rules.indicators:
        if only is not None and indicator.code not in only:
            continue
        decide = _DECIDERS.get(indicator.code)
        if decide is None:
            raise ValueError(f"No rule decides indicator {indicator.code!r} of standard {rules.code}.")
        context.code, context.thresholds = indicator.code, indicator.thresholds
        decisions[indicator.code] = decide(context)
    if context.missing:
        raise MissingFactsError(context.missing)
    return decisions


def deprived_codes(decisions: Mapping[str, IndicatorDecision]) -> list[str]:
    return [code for code, decision in decisions.items() if decision.deprived]


class _Context:
    """What a decider reads: the facts, the date, the thresholds of the indicator being decided."""

    __slots__ = ("ages", "code", "explain_all", "explain_deprived", "facts", "missing", "on", "text", "thresholds")

    def __init__(self, facts: HouseholdFacts, on: date, explain: bool | str, text: Translated, ages: tuple[int, ...]):
        self.facts = facts
        self.on = on
        self.explain_deprived = bool(explain)  # True or "deprived"
        self.explain_all = explain is True
        self.text = text  # the reasons' language, read once per call (``standards.classification.Translated``)
        self.ages = ages  # of the members on ``on``, in order
        self.missing: list[MissingFact] = []
        self.code = ""
        self.thresholds: Mapping[str, Any] = {}

    def yes(self, reason: Callable[[], str]) -> IndicatorDecision:
        return IndicatorDecision(True, reason()) if self.explain_deprived else _DEPRIVED

    def no(self, reason: Callable[[], str]) -> IndicatorDecision:
        return IndicatorDecision(False, reason()) if self.explain_all else _NOT_DEPRIVED

    def decision(self, deprived: bool, reason: Callable[[], str]) -> IndicatorDecision:
        if self.explain_all or (deprived and self.explain_deprived):
            return IndicatorDecision(deprived, reason())
        return _DEPRIVED if deprived else _NOT_DEPRIVED

    def threshold(self, key: str) -> Any:
        try:
            return self.thresholds[key]
        except KeyError:
            raise ValueError(f"Indicator {self.code!r} has no threshold {key!r}.") from None

    def household(self, name: str) -> Any:
        value = getattr(self.facts, name)
        if value is None:
            self.missing.append(MissingFact(self.code, name))
        return value

    def member(self, index: int, name: str) -> Any:
        value = getattr(self.facts.members[index], name)
        if value is None:
            self.missing.append(MissingFact(self.code, f"members[{index + 1}].{name}"))
        return value

    # The text of the reasons, in the language active when ``decide_indicators`` was called.

    def gettext(self, message: str) -> str:
        return self.text.gettext(message)

    def name(self, index: int, member: MemberFacts) -> str:
        return member.name or self.gettext("member {number}").format(number=index + 1)

    def names(self, members: Iterable[tuple[int, MemberFacts]]) -> str:
        return ", ".join(self.name(i, m) for i, m in members)

    def label(self, choices: type[TextChoices], value: str) -> str:
        return self.text.choice_label(choices, value)

    def number(self, value: Decimal) -> str:
        text = f"{value.quantize(Decimal('0.01')).normalize():f}"
        return text.replace(".", ",") if self.text.vietnamese else text

    def percent(self, value: Fraction) -> str:
        return self.number(Decimal(value.numerator * 100) / Decimal(value.denominator)) + "%"

    def working_age(self, member: MemberFacts) -> bool | None:
        """Whether the member is of working age on ``on`` (``standards.working_age``); ``None`` when the answer
        depends on a sex the facts do not hold (stored before it was kept): see ``sex_missing``."""
        return working_age_if_known(member.birth_date, member.sex, self.on)

    def past_working_age(self, member: MemberFacts) -> bool | None:
        return past_working_age_if_known(member.birth_date, member.sex, self.on)

    def sex_missing(self, index: int) -> None:
        # Only where the sex decides: the working age of most members is the same for both.
        self.missing.append(MissingFact(self.code, f"members[{index + 1}].sex"))

    def members_aged(self, age_from: int = 0, age_below: int | None = None) -> list[tuple[int, MemberFacts]]:
        ages = self.ages
        return [
            (i, m)
            for i, m in enumerate(self.facts.members)
            if age_from <= ages[i] and (age_below is None or ages[i] < age_below)
        ]


def _health_access(c: _Context) -> IndicatorDecision:
    # Decision 59/2015/QĐ-TTg, art. 2.1.b: a member ill (bedridden, or unable to work or study) who was
    # not treated.
    sick = [(i, m) for i, m in enumerate(c.facts.members) if m.sick_untreated]
    if sick:
        return c.yes(lambda: c.gettext("{names}: ill without medical care").format(names=c.names(sick)))
    return c.no(lambda: c.gettext("no member ill without medical care"))


def _health_insurance(c: _Context) -> IndicatorDecision:
    # Decision 59/2015/QĐ-TTg and Decree 07/2021/NĐ-CP: a member aged 6 or over without health insurance.
    age_from = int(c.threshold("age_from"))
    without = [(i, m) for i, m in c.members_aged(age_from) if c.member(i, "health_insurance") is False]
    values = {"age_from": age_from}
    if without:
        return c.yes(
            lambda: c.gettext("{names}: aged {age_from} or over without health insurance").format(
                names=c.names(without), **values
            )
        )
    return c.no(lambda: c.gettext("every member aged {age_from} or over has health insurance").format(**values))


def _adult_education(c: _Context) -> IndicatorDecision:
    # Decision 59/2015/QĐ-TTg: aged 15 or over, born 1986 or later, without lower secondary and not in
    # school. Decree 07/2021/NĐ-CP, appendix: aged 16 to 30, not in training and without the qualification
    # for their age — 16 to under 18: lower secondary; 18 to 30: upper secondary or vocational training, or
    # (16 to 30) on-the-job training certified by the employer ("không tham gia các khóa đào tạo hoặc không
    # có bằng cấp" read as: neither). A group's ``age_below`` excludes that age, ``age_to`` includes it.
    lacking = []
    for group in c.threshold("groups"):
        age_below = group.get("age_below")
        if age_below is None and group.get("age_to") is not None:
            age_below = int(group["age_to"]) + 1
        born_from = group.get("born_from_year")
        for i, m in c.members_aged(int(group["age_from"]), None if age_below is None else int(age_below)):
            if born_from is not None and m.birth_date.year < int(born_from):
                continue
            if m.in_school:
                continue
            level = c.member(i, "education")
            if level is None or level in group["accepted"]:
                continue
            # Without the schooling for their age: deprived unless studying, which must then be known.
            if c.member(i, "in_school") is False:
                lacking.append((i, m))
    if lacking:
        return c.yes(
            lambda: c.gettext("{names}: without the required schooling and not studying").format(names=c.names(lacking))
        )
    return c.no(lambda: c.gettext("no member lacks the schooling required for their age"))


def _child_schooling(c: _Context) -> IndicatorDecision:
    # Decision 59/2015/QĐ-TTg: a child aged 5 to under 15 not in school. Decree 07/2021/NĐ-CP: a child aged
    # 3 to under 16 not at the school level for their age.
    age_from, age_below = int(c.threshold("age_from")), int(c.threshold("age_below"))
    require_level = bool(c.threshold("require_age_appropriate_level"))
    out_of_school, behind = [], []
    for i, m in c.members_aged(age_from, age_below):
        in_school = c.member(i, "in_school")
        if in_school is None:
            continue  # reported missing: an unrecorded child is not counted out of school
        if not in_school:
            out_of_school.append((i, m))
        elif require_level and c.member(i, "at_age_appropriate_level") is False:
            behind.append((i, m))
    values = {"age_from": age_from, "age_below": age_below}
    if out_of_school or behind:

        def reason() -> str:
            reasons = []
            if out_of_school:
                reasons.append(c.gettext("{names}: not in school").format(names=c.names(out_of_school)))
            if behind:
                behind_text = c.gettext("{names}: not at the school level for their age")
                reasons.append(behind_text.format(names=c.names(behind)))
            return "; ".join(reasons)

        return c.yes(reason)
    return c.no(lambda: c.gettext("every child aged {age_from} to under {age_below} is in school").format(**values))


def _housing_quality(c: _Context) -> IndicatorDecision:
    # Both standards: living in a less-than-permanent or simple house.
    housing = c.household("housing")
    if housing is None:
        return c.no(_empty)
    return c.decision(
        housing in c.threshold("deprived_types"),
        lambda: c.gettext("house: {housing}").format(housing=c.label(HousingType, housing)),
    )


def _housing_area(c: _Context) -> IndicatorDecision:
    # Both standards: living area per person below 8 m² ("nhỏ hơn 8m2": strictly below).
    area = c.household("living_area_m2")
    if area is None:
        return c.no(_empty)
    people = len(c.facts.members)
    minimum = _decimal(c.threshold("min_m2_per_person"))
    deprived = area < minimum * people

    def reason() -> str:
        per_person = area / people if people else area
        values = {
            "area": c.number(area),
            "people": people,
            "per_person": c.number(per_person),
            "minimum": c.number(minimum),
        }
        if deprived:
            return c.gettext("{area} m² for {people} people: {per_person} m² each, below {minimum} m²").format(**values)
        return c.gettext("{area} m² for {people} people: {per_person} m² each, not below {minimum} m²").format(**values)

    return c.decision(deprived, reason)


def _water(c: _Context) -> IndicatorDecision:
    source = c.household("water_source")
    if source is None:
        return c.no(_empty)
    return c.decision(
        source not in c.threshold("safe_sources"),
        lambda: c.gettext("water source: {source}").format(source=c.label(WaterSource, source)),
    )


def _latrine(c: _Context) -> IndicatorDecision:
    latrine = c.household("latrine")
    if latrine is None:
        return c.no(_empty)
    return c.decision(
        latrine not in c.threshold("hygienic_types"),
        lambda: c.gettext("latrine: {latrine}").format(latrine=c.label(Latrine, latrine)),
    )


def _telecom(c: _Context) -> IndicatorDecision:
    used = c.household("telecom")
    if used is None:
        return c.no(_empty)
    wanted = list(c.threshold("any_of"))
    none_used = used.isdisjoint(wanted)

    def reason() -> str:
        if none_used:
            services = ", ".join(c.label(TelecomService, s) for s in wanted)
            return c.gettext("no member uses any of: {services}").format(services=services)
        found = ", ".join(c.label(TelecomService, s) for s in wanted if s in used)
        return c.gettext("members use: {services}").format(services=found)

    return c.decision(none_used, reason)


def _information_means(c: _Context) -> IndicatorDecision:
    # Decision 59/2015/QĐ-TTg also counts hearing the village loudspeaker system; Decree 07/2021/NĐ-CP
    # counts devices only (``loudspeaker_counts``).
    devices = c.household("devices")
    loudspeaker_counts = bool(c.threshold("loudspeaker_counts"))
    hears = c.household("village_loudspeaker") if loudspeaker_counts else False
    if devices is None or hears is None:
        return c.no(_empty)
    wanted = list(c.threshold("devices"))
    owned = [d for d in wanted if d in devices]
    if owned:
        return c.no(lambda: c.gettext("has: {devices}").format(devices=", ".join(c.label(Device, d) for d in owned)))
    if hears:
        return c.no(lambda: c.gettext("hears the village loudspeaker system"))
    return c.yes(lambda: c.gettext("none of: {devices}").format(devices=", ".join(c.label(Device, d) for d in wanted)))


def _employment(c: _Context) -> IndicatorDecision:
    # Decree 07/2021/NĐ-CP: a working-age member unemployed or working without a labour contract. Working
    # age is by sex and date (Labour Code 2019, arts. 3 and 169; Decree 135/2020/NĐ-CP): ``working_age``.
    # Standards written before it give a fixed range in full years (``age_from``, ``age_to``), still read.
    statuses = c.threshold("deprived_statuses")
    if c.thresholds.get("working_age"):
        candidates = []
        for i, m in enumerate(c.facts.members):
            if m.employment is not None and m.employment not in statuses:
                continue  # not deprived at any age: the working age is not needed
            working = c.working_age(m)
            if working:
                candidates.append((i, m))
            elif working is None:
                c.sex_missing(i)
    else:
        age_from, age_to = int(c.threshold("age_from")), int(c.threshold("age_to"))
        candidates = c.members_aged(age_from, age_to + 1)
    deprived = []
    for i, m in candidates:
        status = c.member(i, "employment")
        if status is not None and status in statuses:
            deprived.append((i, m, status))
    if deprived:
        return c.yes(
            lambda: c.gettext("working-age members deprived of employment: {members}").format(
                members=", ".join(f"{c.name(i, m)} ({c.label(Employment, status)})" for i, m, status in deprived)
            )
        )
    return c.no(lambda: c.gettext("no working-age member is deprived of employment"))


def _dependants(c: _Context) -> IndicatorDecision:
    # Decree 07/2021/NĐ-CP and Decree 351/2025/NĐ-CP: dependants (children under 16, elderly or disabled
    # members, on a social allowance where the standard says so) are more than half the household. The
    # elderly are those past working age (``elderly_past_working_age``: by sex and date, Labour Code 2019,
    # art. 169, and Decree 135/2020/NĐ-CP) or, where the standard says so, from a fixed age
    # (``elderly_age_from``).
    child_below = int(c.threshold("child_age_below"))
    past_working_age = bool(c.thresholds.get("elderly_past_working_age"))
    elderly_from = None if past_working_age else int(c.threshold("elderly_age_from"))
    elderly_allowance = bool(c.threshold("elderly_requires_allowance"))
    disabled_levels = c.threshold("disabled_levels")
    disabled_allowance = bool(c.threshold("disabled_requires_allowance"))
    share_above = _fraction(c.threshold("share_above"))

    def is_dependant(i: int, m: MemberFacts, age: int) -> bool:
        if age < child_below:
            return True
        if m.disability in disabled_levels and (m.social_allowance or not disabled_allowance):
            return True
        if elderly_allowance and not m.social_allowance:
            return False
        if elderly_from is not None:
            return age >= elderly_from
        elderly = c.past_working_age(m)
        if elderly is None:
            c.sex_missing(i)
        return bool(elderly)

    people = len(c.facts.members)
    count = sum(is_dependant(i, m, age) for i, (m, age) in enumerate(zip(c.facts.members, c.ages, strict=True)))
    # share > share_above, in whole numbers (a Fraction is slow to build, and needed only for the text).
    deprived = count * share_above.denominator > share_above.numerator * people if people else share_above < 0

    def reason() -> str:
        share = Fraction(count, people) if people else Fraction(0)
        values = {"count": count, "people": people, "share": c.percent(share), "limit": c.percent(share_above)}
        if deprived:
            return c.gettext("{count} dependants of {people} people ({share}), more than {limit}").format(**values)
        return c.gettext("{count} dependants of {people} people ({share}), not more than {limit}").format(**values)

    return c.decision(deprived, reason)


def _nutrition(c: _Context) -> IndicatorDecision:
    # Decree 07/2021/NĐ-CP: a child under 16 stunted or underweight for their age.
    age_below = int(c.threshold("age_below"))
    children = [(i, m) for i, m in c.members_aged(0, age_below) if m.malnourished]
    if children:
        return c.yes(
            lambda: c.gettext("{names}: malnourished, under {age_below}").format(
                names=c.names(children), age_below=age_below
            )
        )
    return c.no(lambda: c.gettext("no child under {age_below} is malnourished").format(age_below=age_below))


def _waste(c: _Context) -> IndicatorDecision:
    # Decree 351/2025/NĐ-CP: household waste neither collected nor treated as required.
    waste = c.household("waste")
    if waste is None:
        return c.no(_empty)
    return c.decision(
        waste not in c.threshold("adequate"),
        lambda: c.gettext("household waste: {waste}").format(waste=c.label(WasteTreatment, waste)),
    )


_DECIDERS: dict[str, Callable[[_Context], IndicatorDecision]] = {
    "health_access": _health_access,
    "health_insurance": _health_insurance,
    "adult_education": _adult_education,
    "child_schooling": _child_schooling,
    "housing_quality": _housing_quality,
    "housing_area": _housing_area,
    "water": _water,
    "latrine": _latrine,
    "telecom": _telecom,
    "information_means": _information_means,
    "employment": _employment,
    "dependants": _dependants,
    "nutrition": _nutrition,
    "waste": _waste,
}
DECIDED_INDICATORS = frozenset(_DECIDERS)


def _empty() -> str:
    return ""


@lru_cache(maxsize=64, typed=True)
def _decimal(value: Any) -> Decimal:
    # Thresholds are data (a number or its text); read once per value, not once per household.
    return Decimal(str(value))


@lru_cache(maxsize=64, typed=True)
def _fraction(value: Any) -> Fraction:
    return Fraction(str(value))


# Without a reason every decision is one of two values (a decision is immutable): made once.
_DEPRIVED = IndicatorDecision(True, "")
_NOT_DEPRIVED = IndicatorDecision(False, "")
_UNTRANSLATED = Translated(None)  # never used: without ``explain`` no reason is written
_MEMBER_FACT_FIELDS = tuple(f.name for f in fields(MemberFacts))
_HOUSEHOLD_FACT_FIELDS = tuple(f.name for f in fields(HouseholdFacts))


def _json_default(value: Any) -> Any:
    # What orjson does not write itself, as ``HouseholdFacts.to_json`` writes it.
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a fact.")


def _as_dict(member: MemberFacts) -> dict[str, Any]:
    return {name: getattr(member, name) for name in _MEMBER_FACT_FIELDS}
