"""Where a build's time went, from the Dagster instance's own event log: the latest run's
duration and each step's, from its start and success (or failure) events.

Prints one JSON object. Run as `DAGSTER_HOME=… python -m benchmarks.run_steps`; the
benchmark runs it after each one-change build, in its own process, so the build's timing
is not disturbed by importing Dagster here.
"""

from __future__ import annotations

import json

STEP_END = ("STEP_SUCCESS", "STEP_FAILURE")


def step_seconds(events: list[tuple[str, str | None, float]]) -> dict:
    """`{"run_s": …, "steps_s": {step: seconds}}` from (event type, step key, timestamp)
    records of one run, in the order they were written. A step that started but did not
    end is left out; so is the run's duration when it did not end."""
    starts: dict[str, float] = {}
    steps: dict[str, float] = {}
    run_start = run_end = None
    for kind, step, stamp in events:
        if kind == "RUN_START":
            run_start = stamp
        elif kind in ("RUN_SUCCESS", "RUN_FAILURE"):
            run_end = stamp
        elif kind == "STEP_START" and step:
            starts[step] = stamp
        elif kind in STEP_END and step in starts:
            steps[step] = round(stamp - starts[step], 3)
    run_s = round(run_end - run_start, 3) if run_start is not None and run_end is not None else None
    return {"run_s": run_s, "steps_s": steps}


def latest_run_steps() -> dict:
    """The step timings of the newest run in the instance of DAGSTER_HOME."""
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            return {"run_id": None, "run_s": None, "steps_s": {}}
        run = runs[0]
        records = [
            (entry.dagster_event_type.name, entry.step_key, entry.timestamp)
            for entry in instance.all_logs(run.run_id)
            if entry.is_dagster_event
        ]
    return {"run_id": run.run_id} | step_seconds(records)


def main() -> None:
    print(json.dumps(latest_run_steps()))


if __name__ == "__main__":
    main()
