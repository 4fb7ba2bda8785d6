"""Where the repository is: the default sources, package and Dagster home live under it.

A module of its own so that `gwr` can name its defaults without importing Dagster: the
worker processes a build spawns import `gwr`'s module again, and need none of Dagster.
"""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
