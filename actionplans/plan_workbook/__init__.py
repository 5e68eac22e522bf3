"""The plan workbook: a whole plan in one documented .xlsx template (``format``), written by
``export.plan_workbook_build`` and read by ``read.plan_workbook_read``; the import itself is
``actionplans.services.action_plan_import``."""
from .data import PlanData, ReadResult, WorkbookError
from .export import plan_workbook_build
from .read import plan_workbook_read

__all__ = ["PlanData", "ReadResult", "WorkbookError", "plan_workbook_build", "plan_workbook_read"]
