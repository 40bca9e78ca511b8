"""households 0013: the thresholds first loaded from the fixture are corrected in unlocked standards; a locked
standard, and an administrator's own values, are left as they are."""

import importlib

import pytest
from django.db.migrations.loader import MigrationLoader

from standards.models import Indicator, PovertyStandard

pytestmark = pytest.mark.django_db

migration = importlib.import_module("households.migrations.0013_classification_facts")


def indicator(code, standard="2021-2025"):
    return Indicator.objects.get(code=code, standard=PovertyStandard.objects.get(code=standard, version=1))


def test_the_old_fixture_values_are_corrected_where_unlocked():
    """Labour Code 2019, arts. 3 and 169, and Decree 135/2020/NĐ-CP (employment, dependants); Decree
    07/2021/NĐ-CP, appendix (adult education bands)."""
    for (standard, code), (old, _new, _notes) in migration.CORRECTIONS.items():
        Indicator.objects.filter(pk=indicator(code, standard).pk).update(thresholds=old)
    PovertyStandard.objects.filter(code="2026-2030").update(locked=True)
    mine = {"age_from": 15, "age_to": 62, "deprived_statuses": ["unemployed"]}
    Indicator.objects.filter(pk=indicator("employment").pk).update(thresholds=mine)

    # The models as the migration knows them (the standards were then programmes' models).
    migration.correct_thresholds(
        MigrationLoader(None).project_state(("households", "0013_classification_facts")).apps, None
    )

    assert indicator("employment").thresholds == mine  # an administrator's value
    assert indicator("dependants").thresholds == migration.DEPENDANTS_2021[1]
    assert indicator("adult_education").thresholds == migration.ADULT_EDUCATION[1]
    assert "16 to under 18" in indicator("adult_education").notes
    # Locked: what its approved reviews were decided under.
    assert indicator("employment", "2026-2030").thresholds == migration.EMPLOYMENT[0]
    assert indicator("adult_education", "2026-2030").thresholds == migration.ADULT_EDUCATION[0]


def test_the_new_values_are_those_of_the_fixture():
    for (standard, code), (_old, new, _notes) in migration.CORRECTIONS.items():
        assert indicator(code, standard).thresholds == new
