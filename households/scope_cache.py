"""Invalidation of the per-user scope cache (``households.selectors.units.visible_unit_ids``).

The cache lives on a user object, so at most for one request; within it, a unit, succession or assignment
saved in this process bumps ``version`` and the next read recomputes the scope.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

version = 0


def bump(**kwargs) -> None:
    global version
    version += 1


def connect() -> None:
    from accounts.models import User
    from households.models import AdministrativeUnit, UnitSuccession

    for model in (AdministrativeUnit, UnitSuccession):
        post_save.connect(bump, sender=model, dispatch_uid=f"scope-cache-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"scope-cache-delete-{model.__name__}")
    m2m_changed.connect(bump, sender=User.units.through, dispatch_uid="scope-cache-assignments")
