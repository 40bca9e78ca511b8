"""Fixtures shared by the household tests: a commune of Bắc Kạn, a village in it, its officer and its chair.

A module that needs another commune or village name overrides that fixture alone; the others follow it
(``village``, ``officer`` and ``chair`` ask for ``commune``). ``unit`` and ``make_user`` come from tests/conftest.py.
"""

import pytest

from accounts.models import Role
from tests.factories import VillageFactory


@pytest.fixture
def commune(unit):
    return unit("Xã Bộc Bố")


@pytest.fixture
def village(commune):
    return VillageFactory(parent=commune, name="Thôn Nà Hin")


@pytest.fixture
def officer(make_user, commune):
    return make_user(Role.COMMUNE_OFFICER, [commune])


@pytest.fixture
def chair(make_user, commune):
    return make_user(Role.COMMUNE_CHAIR, [commune], full_name="Hà Văn Khánh")
