"""Imports of households, members and review answers from Excel workbooks.

``reader`` (calamine, lenient headers, dates and numbers) → ``validation`` (pure checks and the plan) with
``context`` (what the database holds, loaded in bulk) → ``writer`` (bulk writes with history), driven by
``services`` (dry run and commit) and ``jobs`` (background jobs with progress). ``template`` writes the
workbook; ``columns`` defines it once for all of them.
"""
