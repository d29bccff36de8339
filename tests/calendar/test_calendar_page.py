"""The calendar page and its JSON: items by local dates, a drag's move, refusals as JSON in the user's language."""
from studio.distribution import scheduling
from studio.review import workflow
from tests.calendar.support import days_ahead, scheduled_post
from tests.support.posts import user


def test_the_page_needs_a_login_and_the_brand_page_links_to_it(ctx, client, auth):
    assert client.get("/brands/chayun/calendar").status_code == 302
    assert client.get("/brands/chayun/calendar/items.json?from=2026-12-01&to=2026-12-31").status_code == 302
    auth.login("editor")
    assert 'href="/brands/chayun/calendar"' in client.get("/brands/chayun").get_data(as_text=True)
    page = client.get("/brands/chayun/calendar").get_data(as_text=True)
    assert 'data-items-url="/brands/chayun/calendar/items.json"' in page and "vendor/fullcalendar/" in page


def test_the_items_json_lists_the_local_days_asked_for(ctx, client, auth):
    when = days_ahead(3)
    post = scheduled_post(when)
    auth.login("reviewer")
    day = f"{when:%Y-%m-%d}"
    [item] = client.get(f"/brands/chayun/calendar/items.json?from={day}&to={day}").json
    assert (item["post_id"], item["local_start"], item["movable"]) == (post.id, f"{when:%Y-%m-%dT%H:%M}", True)
    bad = client.get(f"/brands/chayun/calendar/items.json?from={day}&to=soon")
    assert bad.status_code == 400 and "use YYYY-MM-DD" in bad.json["error"]


def test_a_drop_moves_the_post_and_a_refusal_comes_back_as_json_in_english(ctx, client, auth):
    post = scheduled_post(days_ahead(3))
    auth.login("editor")
    moved = client.post(f"/posts/{post.id}/reschedule", json={"local_start": f"{days_ahead(4):%Y-%m-%dT%H:%M}"})
    assert moved.status_code == 200 and moved.json == {"moved": 1, "local_start": f"{days_ahead(4):%Y-%m-%dT%H:%M}"}
    assert {d.due_at for d in scheduling.deliveries_of(post.id)} == \
        {scheduling.brand_local_to_utc(days_ahead(4), "Asia/Shanghai")}

    client.get("/lang/en")
    garbled = client.post(f"/posts/{post.id}/reschedule", json={"local_start": "tomorrow"})
    assert garbled.status_code == 400 and garbled.json["error"] == "the time is not understood: 'tomorrow'"
    workflow.save_revision(post.id, "小茶来啦~ 改过的一版。", user("editor"))
    refused = client.post(f"/posts/{post.id}/reschedule", json={"local_start": f"{days_ahead(5):%Y-%m-%dT%H:%M}"})
    assert refused.status_code == 409
    assert refused.json["error"] == "the post changed after approval or is no longer approved: review it again"
