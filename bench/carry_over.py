"""Benchmark of the carry-over of a province across the 2025 reform (issue 18): 1,000,000 households.

    .venv/bin/python bench/carry_over.py [--households 1000000] [--villages-per-commune 12]

Creates the database ``povertyplan_bench_carry`` on 127.0.0.1:5432 (dropped first), loads the units of Bắc
Kạn and Thái Nguyên (old and new trees, and the old→new mapping) and the standards, makes villages under
every old commune and COPYs the households into them (seeded). The villages of split communes are assigned
to their default successor through ``village_assign``. Then it times, in this process and against
PostgreSQL, what a province officer runs (``manage.py carry_over_reform --province 19``):
- the dry run (``carry_over_plan``);
- the commit (``carry_over_commit``): villages made under the new communes, every household moved with
  one history row each, in one transaction;
- the second run, which must move nothing.
Goal: the commit under 2 minutes.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.database import HOUSEHOLD_COPY_COLUMNS, commune_provinces, recreate_database, setup_django

DB = "povertyplan_bench_carry"


def _load(households: int, per_commune: int, seed: int):
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Role
    from accounts.services import user_create
    from households.models import LAST_LEGACY_DAY, AdministrativeUnit, UnitLevel, UnitSuccession, UnitType
    from households.search_words import search_text
    from households.services import village_assign

    call_command("migrate", verbosity=0)
    call_command("load_units", province=["Bắc Kạn", "Thái Nguyên"], verbosity=0)
    call_command("loaddata", "standards", "ethnicities", verbosity=0)
    provinces = list(AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, code__in=["06", "19"]))
    officer = user_create(username="bench-province", password="-", role=Role.PROVINCE_OFFICER, units=provinces)
    old = list(
        AdministrativeUnit.objects.filter(
            level=UnitLevel.COMMUNE, valid_to=LAST_LEGACY_DAY, parent__parent__in=provinces
        )
    )
    villages = AdministrativeUnit.objects.bulk_create(
        [
            AdministrativeUnit(
                name=f"Thôn {i + 1}",
                short_name=f"Thôn {i + 1}",
                level=UnitLevel.VILLAGE,
                unit_type=UnitType.THON,
                parent=commune,
                valid_to=LAST_LEGACY_DAY,
                is_urban=commune.is_urban,
            )
            for commune in old
            for i in range(per_commune)
        ]
    )
    split = {
        link.predecessor_id: link.successor
        for link in UnitSuccession.objects.filter(is_split=True, is_default=True).select_related("successor")
    }
    for village in villages:
        if village.parent_id in split:
            village_assign(user=officer, village=village, successor=split[village.parent_id])
    rng = random.Random(seed)
    names = ["Hoàng Văn Páo", "Nông Thị Slao", "Triệu Văn Chàn", "Lý Thị Mẩy", "Lục Văn Thắng", "Đàm Thị Hương"]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        provinces = commune_provinces(cursor)
        for start in range(0, households, 100_000):
            rows = io.StringIO()
            for n in range(start, min(households, start + 100_000)):
                village = villages[rng.randrange(len(villages))]
                code, name = f"C{n:08d}", rng.choice(names)
                rows.write(
                    f"{code}\t{village.parent_id}\t{village.pk}\t{name}\t\t\tf\tf\tf\tf\tf\tactive\t\\N\t1\t"
                    f"2024-01-01 00:00:00+07\t{search_text(code, name, [])}\t{provinces[village.parent_id]}\n"
                )
            rows.seek(0)
            cursor.copy_from(
                rows,
                "households_household",
                columns=HOUSEHOLD_COPY_COLUMNS,
            )
        cursor.execute("ANALYZE")
    print(
        f"loaded {len(old)} old communes, {len(villages)} villages ({len(split)} split communes assigned), "
        f"{households:,} households in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return officer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--villages-per-commune", type=int, default=12)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    recreate_database(DB)
    setup_django(DB)
    from django.db import connection

    from accounts.models import User
    from households.models import Household
    from households.selectors import carry_over_plan
    from households.services import carry_over_commit

    _load(args.households, args.villages_per_commune, args.seed)
    officer = User.objects.get(username="bench-province")
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    started = time.perf_counter()
    plan = carry_over_plan(user=officer, code="19")
    dry = time.perf_counter() - started
    print(
        f"dry run: {dry:.2f} s — {len(plan.moves)} villages, {plan.households:,} households, "
        f"{len(plan.unassigned)} unassigned",
        flush=True,
    )
    User.objects.filter(pk=officer.pk).update()  # a fresh user object: the scope is computed again
    officer = User.objects.get(pk=officer.pk)
    started = time.perf_counter()
    result = carry_over_commit(user=officer, code="19", decision="Nghị quyết 1683/NQ-UBTVQH15")
    commit = time.perf_counter() - started
    history = Household.history.filter(history_type="~").count()
    print(
        f"commit: {commit:.1f} s — {result.villages_created} villages created, {result.households_moved:,} "
        f"households moved ({result.households_moved / commit:,.0f}/s), {history:,} history rows",
        flush=True,
    )
    officer = User.objects.get(pk=officer.pk)
    started = time.perf_counter()
    again = carry_over_commit(user=officer, code="19", decision="Nghị quyết 1683/NQ-UBTVQH15")
    print(f"second run: {time.perf_counter() - started:.2f} s — {again.households_moved} moved", flush=True)
    left = Household.objects.filter(village__valid_to__isnull=False).count()
    print(f"households left on ended villages: {left}; goal: commit < 120 s -> {'met' if commit < 120 else 'MISSED'}")


if __name__ == "__main__":
    main()
