"""The models of the plans, one module per part: the plan with its editions, scale, imports and footnotes
(``plans``), its outline (``outline``), its activities (``activities``); the commitments they serve are in
``actionplans.commitments``. Import them from here."""
from ..commitments import CommitmentItem, CommitmentScheme
from .activities import Activity, ActivityQuerySet, WithOutlineIterable
from .outline import OUTLINE_FIELDS, PlanElement, PlanElementQuerySet, level_label, validate_level
from .plans import ActionPlan, Footnote, PlanEdition, PlanImport, PriorityScaleValue

__all__ = [
    "OUTLINE_FIELDS", "ActionPlan", "Activity", "ActivityQuerySet", "CommitmentItem", "CommitmentScheme",
    "Footnote", "PlanEdition", "PlanElement", "PlanElementQuerySet", "PlanImport", "PriorityScaleValue",
    "WithOutlineIterable", "level_label", "validate_level",
]
