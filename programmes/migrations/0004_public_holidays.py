"""Public holidays of Vietnam 2021-2027: the days off that periods in working days skip (the complaint period of
the review, Decision 24/2021/QĐ-TTg, art. 4, step 4).

Labour Code 2019, art. 112: New Year (1/1), Tết (5 days, the days chosen each year), the Hùng Kings (10/3 of the
lunar calendar), 30/4, 1/5, National Day (2/9 and one day before or after, chosen each year). A holiday that
falls on a weekend gives a day off in lieu on the next working day (art. 112(3)); the Government also swaps a
weekday off for a weekend worked some years. Lunar dates converted to solar dates by hand and checked against
two independent calendars. Where a year's announcement was not confirmed the note says "kiểm tra" (check).
Weekends worked in exchange (ngày làm bù) are not stored (see ``PublicHoliday``).
"""

import datetime

from django.db import migrations, models

LAW = "Bộ luật Lao động 2019, điều 112"
IN_LIEU = "Bộ luật Lao động 2019, điều 112 khoản 3: nghỉ bù vào ngày làm việc kế tiếp"
ANNOUNCED = "Lịch nghỉ của cán bộ, công chức, viên chức công bố năm {year}"
CHECK = "Kiểm tra: theo lịch dự kiến, chưa đối chiếu thông báo chính thức"

NEW_YEAR = "Tết Dương lịch"
TET = "Tết Âm lịch"
HUNG_KINGS = "Giỗ Tổ Hùng Vương (10/3 âm lịch)"
VICTORY = "Ngày Chiến thắng (30/4)"
LABOUR = "Ngày Quốc tế Lao động (1/5)"
NATIONAL = "Quốc khánh (2/9)"
NATIONAL_ADJACENT = "Quốc khánh (ngày liền kề 2/9)"
CULTURE = "Ngày Văn hóa Việt Nam (24/11)"


def _in_lieu(of: str) -> str:
    return f"Nghỉ bù {of}"


def _swapped(worked: str) -> str:
    return f"Nghỉ hoán đổi (làm bù thứ Bảy {worked})"


def _tet(year: int, first: tuple[int, int], days: int, note: str) -> list[tuple]:
    start = datetime.date(year, *first)
    return [(start + datetime.timedelta(days=i), TET, note) for i in range(days)]


# (date, name, note). Tết: every day of the announced break, weekends included (harmless: weekends are off).
HOLIDAYS = [
    # 2021: Tết (12/2) off 10/2-16/2; 1/5 on a Saturday.
    (datetime.date(2021, 1, 1), NEW_YEAR, LAW),
    *_tet(2021, (2, 10), 7, ANNOUNCED.format(year=2020)),
    (datetime.date(2021, 4, 21), HUNG_KINGS, LAW),
    (datetime.date(2021, 4, 30), VICTORY, LAW),
    (datetime.date(2021, 5, 1), LABOUR, LAW),
    (datetime.date(2021, 5, 3), _in_lieu(LABOUR), IN_LIEU),
    (datetime.date(2021, 9, 2), NATIONAL, LAW),
    (datetime.date(2021, 9, 3), NATIONAL_ADJACENT, ANNOUNCED.format(year=2021)),
    # 2022: Tết (1/2) off 29/1-6/2; 1/1, 10/3 lunar (10/4), 30/4 and 1/5 on weekends.
    (datetime.date(2022, 1, 1), NEW_YEAR, LAW),
    (datetime.date(2022, 1, 3), _in_lieu(NEW_YEAR), IN_LIEU),
    *_tet(2022, (1, 29), 9, ANNOUNCED.format(year=2021)),
    (datetime.date(2022, 4, 10), HUNG_KINGS, LAW),
    (datetime.date(2022, 4, 11), _in_lieu(HUNG_KINGS), IN_LIEU),
    (datetime.date(2022, 4, 30), VICTORY, LAW),
    (datetime.date(2022, 5, 1), LABOUR, LAW),
    (datetime.date(2022, 5, 2), _in_lieu(VICTORY), IN_LIEU),
    (datetime.date(2022, 5, 3), _in_lieu(LABOUR), IN_LIEU),
    (datetime.date(2022, 9, 1), NATIONAL_ADJACENT, ANNOUNCED.format(year=2022)),
    (datetime.date(2022, 9, 2), NATIONAL, LAW),
    # 2023: Tết (22/1) off 20/1-26/1; 1/1, 10/3 lunar (29/4), 30/4 and 2/9 on weekends.
    (datetime.date(2023, 1, 1), NEW_YEAR, LAW),
    (datetime.date(2023, 1, 2), _in_lieu(NEW_YEAR), IN_LIEU),
    *_tet(2023, (1, 20), 7, ANNOUNCED.format(year=2022)),
    (datetime.date(2023, 4, 29), HUNG_KINGS, LAW),
    (datetime.date(2023, 4, 30), VICTORY, LAW),
    (datetime.date(2023, 5, 1), LABOUR, LAW),
    (datetime.date(2023, 5, 2), _in_lieu(HUNG_KINGS), IN_LIEU),
    (datetime.date(2023, 5, 3), _in_lieu(VICTORY), IN_LIEU),
    (datetime.date(2023, 9, 1), NATIONAL_ADJACENT, ANNOUNCED.format(year=2023)),
    (datetime.date(2023, 9, 2), NATIONAL, LAW),
    (datetime.date(2023, 9, 4), _in_lieu(NATIONAL), IN_LIEU),
    # 2024: Tết (10/2) off 8/2-14/2; Monday 29/4 swapped for Saturday 4/5.
    (datetime.date(2024, 1, 1), NEW_YEAR, LAW),
    *_tet(2024, (2, 8), 7, ANNOUNCED.format(year=2023)),
    (datetime.date(2024, 4, 18), HUNG_KINGS, LAW),
    (datetime.date(2024, 4, 29), _swapped("04/05/2024"), ANNOUNCED.format(year=2024)),
    (datetime.date(2024, 4, 30), VICTORY, LAW),
    (datetime.date(2024, 5, 1), LABOUR, LAW),
    (datetime.date(2024, 9, 2), NATIONAL, LAW),
    (datetime.date(2024, 9, 3), NATIONAL_ADJACENT, ANNOUNCED.format(year=2024)),
    # 2025: Tết (29/1) off 25/1-2/2, Monday 27/1 swapped for Saturday 8/2; Friday 2/5 swapped for Saturday 26/4.
    (datetime.date(2025, 1, 1), NEW_YEAR, LAW),
    (datetime.date(2025, 1, 25), TET, ANNOUNCED.format(year=2024)),
    (datetime.date(2025, 1, 26), TET, ANNOUNCED.format(year=2024)),
    (datetime.date(2025, 1, 27), _swapped("08/02/2025"), ANNOUNCED.format(year=2024)),
    *_tet(2025, (1, 28), 6, ANNOUNCED.format(year=2024)),
    (datetime.date(2025, 4, 7), HUNG_KINGS, LAW),
    (datetime.date(2025, 4, 30), VICTORY, LAW),
    (datetime.date(2025, 5, 1), LABOUR, LAW),
    (datetime.date(2025, 5, 2), _swapped("26/04/2025"), ANNOUNCED.format(year=2025)),
    (datetime.date(2025, 9, 1), NATIONAL_ADJACENT, ANNOUNCED.format(year=2025)),
    (datetime.date(2025, 9, 2), NATIONAL, LAW),
    # 2026: Tết (17/2) off 14/2-22/2 (announced); 10/3 lunar (26/4) on a Sunday.
    (datetime.date(2026, 1, 1), NEW_YEAR, LAW),
    *_tet(2026, (2, 14), 9, ANNOUNCED.format(year=2025)),
    (datetime.date(2026, 4, 26), HUNG_KINGS, LAW),
    (datetime.date(2026, 4, 27), _in_lieu(HUNG_KINGS), IN_LIEU),
    (datetime.date(2026, 4, 30), VICTORY, LAW),
    (datetime.date(2026, 5, 1), LABOUR, LAW),
    (datetime.date(2026, 8, 31), _swapped("22/08/2026"), CHECK),
    (datetime.date(2026, 9, 1), NATIONAL_ADJACENT, CHECK),
    (datetime.date(2026, 9, 2), NATIONAL, LAW),
    (datetime.date(2026, 11, 24), CULTURE, "Kiểm tra: căn cứ pháp lý của ngày nghỉ mới từ năm 2026"),
    # 2027: Tết (6/2, a Saturday): 29 Tết to mồng 5 as usual, not announced yet; 1/5 on a Saturday.
    (datetime.date(2027, 1, 1), NEW_YEAR, LAW),
    *_tet(2027, (2, 4), 7, CHECK),
    (datetime.date(2027, 4, 16), HUNG_KINGS, LAW),
    (datetime.date(2027, 4, 30), VICTORY, LAW),
    (datetime.date(2027, 5, 1), LABOUR, LAW),
    (datetime.date(2027, 5, 3), _in_lieu(LABOUR), IN_LIEU),
    (datetime.date(2027, 9, 2), NATIONAL, LAW),
    (datetime.date(2027, 9, 3), NATIONAL_ADJACENT, CHECK),
    (datetime.date(2027, 11, 24), CULTURE, "Kiểm tra: căn cứ pháp lý của ngày nghỉ mới từ năm 2026"),
]


def holidays_load(apps, schema_editor):
    PublicHoliday = apps.get_model("programmes", "PublicHoliday")
    for day, name, note in HOLIDAYS:
        PublicHoliday.objects.update_or_create(date=day, defaults={"name": name, "note": note})


def holidays_unload(apps, schema_editor):
    apps.get_model("programmes", "PublicHoliday").objects.filter(date__in=[row[0] for row in HOLIDAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0003_legal_calendar")]

    operations = [
        migrations.CreateModel(
            name="PublicHoliday",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(unique=True, verbose_name="date")),
                ("name", models.CharField(max_length=120, verbose_name="name")),
                (
                    "note",
                    models.CharField(
                        blank=True,
                        help_text="Where the day comes from, and what is still to check.",
                        max_length=255,
                        verbose_name="note",
                    ),
                ),
            ],
            options={
                "verbose_name": "public holiday",
                "verbose_name_plural": "public holidays",
                "ordering": ["date"],
            },
        ),
        migrations.RunPython(holidays_load, holidays_unload),
    ]
