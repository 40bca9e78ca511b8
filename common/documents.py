"""The place and date line of an official document ("Bắc Kạn, ngày 07 tháng 12 năm 2026"), as Decree 30/2020/NĐ-CP
on administrative documents, Appendix I, writes it."""

from datetime import date

# The words that name a unit's level, longest first ("Thành phố" before a one-word level).
_LEVELS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")


def place_name(unit_name: str) -> str:
    """The place of the line: the unit's own name without its level ("Tỉnh Bắc Kạn" → "Bắc Kạn", "Xã Văn Lang" →
    "Văn Lang"), except where that name is a number ("Phường 5" stays whole: "5" names no place)."""
    name = " ".join(unit_name.split())
    for level in _LEVELS:
        if name.casefold().startswith(level.casefold() + " "):
            rest = name[len(level) + 1 :]
            return name if rest.isdigit() else rest
    return name


def vietnamese_date(day: date) -> str:
    """The date as the line writes it, "ngày 07 tháng 12 năm 2026": a day under 10 and the months 1 and 2 with a
    leading zero (Decree 30/2020/NĐ-CP, Appendix I)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date_line(place: str, day: date | None) -> str:
    """The whole line; without a day, dotted blanks to fill in by hand."""
    when = vietnamese_date(day) if day else "ngày …… tháng …… năm ……"
    return f"{place or '……………'}, {when}"
