"""The screens of the feed's later capabilities in Chromium at a phone's size, against the
real platform: an admin lists a resource and an event, a member finds them and a Hindi post
by the header's search, a post with a voice note played by range, a comment reported, and
the policy inputs' report downloaded; every page checked (axe-core, weight) as the rest."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.async_api import expect

from tests.audio import tone
from tests.platform import ADMIN_EMAIL, ADMIN_PASSWORD, Platform

from .test_in_a_browser import member_account

pytestmark = pytest.mark.browser
COMMUNITY = "kidney-health"


def devanagari(token: str) -> str:
    """A word of Devanagari letters no one else wrote: a search finds only our post."""
    return "".join(chr(0x0915 + int(c, 16)) for c in token)


async def test_listings_search_voice_notes_comment_flags_and_policy_inputs(
        platform: Platform, people: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    admin = await people("lister")
    await admin.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    await admin.open("/console/resources")
    await admin.page.locator("summary", has_text="Add a resource").click()
    await admin.fill({"title": f"Dialysis at home {tag}", "kind": "video",
                      "organisation": "Kidney Warriors", "link": "https://example.org/dialysis",
                      "summary": "A nurse shows each step."})
    await admin.page.locator("#f-language").select_option("hi")
    await admin.page.locator(f"#f-communities-{COMMUNITY}").check()
    page = await admin.submit("Add the resource", "resource-added")
    await expect(page.locator(".flash")).to_have_text("The resource is listed.")
    starts = (datetime.now(UTC) + timedelta(days=20)).strftime("%Y-%m-%dT10:00")
    await admin.open("/console/events")
    await admin.page.locator("summary", has_text="Schedule an event").click()
    await admin.fill({"title": f"Kidney camp {tag}", "kind": "health_day",
                      "starts_at": starts, "place": "Sassoon hospital, Pune",
                      "online_link": "https://meet.example.org/camp"})
    await admin.page.locator("#f-language").select_option("mr")
    page = await admin.submit("Schedule the event", "event-scheduled")
    await expect(page.locator(".flash")).to_have_text("The event is scheduled.")
    await expect(page.locator("#events")).to_contain_text(f"Kidney camp {tag}")

    member = await people("listener")
    await member.sign_in(await member_account(platform, "listener"))
    page = await member.until(f"/resources?community={COMMUNITY}&kind=video",
                              f'#resources a:has-text("Dialysis at home {tag}")')
    page = await member.until(f"/events?community={COMMUNITY}", f'text="Kidney camp {tag}"')
    await expect(page.locator("#events")).to_contain_text("10:00 IST")

    # A post in Hindi with a voice note; first a file that is no audio, refused beside it.
    word = devanagari(tag)
    await member.open(f"/c/{COMMUNITY}")
    await member.page.locator("summary", has_text="Write a post").click()
    await member.fill({"kind": "policy_input", "title": f"डायलिसिस {word}",
                       "body": f"हमारे ज़िले में डायलिसिस केंद्र नहीं है {word}"})
    await member.page.locator("#f-language").select_option("hi")
    upload = member.page.locator('[name="voice_note"]')
    await upload.set_input_files(files=[{"name": "note.txt", "mimeType": "text/plain",
                                         "buffer": b"not a voice note at all"}])
    page = await member.submit("Publish", "voice-refused")
    await expect(page.locator('.field.invalid [data-field="voice_note"]')).to_be_visible()
    await expect(page.locator('[name="body"]')).to_have_value(re.compile(word))
    await upload.set_input_files(files=[{"name": "note.ogg", "mimeType": "audio/ogg",
                                         "buffer": tone(3.0, "ogg", "libopus")}])
    page = await member.submit("Publish", "voice-posted")
    post_path = urlsplit(page.url).path
    audio = page.locator("audio[data-voice-note]")
    await expect(audio).to_have_attribute("preload", "none")
    duration = await audio.evaluate("""a => new Promise((done, fail) => {
        a.addEventListener('loadedmetadata', () => done(a.duration));
        a.addEventListener('error', () => fail('cannot play: ' + (a.error && a.error.code)));
        a.load(); })""")
    assert 2.5 < duration < 3.5, duration
    src = await audio.get_attribute("src")
    assert src and src.startswith("/voice-notes/")
    ranged = await member.page.request.get(member.base + src, headers={"Range": "bytes=0-99"})
    assert ranged.status == 206 and len(await ranged.body()) == 100
    assert ranged.headers["content-range"].startswith("bytes 0-99/")

    # The header's search box finds the Hindi post and the resource.
    page = await member.open("/")
    await page.locator("#site-search").fill(word)
    async with page.expect_navigation():
        await page.locator("#site-search").press("Enter")
    page = await member.until(f"/search?q={word}", f'#results a[href="{post_path}"]')
    await member.open(f"/search?q=zz{tag}")
    await expect(member.page.locator("#no-results")).to_be_visible()

    # Another member comments; the first reports the comment.
    other = await people("commenter")
    await other.sign_in(await member_account(platform, "commenter"))
    post = await other.open(post_path)
    await post.locator("#f-body").fill(f"Buy this cure on my site {tag}")
    post = await other.submit("Send the comment", "commented-spam")
    post = await member.until(post_path, ".comment details.report")
    comment = post.locator(".comment", has_text=f"cure on my site {tag}")
    await comment.locator("summary", has_text="Report").click()
    await comment.locator('[name="reason"]').select_option("spam")
    async with post.expect_navigation():
        await comment.get_by_role("button", name="Send to the moderators").click()
    await expect(post.locator(".flash")).to_have_text(
        "Thank you: the moderators will look at the comment.")
    await member.checked("comment-flagged")

    # The author replies to that comment with a voice note: a file that is no audio refused
    # beside the reply's own field (the words kept), then an Opus note, played back.
    comment = post.locator("article.comment:not(.reply)", has_text=f"cure on my site {tag}")
    await comment.locator("summary", has_text="Reply").click()
    await comment.get_by_label("Your reply").fill(f"Please do not buy it {tag}")
    await comment.get_by_label("A voice note (optional)").set_input_files(files=[{
        "name": "reply.txt", "mimeType": "text/plain", "buffer": b"no voice here"}])
    async with post.expect_navigation():
        await comment.get_by_role("button", name="Send the reply").click()
    post = await member.checked("reply-voice-refused")
    comment = post.locator("article.comment:not(.reply)", has_text=f"cure on my site {tag}")
    await expect(comment.locator('.field.invalid [data-field="voice_note"]')).to_be_visible()
    await expect(comment.get_by_label("Your reply")).to_have_value(f"Please do not buy it {tag}")
    await comment.get_by_label("A voice note (optional)").set_input_files(files=[{
        "name": "reply.ogg", "mimeType": "audio/ogg", "buffer": tone(2.0, "ogg", "libopus")}])
    async with post.expect_navigation():
        await comment.get_by_role("button", name="Send the reply").click()
    post = await member.checked("reply-voice-sent")
    await expect(post.locator(".flash")).to_be_visible()
    reply = post.locator("article.reply", has_text=f"Please do not buy it {tag}")
    audio = reply.locator("audio[data-voice-note]")
    await expect(audio).to_have_attribute("preload", "none")
    duration = await audio.evaluate("""a => new Promise((done, fail) => {
        a.addEventListener('loadedmetadata', () => done(a.duration));
        a.addEventListener('error', () => fail('cannot play: ' + (a.error && a.error.code)));
        a.load(); })""")
    assert 1.5 < duration < 2.5, duration

    # The policy input reaches the console; its report downloads as a file.
    page = await admin.until(f"/console/policy-inputs?community={COMMUNITY}",
                             f'text="डायलिसिस {word}"')
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="CSV (spreadsheet)").click()
    download = await downloading.value
    assert download.suggested_filename == f"policy-inputs-{COMMUNITY}.csv"
    assert word in (await download.path()).read_text("utf-8")
    await admin.open("/console/moderation?reason=spam")
