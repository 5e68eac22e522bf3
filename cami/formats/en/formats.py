"""English dates that no reader can take for another day: Django's default ``m/d/Y`` reads 12/02/2026 as
2 December in the United States and 12 February almost everywhere else, range states included.
Short forms are ISO 8601 (2026-12-02 12:20); long forms spell the month (2 December 2026)."""
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "j F"
