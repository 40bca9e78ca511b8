"""The API's JSON parser: DRF's, answering a body it cannot read in the request's language.

DRF's answer was "JSON parse error - " followed by Python's own message (``Expecting ',' delimiter: line 1
column 31 (char 30)``), in English whatever the request's language. The answer here says where the body breaks
in words of this project's catalogue. ``json.loads`` raises ``RecursionError`` past about a thousand levels,
which DRF did not catch: a body of 5,000 ``[`` was a 500. No body this API reads nests more than two levels.
The body's size is bounded before it is parsed: DRF reads it through ``request.body``, which refuses more than
``DATA_UPLOAD_MAX_MEMORY_SIZE`` with a 400.
"""

import codecs
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json as drf_json


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            codecs.getreader(encoding)
            "".encode(encoding)  # a text encoding (DRF's ``get_encoding``, whose refusal is in English)
        except (LookupError, TypeError):
            message = _('Unsupported charset "%(charset)s" in the Content-Type header.') % {"charset": encoding}
            raise ParseError(message) from None
        try:
            decoded_stream = codecs.getreader(encoding)(stream)
            parse_constant = drf_json.strict_constant if self.strict else None
            return drf_json.load(decoded_stream, parse_constant=parse_constant)
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deeply.")) from None
        except json.JSONDecodeError as error:
            message = _("JSON parse error - not valid JSON at line %(line)s, column %(column)s.")
            raise ParseError(message % {"line": error.lineno, "column": error.colno}) from None
        except UnicodeDecodeError:
            raise ParseError(
                _("JSON parse error - the body is not %(encoding)s text.") % {"encoding": encoding}
            ) from None
        except ValueError:  # NaN, Infinity: JSON has no such numbers (DRF's strict constants)
            raise ParseError(_("JSON parse error - NaN and Infinity are not JSON numbers.")) from None
