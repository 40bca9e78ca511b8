"""The API's error answers: two shapes, which the OpenAPI description names, in the caller's language.

- 400, a request the API refuses: ``{field: [messages]}``. An error inside a field (an item of a list, a field
  of a nested object) is a message of the field led by its place (``{"deprived": ["0: Not a valid
  string."]}``), an error of no one field is under ``non_field_errors``; a body the parser cannot read is
  ``{"detail": message}``.
- 401, 403, 404, 405, 406, 415, 429: ``{"detail": message}``.

DRF answered a nested field with a nested object (``{"deprived": {"0": [...]}}``) and an error raised with a
list with a bare list, which no client generated from one error model can read.

The messages follow the request's language (``Accept-Language``, read by Django's ``LocaleMiddleware``). DRF's
own catalogue leaves most of its messages in English, so an answer in Vietnamese mixed two languages: the
messages DRF can answer with are listed below, so that ``makemessages`` keeps their Vietnamese in
``locale/vi``, where Django looks before DRF's catalogue.
"""

import math
from collections.abc import Mapping
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_noop, ngettext
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        # get_object_or_404's message names the model in English ("No AdministrativeUnit matches the given
        # query."), which DRF would pass on: a 404 says "Not found." in the caller's language.
        exc = NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        response.data = field_errors(response.data)
    elif isinstance(exc, Throttled) and exc.wait is not None:
        # DRF fills the wait in before it looks the sentence up, so no catalogue can translate it.
        wait = math.ceil(exc.wait)
        response.data = {
            "detail": ngettext(
                "Request was throttled. Expected available in %(wait)s second.",
                "Request was throttled. Expected available in %(wait)s seconds.",
                wait,
            )
            % {"wait": wait}
        }
    return response


def field_errors(errors: Any) -> dict[str, list[str]]:
    """DRF's validation errors as one level of ``{field: [messages]}``: an error inside a field (an item of a list,
    a field of a nested object) is a message of the field, led by its place (``0: Not a valid string.``)."""
    if not isinstance(errors, Mapping):
        return {api_settings.NON_FIELD_ERRORS_KEY: _messages(errors)}
    return {str(field): _messages(value) for field, value in errors.items()}


def _messages(errors: Any, place: str = "") -> list[str]:
    lead = f"{place}: " if place else ""
    if isinstance(errors, Mapping):
        items = errors.items()
    elif isinstance(errors, list | tuple):
        if all(not isinstance(item, Mapping | list | tuple) for item in errors):
            return [f"{lead}{item}" for item in errors]
        items = enumerate(errors)
    else:
        return [f"{lead}{errors}"]
    messages = []
    for key, value in items:
        messages.extend(_messages(value, f"{place}.{key}" if place else str(key)))
    return messages


# DRF's messages that this API can answer with (its fields, exceptions, token authentication and pagination),
# word for word as DRF writes them.
DRF_MESSAGES = (
    gettext_noop("This field is required."),
    gettext_noop("This field may not be null."),
    gettext_noop("Not a valid string."),
    gettext_noop("This field may not be blank."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Ensure this field has at least {min_length} characters."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
    gettext_noop("A valid integer is required."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("String value too large."),
    gettext_noop("A valid number is required."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("This list may not be empty."),
    gettext_noop('Expected a dictionary of items but got type "{input_type}".'),
    gettext_noop("Date has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Expected a date but got a datetime."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted data was not a file. Check the encoding type on the form."),
    gettext_noop("No filename could be determined."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("Ensure this filename has at most {max_length} characters (it has {length})."),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop('Invalid pk "{pk_value}" - object does not exist.'),
    gettext_noop("Incorrect type. Expected pk value, received {data_type}."),
    gettext_noop("Invalid input."),
    gettext_noop("Malformed request."),
    gettext_noop("Incorrect authentication credentials."),
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("Invalid token header. No credentials provided."),
    gettext_noop("Invalid token header. Token string should not contain spaces."),
    gettext_noop("Invalid token header. Token string should not contain invalid characters."),
    gettext_noop("Invalid token."),
    gettext_noop("User inactive or deleted."),
    gettext_noop("You do not have permission to perform this action."),
    gettext_noop("Not found."),
    gettext_noop('Method "{method}" not allowed.'),
    gettext_noop("Could not satisfy the request Accept header."),
    gettext_noop('Unsupported media type "{media_type}" in request.'),
    gettext_noop("Request was throttled."),
    gettext_noop("Invalid cursor"),
    gettext_noop("Invalid page."),
)
