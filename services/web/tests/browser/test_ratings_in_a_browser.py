"""Ratings (issue 12) in Chromium at a phone's size, against the real platform: a member
suggests a clinic, the admin approves it in the console, the member rates it with a review
holding a phone number (held, the API's words shown), a moderator releases it in the
console, the directory shows its score and how sure it is; revised, then withdrawn from
"my ratings"; the admin makes the member the clinic's representative, who may then not
rate it; a vetted doctor answers a review of themselves. Every page checked (axe-core,
weight) as the rest."""

import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.platform import ADMIN_EMAIL, ADMIN_PASSWORD, Platform, login, running_platform

from .test_in_a_browser import PASSWORD, member_account

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
async def platform(postgres_url: str,
                   tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    """New accounts out of their first-day sandbox at once: only they may rate."""
    async for running in running_platform(postgres_url, tmp_path_factory.mktemp("rweb"),
                                           SANDBOX_HOURS="0"):
        yield running


async def test_a_suggested_clinic_approved_rated_held_released_revised_and_withdrawn(
        platform: Platform, people: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    name = f"Asha Charitable Clinic {tag}"
    member = await people("rater")
    member_email = await member_account(platform, "rater")
    await member.sign_in(member_email)
    await member.open("/providers?kind=hospital")
    await member.open("/providers/suggest")
    await member.fill({"kind": "hospital", "name": name, "city": "Nagpur",
                       "state": "Maharashtra", "type": "charitable", "pincode": "440001"})
    page = await member.submit("Suggest", "suggested")
    sent = page.locator("#suggestion-sent")
    await expect(sent).to_contain_text("An admin will check it")
    reference = re.search(r"[0-9a-f-]{36}", await sent.inner_text())
    assert reference, await sent.inner_text()
    clinic = reference.group(0)

    admin = await people("admin")
    await admin.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    await admin.open("/console/providers")
    await admin.fill({"id": clinic})
    page = await admin.submit("Open", "pending-provider")
    await expect(page.locator("#pending-provider")).to_have_attribute("data-status", "pending")
    await admin.fill({"decision": "approve", "reason": "Checked with the trust's register"})
    page = await admin.submit("Send decision", "provider-approved")
    await expect(page.locator(".flash")).to_have_text("The provider is listed.")

    # Rated with a phone number in the review: held, and the API's reason shown.
    page = await member.open(f"/providers/{clinic}")
    await expect(page.locator("#no-reviews")).to_be_visible()
    await page.get_by_label("4 stars", exact=True).check()
    await member.fill({"criteria.cleanliness": "5", "criteria.waiting_time": "3",
                       "review": f"Clean and kind {tag}. Ask for Ravi at 98200 12345."})
    page = await member.submit("Send my rating", "rating-held")
    await expect(page.locator("#my-rating")).to_have_attribute("data-status", "held")
    await expect(page.locator('#rating-notices [data-reason="contact_details"]')) \
        .to_contain_text("moderator")
    await expect(page.locator("#score .confidence")).to_have_text("no ratings yet")

    # A moderator (the admin) releases it in the console; it counts.
    page = await admin.until("/console/ratings", f'blockquote:has-text("{tag}")')
    item = page.locator(".held-rating", has_text=tag)
    await expect(item.locator('[data-reason="contact_details"]')).to_be_visible()
    await item.locator('[name="decision"]').select_option("release")
    async with page.expect_navigation():
        await item.get_by_role("button", name="Send decision").click()
    await admin.checked("rating-released")
    await expect(page.locator(".flash")).to_have_text("The rating is released: it counts.")

    page = await member.until(f"/providers?kind=hospital&q={tag}",
                              f'#providers [data-provider-id="{clinic}"] .score')
    row = page.locator(f'#providers [data-provider-id="{clinic}"]')
    await expect(row.locator(".score")).to_have_text(re.compile(r"^\d\.\d ★ from 1 rating$"))
    await expect(row.locator(".confidence")).to_have_text("(few ratings yet)")
    # The score's projection follows the release (a moment later, SCORES.md).
    page = await member.until(f"/providers/{clinic}",
                              '#histogram tr[data-stars="4"] .count:text-is("1")')
    await expect(page.locator('#criteria tr[data-criterion="cleanliness"] td')) \
        .to_have_text("5.0 / 5")
    await expect(page.locator("#reviews .review")).to_contain_text(f"Clean and kind {tag}")

    # Revised (counted at once, no phone number), then withdrawn.
    await page.get_by_label("5 stars", exact=True).check()
    await member.fill({"review": f"Clean and kind {tag}."})
    page = await member.submit("Revise my rating", "rating-revised")
    await expect(page.locator(".flash")).to_have_text("Your rating is revised.")
    await expect(page.locator("#my-rating")).to_have_attribute("data-status", "counted")
    page = await member.until(f"/providers/{clinic}",
                              '#histogram tr[data-stars="5"] .count:text-is("1")')

    # My ratings: the clinic's, counted and revised; withdrawn from there.
    page = await member.open("/my/ratings")
    mine = page.locator(f'#rating-{clinic}')
    await expect(mine).to_have_attribute("data-status", "counted")
    await expect(mine.locator(".status")).to_have_text(
        "You gave 5 ★ — it counts in the score")
    await expect(mine.get_by_role("link", name=f"Revise it: {name}")).to_have_attribute(
        "href", f"/providers/{clinic}#your-rating")
    async with page.expect_navigation():
        await mine.get_by_role("button", name=f"Withdraw my rating: {name}").click()
    page = await member.checked("my-ratings-withdrawn")
    await expect(page.locator(".flash")).to_have_text("Your rating is withdrawn.")
    await expect(page.locator("#no-ratings")).to_be_visible()
    page = await member.open(f"/providers/{clinic}")
    await expect(page.locator("#score .confidence")).to_have_text("no ratings yet")

    # The admin makes the member the clinic's representative: a representative may not
    # rate it, so the member's next rating is refused with the API's words.
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        member_id = (await api.get("/v1/me", headers=await login(api, member_email))
                     ).json()["user_id"]
    await admin.open("/console/representatives")
    await admin.fill({"provider_id": "not-a-reference", "user_id": member_id})
    page = await admin.submit("Designate", "representative-refused")
    await expect(page.locator('[data-field="provider_id"]')).to_have_text(
        "This is not a reference: 36 letters, digits and dashes.")
    await admin.fill({"provider_id": clinic})
    page = await admin.submit("Designate", "representative-designated")
    await expect(page.locator(".flash")).to_have_text(
        "The member is now a representative of the provider.")
    await expect(page.locator("#designated a", has_text=name)).to_have_attribute(
        "href", f"/providers/{clinic}")
    page = await member.open(f"/providers/{clinic}")
    await page.get_by_label("3 stars", exact=True).check()
    page = await member.submit("Send my rating", "representative-rating-refused")
    await expect(page.locator("#form-errors")).to_be_visible()
    await expect(page.locator("#my-rating")).to_have_count(0)


async def vetted_doctor(platform: Platform, name: str) -> tuple[str, str]:
    """A doctor who applied and whom the admin approved, through the API: (id, e-mail)."""
    email = f"{name.lower()}-{uuid.uuid4().hex[:6]}@example.in"
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        admin = await login(api, ADMIN_EMAIL, ADMIN_PASSWORD)
        applied = await api.post("/v1/professional-applications", json={
            "full_name": f"Dr. {name}", "email": email, "phone": None,
            "profession": "doctor", "registration_council": "Maharashtra Medical Council",
            "registration_number": f"MMC/{uuid.uuid4().hex[:8]}", "qualification": "MBBS",
            "workplace": "KEM Hospital, Mumbai", "password": PASSWORD})
        assert applied.status_code == 201, applied.text
        decided = await api.post(
            f"/v1/admin/professional-applications/{applied.json()['application_id']}"
            "/decision", headers=admin, json={"decision": "approve", "reason": "Registered"})
        assert decided.status_code == 200, decided.text
    return applied.json()["user_id"], email


async def test_a_vetted_doctor_replies_under_a_review_of_themselves(
        platform: Platform, people: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    doctor_id, doctor_email = await vetted_doctor(platform, f"Shah{tag}")
    member = await people("reviewer")
    await member.sign_in(await member_account(platform, "reviewer"))
    page = await member.until(f"/providers/{doctor_id}", "#rate-form")
    await page.get_by_label("2 stars", exact=True).check()
    await member.fill({"criteria.waiting_time": "1", "review": f"Kept us waiting {tag}"})
    page = await member.submit("Send my rating", "doctor-rated")
    await expect(page.locator("#my-rating")).to_have_attribute("data-status", "counted")

    doctor = await people("doctor")
    await doctor.sign_in(doctor_email)
    page = await doctor.open(f"/providers/{doctor_id}")
    await expect(page.locator("#rate-form")).to_have_count(0)  # no one rates themselves
    review = page.locator(".review", has_text=f"Kept us waiting {tag}")
    await review.locator("textarea").fill("Sorry: an emergency that morning.")
    async with page.expect_navigation():
        await review.get_by_role("button", name="Send reply").click()
    await doctor.checked("doctor-replied")
    await expect(page.locator(".flash")).to_have_text(
        "Your reply is published under the review.")
    await expect(review.locator(".reply")).to_contain_text("Sorry: an emergency")
    await expect(review.locator("form.reply-form")).to_have_count(0)  # once
    page = await member.open(f"/providers/{doctor_id}")
    await expect(page.locator(".review .reply")).to_contain_text("Sorry: an emergency")
