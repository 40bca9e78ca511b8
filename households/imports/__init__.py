"""Imports of households, members and review answers from Excel workbooks.

``reader`` (calamine, lenient headers, dates and numbers) → ``parsing`` (cells to typed records) →
``checking`` (the rules across rows, against ``context``: what the database holds, loaded in bulk; the plan)
→ ``writer`` (bulk writes with history), driven by ``services`` (dry run and commit, the check and the
writes in two threads) and ``jobs`` (background jobs with progress). ``records`` holds the plain data the
stages hand each other. ``template`` writes the workbook; ``columns`` defines it once for all of them.
``annotate`` gives a file back with its errors written next to the cells.
"""
