"""FactDesk: editorial fact-tracking. Loads the Celery app with Django so tasks bind to it."""
import os

# The sentence encoder's numpy matrix products run on one thread per process unless the operator
# says otherwise: workers are one process per core already, and OpenBLAS's own threads on top of
# them thrash (measured: 1 sentence/s instead of 15-22 on a loaded 2-core machine; 85 against
# 102 sentences/s even on a quiet one). Set before numpy is first imported, which is why it is here.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from .celery import app as celery_app  # noqa: E402

__all__ = ["celery_app"]
