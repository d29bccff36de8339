"""`studio calendar --brand SLUG --from DATE --to DATE --json` and its refusals."""
import json

from tests.calendar.support import days_ahead, scheduled_post


def calendar(runner, *args):
    return runner.invoke(args=["calendar", *args])


def test_the_json_lists_the_items_of_the_brand_between_the_dates(ctx, runner):
    when = days_ahead(2)
    post = scheduled_post(when)
    day = f"{when:%Y-%m-%d}"

    result = calendar(runner, "--brand", "chayun", "--from", day, "--to", day, "--json")

    assert result.exit_code == 0, result.output
    [item] = json.loads(result.stdout)
    assert {key: item[key] for key in ("kind", "post_id", "state", "local_start", "timezone", "movable")} == \
        {"kind": "post", "post_id": post.id, "state": "approved", "local_start": f"{when:%Y-%m-%dT%H:%M}",
         "timezone": "Asia/Shanghai", "movable": True}
    assert [(d["channel"], d["type"], d["status"]) for d in item["deliveries"]] == \
        [("sandbox-main", "sandbox", "scheduled")]
    assert json.loads(calendar(runner, "--brand", "chayun", "--from", "2020-01-01", "--to", "2020-01-31",
                               "--json").stdout) == []


def test_an_unknown_brand_a_bad_date_and_a_reversed_range_exit_with_a_reason(ctx, runner):
    unknown = calendar(runner, "--brand", "nope", "--from", "2026-12-01", "--to", "2026-12-31", "--json")
    assert unknown.exit_code == 1 and "unknown brand 'nope'" in unknown.stderr and unknown.stdout == ""
    bad = calendar(runner, "--brand", "chayun", "--from", "2026-13-01", "--to", "2026-12-31", "--json")
    assert bad.exit_code == 1 and "bad date '2026-13-01', use YYYY-MM-DD" in bad.stderr
    reversed_range = calendar(runner, "--brand", "chayun", "--from", "2026-12-31", "--to", "2026-12-01", "--json")
    assert reversed_range.exit_code == 1 and "is after the end date" in reversed_range.stderr
    missing = calendar(runner, "--brand", "chayun", "--from", "2026-12-01")
    assert missing.exit_code == 2 and "--to" in missing.output
