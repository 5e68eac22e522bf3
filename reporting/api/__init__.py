"""REST API of reporting: rounds, progress reports with their evidence and history, country reports."""
