"""Limits of what users write in reporting, in one place: the models state them, and the forms, the
API serializers (and so the OpenAPI schema) and the offline workbook read them from here.
"""

# What was done and Obstacles: one limit each. The workbook states one figure for both in its
# instructions and its Excel data validation, so they share this value.
REPORT_TEXT_MAX_CHARS = 5000
NARRATIVE_MAX_CHARS = REPORT_TEXT_MAX_CHARS
OBSTACLES_MAX_CHARS = REPORT_TEXT_MAX_CHARS

# Expected completion year of an activity (also the database's expected_year_plausible constraint).
EXPECTED_YEAR_MIN, EXPECTED_YEAR_MAX = 2000, 2100

# The Secretariat's comment when it returns a report (and the workflow event that records it).
COMMENT_MAX_CHARS = 5000

ROUND_TITLE_MAX_CHARS = 200
EVIDENCE_TITLE_MAX_CHARS = 200
EVIDENCE_URL_MAX_CHARS = 500
