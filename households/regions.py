"""The six socio-economic regions the ministry's national tables group provinces by (Resolution 81/2023/QH15,
the national master plan 2021-2030), keyed by the legacy provinces' codes (Decision 124/2004/QĐ-TTg).

A province of the 2025 tree takes the region of the legacy province whose code it kept, the one of its seat
(Resolution 202/2025/QH15). **(check)** No text found assigns the merged provinces to regions, and seven of
them joined provinces of two regions (Phú Thọ, Bắc Ninh, Quảng Ngãi, Gia Lai, Lâm Đồng, Đắk Lắk, Tây Ninh):
the loader only fills an empty region, and an administrator's correction stays.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    NORTHERN_MOUNTAINS = "northern_mountains", _("Northern midlands and mountains")
    RED_RIVER_DELTA = "red_river_delta", _("Red River Delta")
    NORTH_CENTRAL_COAST = "central_coast", _("North Central and Central Coast")
    CENTRAL_HIGHLANDS = "central_highlands", _("Central Highlands")
    SOUTHEAST = "southeast", _("Southeast")
    MEKONG_DELTA = "mekong_delta", _("Mekong River Delta")


_BY_REGION = {
    Region.NORTHERN_MOUNTAINS: "02 04 06 08 10 11 12 14 15 17 19 20 24 25",
    Region.RED_RIVER_DELTA: "01 22 26 27 30 31 33 34 35 36 37",
    Region.NORTH_CENTRAL_COAST: "38 40 42 44 45 46 48 49 51 52 54 56 58 60",
    Region.CENTRAL_HIGHLANDS: "62 64 66 67 68",
    Region.SOUTHEAST: "70 72 74 75 77 79",
    Region.MEKONG_DELTA: "80 82 83 84 86 87 89 91 92 93 94 95 96",
}
PROVINCE_REGION: dict[str, str] = {code: region for region, codes in _BY_REGION.items() for code in codes.split()}


def region_of_province(code: str) -> str:
    """The region of a province by its code, legacy or kept by a 2025 province; "" when not known."""
    return PROVINCE_REGION.get(code, "")
