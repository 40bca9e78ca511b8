"""What every app may use and that knows none of them: files handed out (CSV, XLSX, PDF, the download
response), numbers and ids read from requests, the client's address, the API's pagination and parser, and
the ``any_of`` lookup. Nothing here imports an app of the project (checked by import-linter)."""
