"""The Voices Project (issue 14 C) in Chromium at a phone's size, against the real
platform: a caregiver's audio story told in the web app (the draft and their consent, a
file that is no recording refused, the recording, its transcript, the patient's consent,
the preview, the release) waits in the curators' queue, a curator approves it in the
console; a visitor finds it in the
gallery by its kind, opens it, and its recording plays through the web app (the player
reads its duration; a Range answered 206) with its captions; the storyteller sees it
published on "my stories". A written story told in the web app: the draft with the
storyteller's consent, the patient's consent, the preview, the release, approved and
read in the gallery. Every page checked (axe-core, weight) as the rest."""

import uuid
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.audio import tone
from tests.platform import Platform, register

from .test_in_a_browser import PASSWORD, staff_account

pytestmark = pytest.mark.browser


async def told_in_the_browser(platform: Platform, people: Any, email: str,
                              title: str) -> str:
    """An audio story told by a caregiver in the web app: the draft and their consent, the
    recording (a file that is none refused first), the transcript, the patient's consent,
    the preview and the release."""
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        await register(api, email, PASSWORD, display_name="Lata", role="caregiver")
    teller = await people("audio-storyteller")
    await teller.sign_in(email)
    await teller.open("/stories/new")
    await teller.fill({"title": title, "summary": "What the first weeks were like for us",
                       "communities": "cancer", "kind": "audio", "about_someone_else": "on",
                       "take_part": "on"})
    page = await teller.submit("Save my story as a draft", "audio-started")
    story_id = page.url.rsplit("/", 1)[-1]
    await page.locator("#f-file").set_input_files(files=[{
        "name": "story.webm", "mimeType": "audio/webm", "buffer": b"not a recording"}])
    page = await teller.submit("Upload the recording", "recording-refused")
    await expect(page.locator('[data-field="file"]')).to_be_visible()
    await page.locator("#f-file").set_input_files(files=[{
        "name": "story.webm", "mimeType": "audio/webm", "buffer": tone(3.0)}])
    page = await teller.submit("Upload the recording", "recording-uploaded")
    await expect(page.locator("#recording")).to_contain_text("audio/webm")
    await teller.fill({"segments": "0:00 0:01.5 Amma was diagnosed in March.\n"
                                   "0:01.5 0:02.9 We went every week."})
    page = await teller.submit("Save the transcript", "transcript-saved")
    await expect(page.locator(".flash")).to_have_text("The transcript is saved.")
    form = page.locator("#consent-subject_consent")
    await form.locator('[name="name"]').fill("Kamala Devi")
    async with page.expect_navigation():
        await form.get_by_role("button").click()
    page = await teller.checked("audio-consented")
    async with page.expect_navigation():
        await page.locator("#preview-link").click()
    await teller.checked("audio-preview")
    await teller.fill({"visibility": "public"})
    page = await teller.submit("Release my story", "audio-released")
    await expect(page.locator("#my-story")).to_have_attribute("data-status", "submitted")
    return story_id


async def test_a_released_story_approved_by_a_curator_plays_in_the_gallery(
        platform: Platform, people: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    title = f"Amma's first chemo {tag}"
    teller_email = f"lata-{tag}@example.in"
    story_id = await told_in_the_browser(platform, people, teller_email, title)

    curator = await people("curator")
    await curator.sign_in(await staff_account(platform, "curator", "voices_curator"))
    page = await curator.until("/console/stories", f'article[data-story-id="{story_id}"]')
    item = page.locator(f'article[data-story-id="{story_id}"]')
    await item.get_by_label("Approve and publish").check()
    await item.get_by_label("Note for the storyteller").fill("Thank you for telling it")
    async with page.expect_navigation():
        await item.get_by_role("button").click()
    page = await curator.checked("story-approved")
    await expect(page.locator(".flash")).to_have_text("The story is approved: it is published.")

    visitor = await people("story-visitor")
    page = await visitor.until("/stories?kind=audio&community=cancer",
                               f'[data-story-id="{story_id}"]')
    async with page.expect_navigation():
        await page.get_by_role("link", name=title).click()
    page = await visitor.checked("story")
    player = page.locator("#story-player")
    await expect(player).to_have_attribute("preload", "none")
    await expect(page.locator("#story-player track")).to_have_attribute(
        "src", f"/stories/{story_id}/captions.vtt")
    await expect(page.locator("#transcript")).to_contain_text("Amma was diagnosed in March.")
    await player.evaluate("a => { a.preload = 'metadata'; a.load(); }")
    await page.wait_for_function(
        "() => isFinite(document.querySelector('#story-player').duration)")
    duration = await player.evaluate("a => a.duration")
    assert 2.5 < duration < 3.5, duration
    ranged = await visitor.context.request.get(f"{visitor.base}/stories/{story_id}/media",
                                               headers={"Range": "bytes=0-99"})
    assert ranged.status == 206 and len(await ranged.body()) == 100
    assert ranged.headers["content-range"].startswith("bytes 0-99/")
    vtt = await visitor.context.request.get(f"{visitor.base}/stories/{story_id}/captions.vtt")
    assert vtt.status == 200 and (await vtt.text()).startswith("WEBVTT")

    teller = await people("storyteller")
    await teller.sign_in(teller_email)
    page = await teller.open("/my/stories")
    await expect(page.locator(f'[data-story-id="{story_id}"]')).to_have_attribute(
        "data-status", "published")


async def test_a_written_story_told_consented_previewed_released_in_the_web_app(
        platform: Platform, people: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    title = f"The night ward {tag}"
    teller_email = f"asha-{tag}@example.in"
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        await register(api, teller_email, PASSWORD, display_name="Asha", role="caregiver")
    teller = await people("written-storyteller")
    await teller.sign_in(teller_email)
    page = await teller.open("/stories/new")
    await expect(page.locator("#take-part-wording")).not_to_be_empty()
    await teller.fill({"title": title, "summary": "Sitting up with my father on the ward",
                       "communities": "cancer, caregivers", "kind": "written",
                       "about_someone_else": "on", "take_part": "on",
                       "text": "The nurses came every hour.\n\nNobody slept."})
    page = await teller.submit("Save my story as a draft", "story-started")
    await expect(page.locator("#my-story")).to_have_attribute("data-status", "draft")
    await expect(page.locator('#consents [data-purpose="take_part"]')).to_be_visible()
    # A story about someone else needs their consent: refused at the release without it.
    form = page.locator("#consent-subject_consent")
    await form.locator('[name="name"]').fill("Ramesh Rao")
    async with page.expect_navigation():
        await form.get_by_role("button").click()
    page = await teller.checked("story-consented")
    await expect(page.locator('#consents [data-purpose="subject_consent"]')).to_be_visible()
    async with page.expect_navigation():
        await page.locator("#preview-link").click()
    page = await teller.checked("story-preview")
    await expect(page.locator("#preview")).to_contain_text("Nobody slept.")
    await teller.fill({"visibility": "public"})
    page = await teller.submit("Release my story", "story-released")
    await expect(page.locator(".flash")).to_contain_text("a curator will review it")
    await expect(page.locator("#my-story")).to_have_attribute("data-status", "submitted")

    curator = await people("written-curator")
    await curator.sign_in(await staff_account(platform, "curator2", "voices_curator"))
    page = await curator.until("/console/stories", f'article:has-text("{title}")')
    item = page.locator("article", has_text=title)
    await item.get_by_label("Approve and publish").check()
    async with page.expect_navigation():
        await item.get_by_role("button").click()
    await curator.checked("written-approved")
    page = await teller.until("/stories?kind=written", f'#stories a:has-text("{title}")')
    async with page.expect_navigation():
        await page.get_by_role("link", name=title).click()
    page = await teller.checked("written-story")
    await expect(page.locator(".story-text")).to_contain_text("The nurses came every hour.")
    await expect(page.locator("#story-player")).to_have_count(0)
