"""The group directory: an all-or-nothing CSV import by slug, and audiences that pick groups."""
import json

import pytest

from studio.brands import kits
from studio.cli import DEMO_KIT
from studio.extensions import db
from studio.models import Channel

HEADER = "slug,type,target,name,secret,segments,region,store,members,tags\n"
GROUPS = HEADER + (
    "sh-jingan-1,wecom,https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1,静安店1群,,newcomer;active,华东,静安店,312,周五品鉴\n"
    "sh-jingan-2,feishu,https://open.feishu.cn/open-apis/bot/v2/hook/h2,静安店2群,fs-secret,vip,华东,静安店,188,\n"
    "bj-chaoyang-1,dingtalk,https://oapi.dingtalk.com/robot/send?access_token=t3,朝阳店1群,SECd,active;vip,华北,朝阳店,240,周五品鉴;新群\n"
    "gz-tianhe-1,webhook,https://partner.example.com/hook,天河店1群,wh-secret,lapsed,华南,天河店,95,\n")


@pytest.fixture
def groups_cli(ctx, runner, tmp_path):
    def run(*args, csv_text=None):
        if csv_text is not None:
            path = tmp_path / "groups.csv"
            path.write_text(csv_text, encoding="utf-8")
            args = ("import", str(path), *args)
        return runner.invoke(args=["groups", *args])
    return run


def directory() -> dict:
    return {c.slug: (c.type, c.target, c.name, sorted(c.segments or []), c.region, c.store, c.members,
                     sorted(c.tags or []), c.active)
            for c in db.session.scalars(db.select(Channel).where(Channel.origin == "directory"))}


def test_an_import_creates_groups_and_running_it_again_changes_nothing(groups_cli):
    result = groups_cli("--brand", "chayun", "--json", csv_text=GROUPS)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"groups": 4, "created": 4, "updated": 0}
    group = db.session.scalar(db.select(Channel).where(Channel.slug == "sh-jingan-2"))
    assert (group.type, group.members, group.segments, group.settings["secret"]) == ("feishu", 188, ["vip"],
                                                                                      "fs-secret")
    assert directory()["bj-chaoyang-1"][7] == ["周五品鉴", "新群"]
    before = directory()

    again = groups_cli("--brand", "chayun", "--json", csv_text=GROUPS)
    assert json.loads(again.output) == {"groups": 4, "created": 0, "updated": 0}
    assert directory() == before

    moved = GROUPS.replace("天河店1群,wh-secret,lapsed,华南,天河店,95", "天河店1群,wh-secret,lapsed,华南,天河店,120")
    assert json.loads(groups_cli("--brand", "chayun", "--json", csv_text=moved).output) == \
        {"groups": 4, "created": 0, "updated": 1}
    assert directory()["gz-tianhe-1"][6] == 120


def test_a_file_with_bad_rows_changes_nothing_and_names_every_bad_line(groups_cli):
    groups_cli("--brand", "chayun", "--json", csv_text=GROUPS)
    before = directory()
    bad = GROUPS.replace("312,", "999,") + (
        "x-1,carrier-pigeon,https://a.example/h,鸽子群,,newcomer,华东,静安店,10,\n"
        "x-2,webhook,,没有地址,,newcomer,华东,静安店,10,\n"
        "x-3,webhook,ftp://files.example/h,错地址,,newcomer,华东,静安店,10,\n"
        "x-4,wecom,https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k9,人群错,,no-such-segment,华东,静安店,10,\n"
        "x-5,webhook,https://ok.example/h,人数错,,newcomer,华东,静安店,many,\n")
    result = groups_cli("--brand", "chayun", "--json", csv_text=bad)
    assert result.exit_code == 1
    for line, cause in ((6, "carrier-pigeon"), (7, "target"), (8, "ftp://"), (9, "no-such-segment"),
                        (10, "members")):
        assert f"第 {line} 行" in result.output and cause in result.output, (line, result.output)
    assert directory() == before, "the good rows of a bad file are not applied either"


def test_a_file_without_the_required_columns_is_refused(groups_cli):
    result = groups_cli("--brand", "chayun", csv_text="slug,type\nx,webhook\n")
    assert result.exit_code == 1 and "缺少列" in result.output and "target" in result.output
    assert directory() == {}


def test_audiences_or_values_within_a_key_and_and_keys(groups_cli):
    groups_cli("--brand", "chayun", csv_text=GROUPS)

    def match(expression):
        result = groups_cli("match", "--brand", "chayun", "--audience", expression, "--json")
        assert result.exit_code == 0, result.output
        return [row["slug"] for row in json.loads(result.output)]

    assert match("segment:vip") == ["bj-chaoyang-1", "sh-jingan-2"]
    assert match("segment:vip,lapsed region:华东,华南") == ["gz-tianhe-1", "sh-jingan-2"]
    assert match("tag:周五品鉴 type:dingtalk") == ["bj-chaoyang-1"]
    assert match("store:静安店 segment:active") == ["sh-jingan-1"]
    assert match("region:西北") == []
    rows = json.loads(groups_cli("match", "--brand", "chayun", "--audience", "store:天河店", "--json").output)
    assert rows == [{"slug": "gz-tianhe-1", "name": "天河店1群", "segments": ["lapsed"], "region": "华南",
                     "store": "天河店", "members": 95}]
    bad = groups_cli("match", "--brand", "chayun", "--audience", "city:上海")
    assert bad.exit_code == 1 and "city:上海" in bad.output


def test_re_importing_the_brand_kit_leaves_imported_groups_active(groups_cli):
    groups_cli("--brand", "chayun", csv_text=GROUPS)
    kits.import_brand_kit(DEMO_KIT)
    assert all(row[8] for row in directory().values())


def test_the_directory_page_filters_counts_imports_and_edits_tags_in_bulk(ctx, client, auth):
    import io

    auth.login("editor")
    response = client.post("/brands/chayun/groups/import", data={
        "file": (io.BytesIO(GROUPS.encode("utf-8")), "groups.csv")}, content_type="multipart/form-data",
        follow_redirects=True)
    assert "新建 4" in response.get_data(as_text=True)
    page = client.get("/brands/chayun/groups?audience=region:华东").get_data(as_text=True)
    assert "2 个群，共 500 人" in page and "静安店2群" in page and "天河店1群" not in page

    client.post("/brands/chayun/groups/bulk", data={"groups": ["sh-jingan-1", "sh-jingan-2"], "add_tags": "七夕, 新群",
                                                    "remove_tags": "周五品鉴", "add_segments": ["loyal"]})
    tagged = {c.slug: (c.tags, c.segments) for c in db.session.scalars(db.select(Channel))
              if c.slug.startswith("sh-")}
    assert tagged == {"sh-jingan-1": (["七夕", "新群"], ["newcomer", "active", "loyal"]),
                      "sh-jingan-2": (["七夕", "新群"], ["vip", "loyal"])}

    bad = client.post("/brands/chayun/groups/import", data={
        "file": (io.BytesIO((HEADER + "x,fax,1,传真群,,vip,华东,静安店,1,\n").encode("utf-8")), "bad.csv")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "第 2 行" in bad.get_data(as_text=True) and "fax" in bad.get_data(as_text=True)
    assert client.get("/brands/chayun/groups?audience=city:x").status_code == 400
    auth.login("reviewer")
    assert client.post("/brands/chayun/groups/bulk", data={"groups": ["sh-jingan-1"]}).status_code == 403


def test_scheduling_to_an_audience_makes_one_delivery_per_group_and_the_form_counts_them_first(
        ctx, client, auth, groups_cli):
    from datetime import timedelta

    from studio.distribution import scheduling
    from studio.models import AuditEvent
    from tests.support.posts import approved_post, shanghai_now, user

    groups_cli("--brand", "chayun", csv_text=GROUPS)
    auth.login("reviewer")
    count = client.get("/brands/chayun/groups/count.json?audience=segment:vip,active").get_json()
    assert count == {"groups": 3, "members": 740}
    assert client.get("/brands/chayun/groups/count.json?audience=colour:red").status_code == 400

    post = approved_post()
    rows = scheduling.schedule_post(post.id, shanghai_now() + timedelta(hours=1), [], user("reviewer"),
                                    audience="segment:vip,active")
    assert sorted(row.channel.slug for row in rows) == ["bj-chaoyang-1", "sh-jingan-1", "sh-jingan-2"]
    assert len({row.key for row in rows}) == 3 and {row.due_at for row in rows} == {rows[0].due_at}
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "scheduled")).one()
    assert "朝阳店1群" in event.detail

    other = approved_post()
    with pytest.raises(Exception) as refused:
        scheduling.schedule_post(other.id, shanghai_now() + timedelta(hours=1), [], user("reviewer"),
                                 audience="region:西北")
    assert "没有匹配的群" in str(refused.value)
    assert scheduling.deliveries_of(other.id) == []


def test_the_editor_previews_one_group_of_each_kind_not_every_group(ctx, client, auth, groups_cli):
    many = HEADER + "".join(f"sh-{n},wecom,https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k{n},上海{n}群,,"
                            f"newcomer,华东,静安店,{n},\n" for n in range(40))
    groups_cli("--brand", "chayun", csv_text=many)
    from tests.support.posts import drafted_post

    post = drafted_post()
    auth.login("editor")
    previews = client.post("/preview", data={"body": "小茶来啦~", "post_id": post.id}).get_json()["channels"]
    assert [row["type"] for row in previews].count("wecom") == 1 and len(previews) <= 4


def test_a_brief_sends_each_segments_approved_variant_to_its_own_groups_and_names_the_rest(
        ctx, client, auth, groups_cli):
    from datetime import timedelta

    from studio.review import workflow
    from tests.support.posts import drafted_post, shanghai_now, user

    groups_cli("--brand", "chayun", csv_text=GROUPS)
    first = drafted_post(segments=("newcomer", "vip", "lapsed"))
    brief = first.brief
    by_segment = {post.segment.slug: post for post in brief.posts}
    for slug in ("newcomer", "vip"):  # lapsed stays unapproved
        post = by_segment[slug]
        if post.current_revision_id is None:
            workflow.save_revision(post.id, f"小茶来啦~ 给{slug}的一条。", user("editor"))
        post.status = "in_review"
        db.session.commit()
        workflow.approve(post.id, user("reviewer"), post.current_revision_id)

    auth.login("reviewer")
    page = client.post(f"/briefs/{brief.id}/schedule",
                       data={"send_at": (shanghai_now() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")},
                       follow_redirects=True).get_data(as_text=True)
    assert "已排期：3 个群" in page
    from studio.distribution import scheduling

    rows = [(post, row) for post in brief.posts for row in scheduling.deliveries_of(post.id)]
    sent = {row.channel.slug: post.segment.slug for post, row in rows}
    # sh-jingan-1 is newcomer+active: it gets the newcomer variant, once
    assert sent == {"sh-jingan-1": "newcomer", "sh-jingan-2": "vip", "bj-chaoyang-1": "vip"}
    assert "gz-tianhe-1：" in page and "的变体还没有批准" in page  # lapsed: not approved yet
    assert len({row.due_at for _post, row in rows}) == 1
