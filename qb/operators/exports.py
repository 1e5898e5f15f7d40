"""CSV exports of the console, safe to open in a spreadsheet.

A cell a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage
return, OWASP's list) gets a leading apostrophe, so a visitor's text is never executed as a
formula on the operator's computer.
"""

import csv
import io

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header, rows):
    """The CSV (UTF-8 with a byte-order mark, which spreadsheets need to read it as UTF-8)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


def csv_response(filename, header, rows):
    return Response(
        csv_text(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
