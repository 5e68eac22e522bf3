"""What the export jobs ask of the task backend: whether their tasks are still there (any django-tasks backend)."""
from __future__ import annotations

try:  # Django 6 has the framework built in; the backport is the same API
    from django.tasks import task, task_backends
    from django.tasks.exceptions import TaskResultDoesNotExist
except ImportError:
    from django_tasks import task, task_backends
    from django_tasks.exceptions import TaskResultDoesNotExist

__all__ = ["task", "task_states"]


def task_states(task_ids: list[str]) -> dict[str, str] | None:
    """Task id → its status (READY, RUNNING, SUCCESSFUL, FAILED) or "missing"; None when the backend
    cannot tell (then only the running-time limit catches a dead worker)."""
    backend = task_backends["default"]
    if not backend.supports_get_result:
        return None
    from django_tasks_db import DatabaseBackend

    if isinstance(backend, DatabaseBackend):  # one query for them all
        from django_tasks_db.models import DBTaskResult

        found = {str(pk): status for pk, status in
                 DBTaskResult.objects.filter(id__in=[t for t in task_ids if t]).values_list("id", "status")}
    else:
        found = {}
        for task_id in task_ids:
            try:
                found[task_id] = str(backend.get_result(task_id).status)
            except TaskResultDoesNotExist:
                pass
    return {task_id: found.get(task_id, "missing") for task_id in task_ids}
