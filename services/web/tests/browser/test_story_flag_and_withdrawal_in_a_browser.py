"""A published story's reader and its storyteller, in Chromium at a phone's size against
the real platform: a member flags the story from its page with a reason (it reaches the
curators' queue); the storyteller, shown on the story's page a name in it to redact,
withdraws it from "my stories" after a confirm step, and it is gone from the gallery and
its page for everyone. Every page checked (axe-core, weight) as the rest."""

import uuid
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.platform import ADMIN_EMAIL, ADMIN_PASSWORD, Platform, login, register

from .test_in_a_browser import PASSWORD, member_account

pytestmark = pytest.mark.browser
VERSION = "2026-12"


async def published_story(platform: Platform, email: str, title: str) -> str:
    """A written story told, consented, previewed, released and approved, by the API."""
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        await register(api, email, PASSWORD, display_name="Sunita", role="patient")
        teller = await login(api, email, PASSWORD)
        created = await api.post("/v1/stories", headers=teller, json={
            "title": title, "summary": "Three years of dialysis", "language": "en",
            "communities": ["kidney-health"], "kind": "written",
            "text": "Every Tuesday and Friday the machine, and Sister Mary, and the bus home."})
        assert created.status_code == 201, created.text
        story_id = created.json()["story_id"]
        for method, path, body in (
                ("POST", "consents", {"purpose": "take_part", "version": VERSION}),
                ("GET", "preview", None),
                ("POST", "release", {"visibility": "public", "version": VERSION})):
            reply = await api.request(method, f"/v1/stories/{story_id}/{path}",
                                      headers=teller, json=body)
            assert reply.status_code < 300, reply.text
        admin = await login(api, ADMIN_EMAIL, ADMIN_PASSWORD)
        approved = await api.post(f"/v1/curation/stories/{story_id}/decision",
                                  headers=admin, json={"decision": "approve"})
        assert approved.status_code == 200, approved.text
    return str(story_id)


async def test_a_member_flags_a_story_and_its_storyteller_withdraws_it(
        platform: Platform, people: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    title, teller_email = f"Tuesdays and Fridays {tag}", f"sunita-{tag}@example.in"
    story_id = await published_story(platform, teller_email, title)

    reader = await people("story-reader")
    await reader.sign_in(await member_account(platform, "reader"))
    page = await reader.open(f"/stories/{story_id}")
    await page.locator("#flag-story summary").click()
    await reader.fill({"reason": "no"})
    await page.locator("#flag-reason").evaluate("e => e.removeAttribute('minlength')")
    page = await reader.submit("Send to the curators", "story-flag-refused")
    await expect(page.locator('[data-field="reason"]')).to_be_visible()
    await reader.fill({"reason": "It names the nurse on the ward"})
    page = await reader.submit("Send to the curators", "story-flagged")
    await expect(page.locator(".flash")).to_contain_text("within 24 hours")
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        admin = await login(api, ADMIN_EMAIL, ADMIN_PASSWORD)
        queue = (await api.get("/v1/curation/queue", headers=admin)).json()
    [flagged] = [f for f in queue["flagged"] if f["story"]["story_id"] == story_id]
    assert flagged["reasons"] == ["It names the nurse on the ward"]

    teller = await people("withdrawing-storyteller")
    await teller.sign_in(teller_email)
    page = await teller.open(f"/stories/{story_id}")  # its storyteller: what to redact
    await expect(page.locator("#redact q.found")).to_have_text("Sister Mary")
    page = await teller.open("/my/stories")
    item = page.locator(f'[data-story-id="{story_id}"]')
    await expect(item).to_have_attribute("data-status", "published")
    async with page.expect_navigation():
        await item.locator("a.withdraw").click()
    page = await teller.checked("story-withdraw-confirm")
    await expect(page.locator("#withdraw-explained")).to_contain_text("cannot be undone")
    page = await teller.submit("Yes, withdraw my story", "story-withdrawn")
    await expect(page.locator(".flash")).to_contain_text("Your story is withdrawn")
    await expect(page.locator(f'[data-story-id="{story_id}"]')).to_have_count(0)

    visitor = await people("after-withdrawal")
    page = await visitor.open("/stories")
    await expect(page.locator(f'[data-story-id="{story_id}"]')).to_have_count(0)
    gone = await visitor.context.request.get(f"{visitor.base}/stories/{story_id}")
    assert gone.status == 404


async def flag(platform: Platform, story_id: str, reason: str) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        email = f"flagger-{uuid.uuid4().hex[:6]}@example.in"
        await register(api, email, PASSWORD, display_name="Ravi", role="patient")
        reply = await api.post(f"/v1/stories/{story_id}/flags",
                               headers=await login(api, email, PASSWORD),
                               json={"reason": reason})
        assert reply.status_code == 201, reply.text


async def test_a_curator_dismisses_one_flagged_story_and_takes_another_down(
        platform: Platform, people: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    kept_title, taken_title = f"Kept {tag}", f"Taken down {tag}"
    teller_email = f"meena-{tag}@example.in"
    kept = await published_story(platform, f"lata-{tag}@example.in", kept_title)
    taken = await published_story(platform, teller_email, taken_title)
    await flag(platform, kept, "I do not like this story")
    await flag(platform, taken, "It gives the nurse's full name and ward")

    curator = await people("flags-curator")
    await curator.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    page = curator.page
    async with page.expect_navigation():
        await page.get_by_role("link", name="Flagged stories").click()
    page = await curator.checked("flagged-stories")
    item = page.locator(f'[data-story-id="{taken}"]')
    await expect(item.locator(".reasons li")).to_have_text(
        ["It gives the nurse's full name and ward"])
    await expect(item.locator("[data-open-flags]")).to_have_text("1")

    await item.get_by_label("Take it down").check()
    async with page.expect_navigation():  # no note: the API's refusal beside the field
        await item.get_by_role("button", name="Send decision").click()
    page = await curator.checked("flagged-refused")
    item = page.locator(f'[data-story-id="{taken}"]')
    await expect(item.locator('[data-field="note"]')).to_be_visible()
    await expect(item.get_by_label("Take it down")).to_be_checked()
    await item.get_by_label("Note").fill("Please leave out the nurse's name")
    async with page.expect_navigation():
        await item.get_by_role("button", name="Send decision").click()
    page = await curator.checked("flagged-taken-down")
    await expect(page.locator(".flash")).to_contain_text("taken down")
    await expect(page.locator(f'[data-story-id="{taken}"]')).to_have_count(0)

    item = page.locator(f'[data-story-id="{kept}"]')
    await item.get_by_label("Dismiss the reports").check()
    await item.get_by_label("Note").fill("Nothing against the guidelines")
    async with page.expect_navigation():
        await item.get_by_role("button", name="Send decision").click()
    page = await curator.checked("flagged-dismissed")
    await expect(page.locator(".flash")).to_contain_text("stays published")
    await expect(page.locator(f'[data-story-id="{kept}"]')).to_have_count(0)

    visitor = await people("after-flags")
    page = await visitor.open("/stories")
    await expect(page.locator(f'[data-story-id="{kept}"]')).to_have_count(1)
    await expect(page.locator(f'[data-story-id="{taken}"]')).to_have_count(0)
    teller = await people("taken-down-storyteller")
    await teller.sign_in(teller_email)
    page = await teller.open("/my/stories")
    await expect(page.locator(f'[data-story-id="{taken}"]')).to_contain_text(
        "Please leave out the nurse's name")
