"""The API's JSON parser: DRF's, with a body nested too deep for Python's parser answered as malformed JSON.

``json.loads`` raises ``RecursionError`` past about a thousand levels, which DRF did not catch: a body of
5,000 ``[`` was a 500. No body this API reads nests more than two levels. The body's size is bounded
before it is parsed: DRF reads it through ``request.body``, which refuses more than
``DATA_UPLOAD_MAX_MEMORY_SIZE`` with a 400.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deeply.")) from None
