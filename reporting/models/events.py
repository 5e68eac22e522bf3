"""The workflow's events on a country's report, and the log of reminder mails sent."""
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import rules
from .base import USER
from .rounds import CountryReport, ReportingRound


class ReportEvent(models.Model):
    """A workflow step of a country report, with who took it and when."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        VALIDATED = "validated", _("Validated")
        RETURNED = "returned", _("Returned with a comment")
        REOPENED = "reopened", _("Reopened by an edit")

    country_report = models.ForeignKey(
        CountryReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("country report")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    comment = models.TextField(
        _("comment"), blank=True, max_length=rules.COMMENT_MAX_CHARS,
        validators=[MaxLengthValidator(rules.COMMENT_MAX_CHARS)],
    )
    at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")


class ActivityComment(models.Model):
    """The Secretariat's comment on one activity when it returns a report, beside the comment on the
    whole: the country sees it on that activity's row until it changes what it reports on the activity."""

    event = models.ForeignKey(ReportEvent, on_delete=models.CASCADE, related_name="activity_comments",
                              verbose_name=_("return"))
    activity = models.ForeignKey("actionplans.Activity", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("activity"))
    comment = models.TextField(_("comment"), max_length=rules.COMMENT_MAX_CHARS,
                               validators=[MaxLengthValidator(rules.COMMENT_MAX_CHARS)])

    class Meta:
        ordering = ["event", "activity__position"]
        verbose_name = _("comment on an activity")
        verbose_name_plural = _("comments on activities")
        constraints = [models.UniqueConstraint(fields=["event", "activity"], name="%(app_label)s_%(class)s_once")]


class ReminderLog(models.Model):
    """A reminder mailed, so that the daily command sends each one once."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user", "kind"], name="%(app_label)s_%(class)s_once")
        ]
