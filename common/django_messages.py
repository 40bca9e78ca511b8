"""Django's own messages whose Vietnamese in Django's catalogue is wrong or missing, listed so that
``makemessages`` keeps ours in ``locale/vi``, where Django looks before its own catalogue.

Django's catalogue says "Nhập một số tổng thể" ("a total number") for "Enter a whole number.", which no
commune clerk reads as "an integer"; every integer field of every form (plans, targets, rounds, villages) shows
it."""

from django.utils.translation import gettext_noop

MESSAGES = (
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
)
