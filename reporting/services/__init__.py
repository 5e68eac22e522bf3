"""Every write of reporting: rounds, progress reports, evidence, the report workflow, hand-over, the account.

Each function is one transaction; checks that span rows live here and raise ValidationError
(bad input, naming the field), PermissionDenied (with the sentence saying why) or StaleEdit.

Modules: ``rounds`` (open with carry-over, close, reopen), ``progress`` (recording a status: every
channel's one write path, and the workbook's batch of them), ``evidence``, ``export_jobs`` (background exports), ``money`` (the exchange rates), ``workflow`` (submit,
withdraw, validate, return), ``report_state`` (the country report's row lock and moves, shared by the
three before), ``hand_over``, ``account``, ``common``. Callers use the names here (``services.X``).
"""
from .account import (
    api_token_get_or_issue, api_token_issue, api_token_revoke, user_language_save, user_mail_preference_save,
)
from .common import TRACKED_FIELDS, ReportExists, StaleEdit
from .evidence import evidence_add, evidence_remove
from .export_jobs import export_job_run, export_job_start, export_jobs_cleanup, export_jobs_recover
from .money import exchange_rate_clean, exchange_rate_set
from .hand_over import drafting_hand_over, drafting_take_back
from .progress import ProgressInput, progress_report_confirm, progress_report_record, workbook_changes_apply
from .rounds import round_close, round_open, round_reopen
from .workflow import (
    ALLOWED_MOVES, country_report_return, country_report_submit, country_report_validate, country_report_withdraw,
    why_nothing_to_submit,
)


__all__ = [
    "ALLOWED_MOVES", "TRACKED_FIELDS", "ProgressInput", "ReportExists", "StaleEdit", "api_token_get_or_issue",
    "api_token_issue", "api_token_revoke", "country_report_return", "country_report_submit",
    "country_report_validate", "country_report_withdraw", "drafting_hand_over", "drafting_take_back", "evidence_add",
    "evidence_remove", "exchange_rate_clean", "exchange_rate_set", "export_job_run", "export_job_start", "export_jobs_cleanup",
    "export_jobs_recover", "progress_report_confirm", "progress_report_record", "round_close", "round_open",
    "round_reopen", "user_language_save", "user_mail_preference_save", "why_nothing_to_submit",
    "workbook_changes_apply",
]
