"""Tasks run by the worker (``manage.py db_worker``): each loads its record and calls the service."""
from .tasks_backend import task


@task()
def export_job_build(job_id: int) -> str:
    """Build the file of one background export (services.export_job_run)."""
    from .services.export_jobs import export_job_run

    return export_job_run(job_id=job_id)
