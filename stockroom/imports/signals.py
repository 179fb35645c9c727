"""Events the import services publish; `realtime` pushes them to the job owner's browser.

Progress is sent while the job runs (not after a commit): it describes the job, not data, and
the data transaction of an import is still open when the write phase reports its progress.
"""

from django.dispatch import Signal

# sender=ImportJob, organization_id=, user_id=, job_id=, status=, processed=, total=
job_progress = Signal()
