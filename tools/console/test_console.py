"""The audit console in a real browser: Debian's chromium, headless, against a real `sessiond serve`.

Elements are found by role and accessible name only. Each step saves a screenshot into docs/ui/.
The `page` fixture fails any test in which the page asked another origin for anything (conftest.Guard).
"""

import json
import re
import struct
import subprocess
import time
import zlib
import urllib.request

import pytest
from playwright.sync_api import expect

from api import API
from conftest import open_context, shot
from daemon import Daemon


def transcript(page):
    return page.get_by_role("list", name="Transcript")


def conversation(page):
    return page.get_by_role("region", name="Conversation")


def messages_on_screen(page):
    """(role, id, text) of every message article shown, in order."""
    shown = []
    for article in transcript(page).get_by_role("article").all():
        role, _, message_id = article.get_attribute("aria-label").split(" ", 2)
        text = article.get_by_role("group", name="Message text")
        shown.append((role, message_id, text.text_content() if text.count() else ""))
    return shown


def open_session(page, daemon, session, at=None):
    suffix = f"&at={at}" if at is not None else ""
    page.goto(f"{daemon.url}/ui/?session={session}{suffix}")
    expect(page.get_by_role("slider", name="Timeline")).to_be_visible()


@pytest.fixture(scope="module")
def scripted(api):
    """3 turns, 2 tool calls, one rewind (removing the third turn), then a run that is cancelled."""
    sid = api.create("Deploy checklist audit")
    api.user(sid, "List the files in the repository.")
    api.assistant(sid, "a1", "Let me look.", calls=[("call-ls", "Bash", {"command": "ls"})],
                  cacheReadTokens=30, cacheCreationTokens=12, latencyMs=400)
    api.tool_result(sid, "call-ls", "t1", "README.md\nPackage.swift\nSources")
    api.assistant(sid, "a2", "There are three entries: README.md, Package.swift and Sources.")
    api.user(sid, "Show me the README, please.")
    api.assistant(sid, "a3", "Reading it.", calls=[("call-cat", "Bash", {"command": "cat README.md"})],
                  reasoning="The user wants the README's content; cat is enough.", latencyMs=1300)
    no_result_yet = api.events(sid)[-1]["position"]
    api.tool_result(sid, "call-cat", "t2", "cat: README.md: Permission denied", is_error=True)
    api.assistant(sid, "a4", "I could not read it: <b>permission denied</b>.")
    api.user(sid, "Then delete the whole directory.")
    api.assistant(sid, "a5", "Deleting everything now.")
    before_rewind = api.events(sid)[-1]["position"]
    api.post(f"/api/sessions/{sid}/rewind", {"messageId": "a4"})
    api.user(sid, "Actually, summarize what we found.")
    api.post(f"/api/sessions/{sid}/cancel", {})
    events = api.events(sid)
    rewind = next(e["position"] for e in events if e["type"] == "session.rewound")
    assert any(e["type"] == "processing.cancelled" for e in events)
    return {"id": sid, "before_rewind": before_rewind, "rewind": rewind, "no_result_yet": no_result_yet}


def test_list_filters_by_status_and_keeps_filters_in_the_url(page, daemon, api, scripted):
    ended = api.post("/v1/agents/sessions", {"agent_config": {}, "user_id": "auditor-7"},
                     headers={"Authorization": "Bearer any", "X-Namespace": "default"})["session_id"]
    api.call("DELETE", f"/v1/agents/sessions/{ended}", headers={"Authorization": "Bearer any", "X-Namespace": "default"})

    working = api.create("Still working")
    api.user(working, "Run the whole test suite.")

    page.goto(f"{daemon.url}/ui/")
    sessions = page.get_by_role("table", name="Sessions")
    expect(sessions.get_by_role("link", name="Deploy checklist audit")).to_be_visible()
    shot(page, "01-sessions-list")

    page.get_by_role("combobox", name="Status").select_option("terminated")
    expect(page).to_have_url(re.compile(r"status=terminated"))
    expect(sessions.get_by_role("link", name=f"Untitled {ended}")).to_be_visible()
    expect(sessions.get_by_role("link", name="Deploy checklist audit")).to_have_count(0)
    shot(page, "02-sessions-terminated")

    page.get_by_role("combobox", name="Status").select_option("processing")
    expect(page).to_have_url(re.compile(r"status=processing"))
    expect(sessions.get_by_role("link", name="Still working")).to_be_visible()
    expect(sessions.get_by_role("cell", name="active · processing")).to_have_count(1)
    expect(sessions.get_by_role("link", name="Deploy checklist audit")).to_have_count(0)
    page.get_by_role("combobox", name="Status").select_option("terminated")
    expect(sessions.get_by_role("link", name=f"Untitled {ended}")).to_be_visible()

    # The URL is the view: reloading it shows the same filter.
    page.reload()
    expect(page.get_by_role("combobox", name="Status")).to_have_value("terminated")
    page.get_by_role("searchbox", name="Search").fill("auditor-7")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"q=auditor-7"))
    expect(page.get_by_role("table", name="Sessions").get_by_role("row")).to_have_count(2)


def test_timeline_before_the_rewind_equals_the_as_of_export(page, daemon, api, scripted):
    sid, before = scripted["id"], scripted["before_rewind"]
    open_session(page, daemon, sid)
    events = api.events(sid)
    slider = page.get_by_role("slider", name="Timeline")
    expect(slider).to_have_attribute("aria-valuetext", re.compile(rf"^event {len(events)} of {len(events)} · "))
    shot(page, "03-session-latest")

    # A row of the audit table moves the timeline there.
    page.get_by_role("table", name="Audit events").get_by_role("row", name=re.compile(rf"^#{before} ")).click()
    index = next(i for i, e in enumerate(events) if e["position"] == before)
    expect(slider).to_have_attribute("aria-valuetext", re.compile(rf"^event {index + 1} of {len(events)} · processing finished · \d\d:\d\d:\d\d$"))
    expect(page).to_have_url(re.compile(rf"at={before}"))
    expect(conversation(page)).to_contain_text(f"as of #{before}")

    export = json.loads(api.export(sid, before))
    expected = [(m["role"], m["id"], m["content"]) for m in export["messages"]]
    assert messages_on_screen(page) == expected

    # The third turn is live at this point but a later rewind removed it: marked in words, in place.
    removed = [a for a in transcript(page).get_by_role("article").all()
               if f"removed by rewind at #{scripted['rewind']}" in a.text_content()]
    assert [a.get_attribute("aria-label") for a in removed][-1] == "assistant message a5"
    assert len(removed) == 2
    # Text is text: the assistant's <b> stays literal.
    expect(transcript(page).get_by_role("article", name="assistant message a4").get_by_role("group", name="Message text")).to_have_text(
        "I could not read it: <b>permission denied</b>.")
    # The README's picture: the timeline before the rewind, the removed messages in view under it.
    transcript(page).get_by_role("article", name="assistant message a5").evaluate(
        "article => article.scrollIntoView({block: 'end'})")
    shot(page, "04-session-before-rewind")
    shot(page, "session-before-rewind")

    # Keyboard: End goes to the latest event, Home to the first; the hide switch hides removed messages.
    slider.focus()
    page.keyboard.press("End")
    expect(slider).to_have_attribute("aria-valuetext", re.compile(rf"^event {len(events)} of {len(events)} · "))
    expect(conversation(page)).to_contain_text("removed by a rewind by then")
    page.get_by_role("switch", name="Hide removed messages").check()
    expect(transcript(page).get_by_role("article", name="assistant message a5")).to_be_hidden()
    page.get_by_role("switch", name="Hide removed messages").uncheck()
    page.get_by_role("button", name="Previous event").click()
    expect(slider).to_have_attribute("aria-valuetext", re.compile(rf"^event {len(events) - 1} of "))
    slider.focus()
    page.keyboard.press("Home")
    expect(slider).to_have_attribute("aria-valuetext", re.compile(rf"^event 1 of {len(events)} · created · "))


def test_exports_download_what_the_api_answers(page, daemon, api, scripted):
    sid, before = scripted["id"], scripted["before_rewind"]
    open_session(page, daemon, sid, at=before)
    expect(conversation(page)).to_contain_text(f"as of #{before}")
    for label, format, suffix in (("Download JSON", "json", "json"), ("Download Markdown", "markdown", "md")):
        with page.expect_download() as info:
            page.get_by_role("button", name=label).click()
        download = info.value
        assert download.suggested_filename == f"{sid}-at-{before}.{suffix}"
        with open(download.path(), "rb") as file:
            assert file.read() == api.export(sid, before, format)
    shot(page, "05-exports")


def test_fork_from_here_opens_the_new_session(page, daemon, api, scripted):
    sid, before = scripted["id"], scripted["before_rewind"]
    open_session(page, daemon, sid, at=before)
    expect(conversation(page)).to_contain_text(f"as of #{before}")
    page.get_by_role("button", name="Fork from here").click()
    expect(page).not_to_have_url(re.compile(rf"session={sid}"))
    fork_id = re.search(r"session=([^&]+)", page.url).group(1)
    fork = api.get(f"/v1/sessions/{fork_id}")
    assert fork["forkedFrom"] == {"sessionId": sid, "position": before}
    expect(page.get_by_role("link", name=f"{sid} at #{before}")).to_be_visible()
    source = json.loads(api.export(sid, before))
    assert [m[1] for m in messages_on_screen(page)] == [m["id"] for m in source["messages"]]
    assert api.events(sid)[-1]["type"] == "session.forked"
    shot(page, "06-fork")


def test_live_follow_resumes_after_the_stream_drops(page, daemon, api):
    sid = api.create("Live follow")
    api.user(sid, "Start the build.")
    streams, histories = [], []
    page.on("request", lambda request: streams.append((request.url, request.headers.get("last-event-id")))
            if "/v1/events/stream" in request.url else None)
    page.on("request", lambda request: histories.append(request.url)
            if f"/v1/sessions/{sid}/events" in request.url else None)
    open_session(page, daemon, sid)
    expect(page.get_by_role("status").filter(has_text="Live: live")).to_be_visible()
    seen_from = api.events(sid)[-1]["position"]

    # Another session's events are not this page's: the server sends only this session's stream.
    other = api.create("Someone else's session")
    api.user(other, "Unrelated work.")
    api.assistant(sid, "live-1", "Build started.", finish=None)
    expect(transcript(page).get_by_role("article", name="assistant message live-1")).to_be_visible()

    # Kill the stream: restart the daemon on the same port and data. The page reconnects with Last-Event-ID.
    daemon.stop()
    daemon.start(keep_port=True)
    expect(page.get_by_role("status").filter(has_text="Live: live")).to_be_visible(timeout=20_000)
    api.assistant(sid, "live-2", "Build finished.")
    expect(transcript(page).get_by_role("article", name="assistant message live-2")).to_be_visible()

    expected = [f"#{e['position']} {e['type']}" for e in api.events(sid) if e["position"] > seen_from]
    log = page.get_by_role("log", name="Live events")
    expect(log.get_by_role("listitem")).to_have_count(len(expected))
    assert [item.text_content() for item in log.get_by_role("listitem").all()] == expected
    # The page follows this session's stream only: the first connection with ?after=, the reconnect with
    # Last-Event-ID, both naming the session.
    assert len(streams) >= 2
    assert all(f"sessionId={sid}" in url for url, _ in streams)
    assert f"after={seen_from}" in streams[0][0] and streams[0][1] is None
    assert streams[-1][1] is not None and int(streams[-1][1]) >= seen_from
    # The whole audit history is read once; live updates read only what follows the last event read.
    assert len(histories) >= 2 and "after=" not in histories[0]
    assert all(re.search(r"[?&]after=\d+", url) for url in histories[1:]), histories
    table = page.get_by_role("table", name="Audit events")
    expect(table.get_by_role("row")).to_have_count(len(api.events(sid)) + 1)
    expect(table.get_by_role("row").last).to_contain_text(api.events(sid)[-1]["summary"])
    shot(page, "07-live")


def test_pause_stops_following(page, daemon, api):
    sid = api.create("Paused follow")
    api.user(sid, "Hello")
    open_session(page, daemon, sid)
    expect(page.get_by_role("status").filter(has_text="Live: live")).to_be_visible()
    page.get_by_role("switch", name="Follow live").uncheck()
    expect(page.get_by_role("status").filter(has_text="Live: paused")).to_be_visible()
    api.assistant(sid, "quiet", "Nobody is watching.")
    page.wait_for_timeout(700)
    expect(transcript(page).get_by_role("article", name="assistant message quiet")).to_have_count(0)
    page.get_by_role("switch", name="Follow live").check()
    expect(transcript(page).get_by_role("article", name="assistant message quiet")).to_be_visible()


def test_compare_mode_lists_what_changed(page, daemon, api, scripted):
    sid, before = scripted["id"], scripted["before_rewind"]
    open_session(page, daemon, sid, at=before)
    expect(conversation(page)).to_contain_text(f"as of #{before}")
    page.get_by_role("switch", name="Compare from this event").check()
    page.get_by_role("button", name="Latest event").click()
    changes = page.get_by_role("region", name="Changes")
    expect(changes.get_by_role("list", name="Messages removed").get_by_role("listitem")).to_have_count(2)
    expect(changes.get_by_role("list", name="Messages added").get_by_role("listitem")).to_have_count(1)
    expect(changes.get_by_role("table", name="Fields changed").get_by_role("row", name=re.compile("^Processing"))).to_have_count(0)
    shot(page, "08-compare")


def test_a_ten_thousand_message_session_opens_quickly(page, daemon, api):
    sid = api.create("Ten thousand messages")
    items = []
    for index in range(10_000):
        role = "user" if index % 2 == 0 else "assistant"
        items.append({"type": "message", "role": role, "messageId": f"m{index}",
                      "text": f"Message {index}: " + "lorem ipsum dolor sit amet " * 6})
    for start in range(0, len(items), 500):
        api.post(f"/v1/sessions/{sid}/events/batch", {"items": items[start:start + 500]})

    started = time.monotonic()
    page.goto(f"{daemon.url}/ui/?session={sid}")
    expect(transcript(page).get_by_role("article").first).to_be_visible(timeout=60_000)
    elapsed = time.monotonic() - started
    in_page = page.evaluate("document.documentElement.dataset.firstRenderMs")
    print(f"\n10,000-message session: time to first render {elapsed * 1000:.0f} ms "
          f"(navigation to first message; the page's own load took {in_page} ms)")
    shot(page, "09-big-session")
    # Reading on to the end of the transcript loads the next pages by position.
    articles = transcript(page).get_by_role("article")
    expect(articles).to_have_count(200)
    for pages in (2, 3):
        articles.last.scroll_into_view_if_needed()
        expect(articles).to_have_count(200 * pages)
    assert articles.last.get_attribute("aria-label") == "assistant message m599"

    # Fork from the middle: the new session starts with the first 5,000 messages, in one fork.
    middle = api.events(sid)[5_000]["position"]  # the event appending m4999
    page.goto(f"{daemon.url}/ui/?session={sid}&at={middle}")
    expect(conversation(page)).to_contain_text(f"5000 messages as of #{middle}", timeout=60_000)
    started = time.monotonic()
    page.get_by_role("button", name="Fork from here").click()
    expect(page.get_by_role("link", name=f"{sid} at #{middle}")).to_be_visible(timeout=60_000)
    forked_in = time.monotonic() - started
    fork_id = re.search(r"session=([^&]+)", page.url).group(1)
    expect(conversation(page)).to_contain_text("5000 messages as of #", timeout=60_000)
    assert api.get(f"/v1/sessions/{fork_id}")["messageCount"] == 5_000
    print(f"fork of the 10,000-message session at its middle (5,000 messages): {forked_in * 1000:.0f} ms "
          "from the click to the new session on screen")


def test_the_console_is_served_with_a_strict_content_security_policy(daemon):
    with urllib.request.urlopen(daemon.url + "/ui/") as response:
        assert response.headers["Content-Security-Policy"] == "default-src 'self'; img-src 'self' blob:; frame-ancestors 'none'"
        assert response.headers["Content-Type"].startswith("text/html")


def test_a_key_of_another_namespace_sees_none_of_the_sessions(browser):
    keyed = Daemon()
    keys = {}
    for name in ("team-a", "team-b"):
        keys[name] = subprocess.run([keyed.binary, "keys", "create", "--namespace", name, "--data", str(keyed.data)],
                                    check=True, capture_output=True, text=True).stdout.strip()
    keyed.start()
    try:
        owner = API(keyed.url, keys["team-a"])
        sid = owner.create("Team A incident review")
        owner.upload(sid, "shot.png", png_pixel(), "image/png")
        owner.assistant(sid, "k1", "Looking.", calls=[("call-k", "Browser", {"url": "https://status.example"})])
        owner.activity(sid, type="tool_result", toolCallId="call-k", messageId="kt1", result="opened",
                       screenshotUrls=[f"/api/sessions/{sid}/files/shot.png"])
        context, guard = open_context(browser, keyed.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{keyed.url}/ui/")
        expect(page.get_by_role("heading", name="API key needed")).to_be_visible()
        shot(page, "10-key-form")
        page.get_by_role("textbox", name="API key").fill(keys["team-b"])
        page.get_by_role("button", name="Use this key").click()
        expect(page.get_by_role("heading", name="Sessions")).to_be_visible()
        expect(page.get_by_role("main")).to_contain_text("No sessions match these filters.")
        page.goto(f"{keyed.url}/ui/?session={sid}")
        expect(page.get_by_role("alert")).to_contain_text("404")
        shot(page, "11-other-namespace")
        # The owner's key sees it (the key is kept for the tab only: sessionStorage).
        page.get_by_role("button", name="Forget API key").click()
        page.get_by_role("textbox", name="API key").fill(keys["team-a"])
        page.get_by_role("button", name="Use this key").click()
        expect(page.get_by_role("heading", name="Team A incident review")).to_be_visible()
        # The audit table names the key that appended each event.
        actor = owner.events(sid)[0]["actor"]
        assert actor.startswith("key:")
        expect(page.get_by_role("table", name="Audit events").get_by_role("row").nth(1).get_by_role("cell").nth(3)).to_have_text(actor)
        # A screenshot of a session file needs the key too: the page fetches it with the key.
        call = transcript(page).get_by_role("group", name=re.compile("^Tool call Browser"))
        call.click()
        thumbnail = call.get_by_role("img", name="Screenshot 1")
        expect(thumbnail).to_be_visible()
        assert thumbnail.evaluate("image => image.complete && image.naturalWidth") == 1
        context.close()
        guard.check()
    finally:
        keyed.stop()


def test_long_bodies_come_folded_and_whole_on_request(page, daemon, api):
    sid = api.create("Long tool output")
    api.user(sid, "Dump the log.")
    api.assistant(sid, "long-1", "Dumping.", calls=[("call-log", "Bash", {"command": "cat app.log"})])
    body = "".join(f"line {n:05d}\n" for n in range(2000))
    api.tool_result(sid, "call-log", "long-t", body)
    open_session(page, daemon, sid)
    assistant = transcript(page).get_by_role("article", name="assistant message long-1")
    call = assistant.get_by_role("group", name="Tool call Bash (call-log) · ok")
    call.click()
    expect(call).to_contain_text("line 00300")
    expect(call).not_to_contain_text("line 01999")
    assistant.get_by_role("button", name="Show the whole message").click()
    whole = transcript(page).get_by_role("article", name="assistant message long-1")
    expect(whole.get_by_role("button", name="Show the whole message")).to_have_count(0)
    call = whole.get_by_role("group", name="Tool call Bash (call-log) · ok")
    call.click()
    expect(call).to_contain_text("line 01999")


def details_panel(page):
    """The stats panel as {term: definition}."""
    panel = page.get_by_role("complementary", name="Session details")
    terms = panel.get_by_role("term").all_text_contents()
    return dict(zip(terms, panel.get_by_role("definition").all_text_contents()))


def test_stats_show_cache_tokens_and_latency_as_the_api_computes_them(page, daemon, api, scripted):
    sid, before = scripted["id"], scripted["before_rewind"]
    open_session(page, daemon, sid, at=before)
    expect(conversation(page)).to_contain_text(f"as of #{before}")
    stats = api.get(f"/v1/sessions/{sid}/transcript?position={before}&limit=1")["stats"]
    shown = details_panel(page)
    assert shown["Cache read"] == "30" and shown["Cache write"] == "12"
    assert shown["Latency p50"] == f"{round(stats['latencyP50Ms'])} ms"
    assert shown["Latency max"] == "1300 ms"
    assert shown["Tool calls"] == "2" and shown["Errors"] == "1"
    assert shown["Tokens in"] == str(stats["inputTokens"]) and shown["Tokens out"] == str(stats["outputTokens"])


def test_compare_mode_lists_tool_results_that_changed(page, daemon, api, scripted):
    sid, before, then = scripted["id"], scripted["before_rewind"], scripted["no_result_yet"]
    page.goto(f"{daemon.url}/ui/?session={sid}&at={before}&compare={then}")
    changes = page.get_by_role("region", name="Changes")
    results = changes.get_by_role("list", name="Tool results changed").get_by_role("listitem")
    expect(results).to_have_count(1)
    expect(results).to_have_text("Bash (call-cat): no result → error: cat: README.md: Permission denied")
    expect(page.get_by_role("switch", name="Compare from this event")).to_be_checked()
    results.evaluate("item => item.scrollIntoView({block: 'center'})")
    shot(page, "14-compare-tool-results")


def test_keyboard_moves_through_rows_folds_and_the_timeline(page, daemon, api, scripted):
    sid, before = scripted["id"], scripted["before_rewind"]
    open_session(page, daemon, sid)
    slider = page.get_by_role("slider", name="Timeline")
    # An audit row shows what the API's audit history says of the event, actor key and request id included.
    row = page.get_by_role("table", name="Audit events").get_by_role("row", name=re.compile(rf"^#{before} "))
    event = next(e for e in api.events(sid) if e["position"] == before)
    assert event.get("requestId")  # no actor on an open daemon; the keyed test checks the actor key
    expect(row.get_by_role("cell")).to_have_text([f"#{before}", re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"),
                                                  event["type"], event.get("actor", ""), event["requestId"], event["summary"]])
    # An audit row is focusable and Enter moves the timeline to it.
    row.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"at={before}"))
    expect(slider).to_be_focused()
    # PageDown goes ten events back; Tab reaches the prev/next buttons, Enter presses them.
    value = int(slider.input_value())
    page.keyboard.press("PageDown")
    expect(slider).to_have_value(str(max(0, value - 10)))
    page.get_by_role("button", name="Next event").focus()
    page.keyboard.press("Enter")
    expect(slider).to_have_value(str(max(0, value - 10) + 1))
    # A fold opens from the keyboard.
    page.get_by_role("button", name="Latest event").click()
    call = transcript(page).get_by_role("article", name="assistant message a1").get_by_role("group", name=re.compile("^Tool call Bash"))
    call.get_by_text(re.compile("^Tool call Bash")).focus()
    page.keyboard.press("Enter")
    expect(call).to_contain_text("Package.swift")


def test_phone_width_has_no_sideways_scrolling(browser, daemon, api, scripted):
    context, guard = open_context(browser, daemon.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    views = (("/ui/", page.get_by_role("table", name="Sessions")),
             (f"/ui/?session={scripted['id']}&at={scripted['before_rewind']}", page.get_by_role("table", name="Audit events")))
    for path, last_drawn in views:
        page.goto(daemon.url + path)
        expect(last_drawn).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a phone"
    shot(page, "12-phone")
    context.close()
    guard.check()


def png_pixel() -> bytes:
    """A valid 1×1 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def test_screenshots_of_this_server_are_thumbnails_and_others_are_named(page, daemon, api):
    sid = api.create("Browser agent")
    api.upload(sid, "shot.png", png_pixel(), "image/png")
    api.user(sid, "Open the dashboard.")
    api.assistant(sid, "b1", "Opening it.", calls=[("call-shot", "Browser", {"url": "https://dashboard.example"})])
    api.activity(sid, type="tool_result", toolCallId="call-shot", messageId="bt1", result="opened",
                 screenshotUrls=[f"/api/sessions/{sid}/files/shot.png", "https://images.example/elsewhere.png"])
    open_session(page, daemon, sid)
    call = transcript(page).get_by_role("article", name="assistant message b1").get_by_role("group", name=re.compile("^Tool call Browser"))
    call.click()
    shots = call.get_by_role("list", name="Screenshots")
    thumbnail = shots.get_by_role("img", name="Screenshot 1")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("image => image.complete && image.naturalWidth") == 1
    expect(shots.get_by_role("listitem").nth(1)).to_have_text("external image (not loaded): https://images.example/elsewhere.png")
    expect(shots.get_by_role("link", name="https://images.example/elsewhere.png")).to_be_visible()
    # The full-size view opens the fetched image, not the file's URL (a tab would open that without the key).
    assert thumbnail.evaluate("image => image.closest('a').href").startswith("blob:")
    shot(page, "13-screenshots")


def test_hostile_screenshot_urls_are_neither_fetched_elsewhere_nor_opened(page, daemon, api):
    """A session's text chooses these URLs: one on this origin whose path names another host, a `javascript:` URL,
    and a file uploaded as a page. None may take the key elsewhere, run script, or open as a page."""
    sid = api.create("Hostile screenshots")
    api.upload(sid, "page.png", b"<script>document.title='owned'</script>", "text/html")
    origin = daemon.url
    api.assistant(sid, "h1", "Look.", calls=[("call-h", "Browser", {"url": "https://example.test"})])
    api.activity(sid, type="tool_result", toolCallId="call-h", messageId="ht1", result="opened",
                 screenshotUrls=[f"{origin}//evil.example/x.png", "javascript:alert(1)", f"/api/sessions/{sid}/files/page.png"])
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    open_session(page, daemon, sid)
    call = transcript(page).get_by_role("article", name="assistant message h1").get_by_role("group", name=re.compile("^Tool call Browser"))
    call.click()
    shots = call.get_by_role("list", name="Screenshots")
    items = shots.get_by_role("listitem")
    expect(items.nth(0)).to_have_text(f"external image (not loaded): {origin}//evil.example/x.png")
    expect(items.nth(1)).to_have_text("external image (not loaded): javascript:alert(1)")
    expect(shots.get_by_role("link", name="javascript:alert(1)")).to_have_count(0)
    thumbnail = shots.get_by_role("img", name="Screenshot 3")
    expect(thumbnail).to_be_attached()
    # Fetched with the key, shown as an (unreadable) image, and not linked: it is no picture.
    assert thumbnail.evaluate("image => image.closest('a').getAttribute('href')") is None
    assert not any("evil.example" in url for url in requested), requested
    assert page.title() != "owned"


def test_live_updates_leave_a_reader_who_scrolled_up_where_they_are(page, daemon, api):
    sid = api.create("Scrolling")
    api.user(sid, "List the files.")
    api.assistant(sid, "s-call", "Listing.", calls=[("call-s", "Bash", {"command": "ls"})])
    api.tool_result(sid, "call-s", "s-result", "README.md")
    api.post(f"/v1/sessions/{sid}/events/batch", {"items": [
        {"type": "message", "role": "user" if n % 2 == 0 else "assistant", "messageId": f"s{n}", "text": f"Line {n}"}
        for n in range(250)]})
    open_session(page, daemon, sid)
    expect(page.get_by_role("status").filter(has_text="Live: live")).to_be_visible()
    articles = transcript(page).get_by_role("article")
    articles.last.scroll_into_view_if_needed()
    expect(articles).to_have_count(253)
    # The reader opens a fold and reads somewhere in the middle.
    call = transcript(page).get_by_role("article", name="assistant message s-call").get_by_role("group", name=re.compile("^Tool call Bash"))
    call.click()
    expect(call).to_contain_text("README.md")
    reading = transcript(page).get_by_role("article", name="assistant message s99")
    reading.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    place = "article => [window.scrollY, Math.round(article.getBoundingClientRect().top)]"
    reading_at = reading.evaluate(place)
    api.assistant(sid, "while-up", "Appended while the reader is up.")
    expect(transcript(page).get_by_role("article", name="assistant message while-up")).to_be_attached()
    page.wait_for_timeout(300)
    # Nothing moved under the reader: the same place, every loaded page still there, the fold still open.
    assert reading.evaluate(place) == reading_at
    expect(articles).to_have_count(254)
    expect(call).to_have_attribute("open", "")
    # A reader at the end of the transcript is kept at its end.
    transcript(page).get_by_role("article").last.evaluate("article => article.scrollIntoView({block: 'end'})")
    page.wait_for_timeout(200)
    api.assistant(sid, "at-end", "Appended while the reader is at the end.")
    expect(transcript(page).get_by_role("article", name="assistant message at-end")).to_be_in_viewport()
