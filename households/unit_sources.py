"""Administrative units as published by the ``vietnamadminunits`` and ``vietnam-provinces`` packages.

Plain data out, no database: the loader service (``households.services.units_load``) decides what to
write. Sources:

- the legacy tree (63 provinces, districts, 10,040 communes, state of 2024) and the old→new converter
  tables, split communes flagged, come from ``vietnamadminunits``;
- the tree from 1 July 2025 (34 provinces, 3,321 communes, codes of Decision 19/2025/QĐ-TTg) comes from
  ``vietnam-provinces``, whose data is newer where the two packages disagree on a code.

The two packages spell some names differently ("Hòa"/"Hoà"); they are joined on a key with diacritics,
spaces and punctuation removed, the same key ``vietnamadminunits`` uses in its converter.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from unidecode import unidecode
from vietnam_provinces import Province, VietNamDivisionType, Ward
from vietnamadminunits.database import query

from .models import UnitLevel, UnitType


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    short_name: str
    level: str
    unit_type: str
    parent_code: str | None
    is_urban: bool
    key: str


@dataclass(frozen=True)
class SuccessionRow:
    old_commune_code: str
    new_commune_code: str
    is_split: bool
    is_default: bool


@dataclass(frozen=True)
class ProvincePair:
    """A legacy province to load and the post-2025 province(s) that succeeded it."""

    legacy_codes: tuple[str, ...]
    new_codes: tuple[str, ...]


def name_key(name: str) -> str:
    """``"Xã Bộc Bố"`` → ``"xabocbo"``: the matching key of the packages (diacritics and spacing ignored)."""
    return re.sub(r"[^a-z0-9]", "", unidecode(name).lower())


_LEGACY_DISTRICT_TYPES = {
    "Quận": UnitType.QUAN,
    "Huyện": UnitType.HUYEN,
    "Thị xã": UnitType.THI_XA,
    "Thành phố": UnitType.THANH_PHO,
}
_LEGACY_COMMUNE_TYPES = {"Xã": UnitType.XA, "Phường": UnitType.PHUONG, "Thị trấn": UnitType.THI_TRAN}
_NEW_TYPES = {
    VietNamDivisionType.TINH: UnitType.TINH,
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: UnitType.THANH_PHO_TW,
    VietNamDivisionType.XA: UnitType.XA,
    VietNamDivisionType.PHUONG: UnitType.PHUONG,
    VietNamDivisionType.DAC_KHU: UnitType.DAC_KHU,
}
# Before 2025 phường and thị trấn are urban; from 2026 (Decree 351/2025/NĐ-CP, "khu vực thành thị") a phường
# is urban and a xã or đặc khu rural, unless an administrator marks the unit otherwise.
URBAN_TYPES = {UnitType.PHUONG, UnitType.THI_TRAN}


def _code(value: object, width: int) -> str:
    number = getattr(value, "value", value)
    return str(int(number)).zfill(width)


@cache
def _legacy_rows() -> tuple[dict, ...]:
    return tuple(
        query(
            "SELECT provinceCode, province, provinceShort, provinceKey, districtCode, district, districtShort,"
            " districtType, districtKey, wardCode, ward, wardShort, wardType, wardKey FROM admin_units_legacy"
        )
    )


@cache
def _converter() -> dict:
    with resources.files("vietnamadminunits").joinpath("data/converter_2025.json").open(encoding="utf-8") as f:
        return json.load(f)


@cache
def legacy_province_names() -> dict[str, str]:
    """Code → full name of the 63 provinces before 1 July 2025 (read once: every CCCD check asks)."""
    return {row["provinceCode"]: row["province"] for row in _legacy_rows()}


def new_province_names() -> dict[str, str]:
    """Code → full name of the 34 provinces from 1 July 2025."""
    return {_code(p.code, 2): _new_province_name(p) for p in Province.iter_all()}


def _new_province_name(province: Province) -> str:
    if province.division_type == VietNamDivisionType.TINH and not province.name.startswith("Tỉnh"):
        return f"Tỉnh {province.name}"
    return province.name


def _short(name: str) -> str:
    for prefix in ("Thành phố", "Tỉnh"):
        if name.startswith(prefix + " "):
            return name[len(prefix) + 1 :]
    return name


def legacy_tree(province_code: str) -> list[UnitRow]:
    """The province, its districts and communes as they stood until 30 June 2025, parents first."""
    rows = [r for r in _legacy_rows() if r["provinceCode"] == province_code]
    if not rows:
        raise KeyError(province_code)
    first = rows[0]
    province_type = UnitType.THANH_PHO_TW if first["province"].startswith("Thành phố") else UnitType.TINH
    units = [
        UnitRow(
            code=province_code,
            name=first["province"],
            short_name=first["provinceShort"],
            level=UnitLevel.PROVINCE,
            unit_type=province_type,
            parent_code=None,
            is_urban=False,
            key=first["provinceKey"],
        )
    ]
    seen_districts: set[str] = set()
    for r in rows:
        if r["districtCode"] in seen_districts:
            continue
        seen_districts.add(r["districtCode"])
        # The package capitalises some prefixes ("Thành Phố Bắc Kạn"); the name is rebuilt from type + short name.
        units.append(
            UnitRow(
                code=r["districtCode"],
                name=f"{r['districtType']} {r['districtShort']}",
                short_name=r["districtShort"],
                level=UnitLevel.DISTRICT,
                unit_type=_LEGACY_DISTRICT_TYPES[r["districtType"]],
                parent_code=province_code,
                is_urban=False,
                key=r["districtKey"],
            )
        )
    for r in rows:
        # A few island districts have no communes; the package gives them a row without a ward.
        if not r["wardCode"]:
            continue
        unit_type = _LEGACY_COMMUNE_TYPES[r["wardType"]]
        units.append(
            UnitRow(
                code=r["wardCode"],
                name=f"{r['wardType']} {r['wardShort']}",
                short_name=r["wardShort"],
                level=UnitLevel.COMMUNE,
                unit_type=unit_type,
                parent_code=r["districtCode"],
                is_urban=unit_type in URBAN_TYPES,
                key=f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}",
            )
        )
    return units


def new_tree(province_code: str) -> list[UnitRow]:
    """The province and its communes from 1 July 2025, parents first."""
    province = Province.from_code(int(province_code))
    name = _new_province_name(province)
    units = [
        UnitRow(
            code=province_code,
            name=name,
            short_name=_short(name),
            level=UnitLevel.PROVINCE,
            unit_type=_NEW_TYPES[province.division_type],
            parent_code=None,
            is_urban=False,
            key=name_key(name),
        )
    ]
    for ward in Ward.iter_by_province(province.code):
        unit_type = _NEW_TYPES[ward.division_type]
        prefix = unit_type.label
        units.append(
            UnitRow(
                code=_code(ward.code, 5),
                name=ward.name,
                short_name=ward.name[len(prefix) + 1 :] if ward.name.startswith(prefix + " ") else ward.name,
                level=UnitLevel.COMMUNE,
                unit_type=unit_type,
                parent_code=province_code,
                is_urban=unit_type == UnitType.PHUONG,
                key=name_key(ward.name),
            )
        )
    return units


def resolve_province(text: str) -> ProvincePair:
    """Find the legacy province a name or code stands for, with its successor after the reform.

    Every post-2025 province kept the name and code of one predecessor, so names and codes are read as
    legacy ones ("Bình Định", code 52, brings Gia Lai, which kept code 52). Raises ``LookupError``
    carrying every known province name.
    """
    wanted = name_key(text)
    legacy = legacy_province_names()
    for code, name in legacy.items():
        if wanted in {code, name_key(name), name_key(_short(name))} or text.strip() == code:
            return ProvincePair(legacy_codes=(code,), new_codes=tuple(_successor_codes(code)))
    raise LookupError(sorted(legacy.values()))


def _new_key_by_code() -> dict[str, str]:
    return {code: name_key(_short(name)) for code, name in new_province_names().items()}


def _successor_codes(legacy_code: str) -> list[str]:
    legacy_key = next(r["provinceKey"] for r in _legacy_rows() if r["provinceCode"] == legacy_code)
    new_keys = {new_key for new_key, old_keys in _converter()["DICT_PROVINCE"].items() if legacy_key in old_keys}
    return [code for code, key in _new_key_by_code().items() if any(k.endswith(key) for k in new_keys)]


def _accented_key(name: str) -> str:
    return re.sub(r"[\s\-.,']", "", name.lower())


def _new_commune_index(new_code: str) -> dict[str, str]:
    """Converter key → new commune code.

    The converter mostly uses plain keys, but a few of its keys keep their diacritics ("xãvănlang"), and
    plain keys can collide ("Xã Văn Lang" and "Xã Văn Lăng" in Thái Nguyên): accented keys are indexed
    too, and a plain key shared by two communes is left out rather than guessed.
    """
    communes = [u for u in new_tree(new_code) if u.level == UnitLevel.COMMUNE]
    plain: dict[str, list[str]] = {}
    for unit in communes:
        plain.setdefault(unit.key, []).append(unit.code)
    index = {key: codes[0] for key, codes in plain.items() if len(codes) == 1}
    index.update({_accented_key(unit.name): unit.code for unit in communes})
    return index


def successions(legacy_code: str, new_code: str) -> list[SuccessionRow]:
    """Which new commune(s) of ``new_code`` each old commune of ``legacy_code`` became part of."""
    old_by_key = {u.key: u.code for u in legacy_tree(legacy_code) if u.level == UnitLevel.COMMUNE}
    new_by_key = _new_commune_index(new_code)
    converter_key = next(k for k in _converter()["DICT_PROVINCE"] if k.endswith(_new_key_by_code()[new_code]))
    result: list[SuccessionRow] = []
    for new_key, old_keys in _converter()["DICT_PROVINCE_WARD_NO_DIVIDED"].get(converter_key, {}).items():
        for old_key in old_keys:
            if old_key in old_by_key and new_key in new_by_key:
                result.append(SuccessionRow(old_by_key[old_key], new_by_key[new_key], is_split=False, is_default=True))
    for old_key, parts in _converter()["DICT_PROVINCE_WARD_DIVIDED"].get(converter_key, {}).items():
        if old_key not in old_by_key:
            continue
        for part in parts:
            if part["newWardKey"] in new_by_key:
                result.append(
                    SuccessionRow(
                        old_by_key[old_key],
                        new_by_key[part["newWardKey"]],
                        is_split=True,
                        is_default=bool(part["isDefaultNewWard"]),
                    )
                )
    return result


@cache
def _coordinate_index() -> dict[tuple[bool, str, str], tuple[float, float]]:
    """(legacy?, level, key) → (lat, lon) of the packages' unit centroids."""
    index: dict[tuple[bool, str, str], tuple[float, float]] = {}
    for r in query(
        "SELECT provinceCode, provinceLat, provinceLon, districtCode, districtLat, districtLon, wardCode, wardLat,"
        " wardLon FROM admin_units_legacy"
    ):
        index[(True, UnitLevel.PROVINCE, r["provinceCode"])] = (r["provinceLat"], r["provinceLon"])
        index[(True, UnitLevel.DISTRICT, r["districtCode"])] = (r["districtLat"], r["districtLon"])
        if r["wardCode"]:
            index[(True, UnitLevel.COMMUNE, r["wardCode"])] = (r["wardLat"], r["wardLon"])
    for r in query("SELECT provinceCode, provinceLat, provinceLon, ward, wardLat, wardLon FROM admin_units"):
        index[(False, UnitLevel.PROVINCE, r["provinceCode"])] = (r["provinceLat"], r["provinceLon"])
        # The post-2025 codes of the two packages differ in places: communes are matched by name key.
        index[(False, UnitLevel.COMMUNE, f"{r['provinceCode']}:{_accented_key(r['ward'])}")] = (
            r["wardLat"],
            r["wardLon"],
        )
    return index


def coordinates(
    *, level: str, code: str, name: str, legacy: bool, province_code: str = ""
) -> tuple[float, float] | None:
    """The centroid of a unit from the packages, or None (villages, units the packages do not place)."""
    index = _coordinate_index()
    if not legacy and level == UnitLevel.COMMUNE:
        return index.get((False, level, f"{province_code}:{_accented_key(name)}"))
    return index.get((legacy, level, code))
