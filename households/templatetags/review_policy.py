"""``{% if user|may_take:"edit" %}``: templates ask ``households.access.ReviewPolicy`` whether the user's role takes a
step of the review, rather than spell the roles out again."""

from django import template

from households.access import ReviewPolicy
from households.workflow import Step

register = template.Library()


@register.filter
def may_take(user, step: str) -> bool:
    """Whether the user's role takes ``step`` at all (``ReviewPolicy.may_take``); False for anyone signed out."""
    return bool(user.is_authenticated) and ReviewPolicy(user).may_take(Step(step))
