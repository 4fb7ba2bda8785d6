"""The sources sensor and the re-validation schedule, evaluated against a real folder."""

import datetime as dt
import json
import shutil

import dagster as dg

from dagster_project.defs.automation import daily_revalidation, sources_sensor
from dagster_project.defs.resources import GwrSettings
from tests.conftest import SEEDS


def evaluate(instance, folder, cursor=None) -> dg.SensorResult:
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"gwr": GwrSettings(sources_dir=str(folder))})
    result = sources_sensor(context)
    # Applying the partition requests is the daemon's job; do it as the daemon would.
    for request in result.dynamic_partitions_requests or []:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions("documents", list(request.partition_keys))
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition("documents", key)
    return result


def test_new_changed_and_removed_files(tmp_path):
    seeds = sorted(SEEDS.glob("*.txt"))[:2]
    for seed in seeds:
        shutil.copy(seed, tmp_path / seed.name)
    a, b = (s.stem for s in seeds)
    with dg.instance_for_test() as instance:
        first = evaluate(instance, tmp_path)
        assert sorted(r.partition_key for r in first.run_requests) == [a, b]
        assert sorted(instance.get_dynamic_partitions("documents")) == [a, b]
        assert {e.partition for e in first.asset_events} == {a, b}

        quiet = evaluate(instance, tmp_path, first.cursor)
        assert quiet.run_requests == []

        (tmp_path / f"{a}.txt").write_text("政府工作报告\n今年GDP增长5%。", encoding="utf-8")
        (tmp_path / f"{b}.txt").unlink()
        (tmp_path / "new_report.txt").write_text("政府工作报告\n新增就业1万人。", encoding="utf-8")
        third = evaluate(instance, tmp_path, quiet.cursor)
        assert sorted(r.partition_key for r in third.run_requests) == [a, "new_report"]
        assert sorted(instance.get_dynamic_partitions("documents")) == [a, "new_report"]
        changed = next(e for e in third.asset_events if e.partition == a)
        assert changed.tags["dagster/data_version"] == json.loads(third.cursor)["hashes"][a]


def test_reverted_file_still_gets_a_run(tmp_path):
    """Run keys are deduplicated forever, so they must differ when content comes back."""
    path = tmp_path / "r.txt"
    path.write_text("第一版。", encoding="utf-8")
    with dg.instance_for_test() as instance:
        one = evaluate(instance, tmp_path)
        path.write_text("第二版。", encoding="utf-8")
        two = evaluate(instance, tmp_path, one.cursor)
        path.write_text("第一版。", encoding="utf-8")
        three = evaluate(instance, tmp_path, two.cursor)
        assert [r.partition_key for r in three.run_requests] == ["r"]
        assert three.run_requests[0].run_key != one.run_requests[0].run_key


def test_daily_revalidation_requests_the_checks_job():
    with dg.instance_for_test() as instance:
        when = dt.datetime(2026, 1, 2, 3, tzinfo=dt.timezone.utc)
        request = daily_revalidation(dg.build_schedule_context(instance=instance, scheduled_execution_time=when))
        assert request.run_key == "2026-01-02"
    assert daily_revalidation.job_name == "revalidate"
