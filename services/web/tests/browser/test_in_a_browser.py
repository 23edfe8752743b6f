"""The web app in Debian's Chromium at a phone's size, against the real platform: a Hindi
report to the regulator's acknowledgement, a doctor vetted to a verified post, a wrong
field, and on every page the accessibility check and the weight budget."""

import re
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import expect

from tests.platform import ADMIN_EMAIL, ADMIN_PASSWORD, Platform, login, register

pytestmark = pytest.mark.browser
PASSWORD = "a-long-password-1"


async def officer_account(platform: Platform) -> str:
    return await staff_account(platform, "officer", "pv_officer", "regulator_liaison")


async def staff_account(platform: Platform, who: str, *roles: str) -> str:
    """A new account given these staff roles by the admin, through the API."""
    email = f"{who}-{uuid.uuid4().hex[:6]}@example.in"
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        admin = await login(api, ADMIN_EMAIL, ADMIN_PASSWORD)
        user_id = await register(api, email, display_name=who.capitalize())
        reply = await api.put(f"/v1/admin/users/{user_id}/roles", headers=admin,
                              json={"roles": list(roles)})
        assert reply.status_code == 200, reply.text
    return email


async def member_account(platform: Platform, who: str) -> str:
    email = f"{who}-{uuid.uuid4().hex[:6]}@example.in"
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        await register(api, email, display_name=who.capitalize())
    return email


async def sign_up(patient: Any, name: str) -> str:
    email = f"{name.lower()}-{uuid.uuid4().hex[:6]}@example.in"
    await patient.open("/signup")
    await patient.fill({"display_name": name, "email": email, "password": PASSWORD,
                        "consents.terms": "on", "consents.health_data_processing": "on"})
    return email


async def test_a_hindi_report_reaches_the_regulator_and_the_patient_sees_it(
        platform: Platform, people: Any) -> None:
    patient = await people("patient")
    email = await sign_up(patient, "Rekha")
    await patient.submit("Create my account", "welcome")
    await patient.open("/report")
    await patient.fill({"language": "hi"})
    await patient.submit("Change", "report-form-hi")
    assert await patient.page.locator("html").get_attribute("lang") == "hi"
    await patient.fill({
        "reporter.email": email, "reporter.consent_to_contact": "on",
        "patient.initials": "RK", "patient.sex": "female", "patient.age.value": "34",
        "reactions.0.description": "त्वचा पर खुजली वाले दाने", "reactions.0.outcome": "recovering",
        "reactions.0.seriousness.hospitalisation": "no",
        "medicines.0.name": "Amoxicillin 500 mg capsule", "medicines.0.dose": "500 mg"})
    page = await patient.submit("रिपोर्ट भेजें", "report-received")
    report_id = page.url.rsplit("/", 1)[1]
    await expect(page.locator(".current [data-status]")).to_have_attribute(
        "data-status", "received")

    officer = await people("officer")
    await officer.sign_in(await officer_account(platform))
    await officer.until("/console/cases", f'[data-case-id="{report_id}"]')
    await officer.page.locator(f'[data-case-id="{report_id}"] a').click()
    case = await officer.checked("case")
    await expect(case.locator('blockquote[lang="hi"]')).to_have_text("त्वचा पर खुजली वाले दाने")
    await officer.fill({"reactions.0.meddra.code": "10037844", "reactions.0.meddra.term": "Rash",
                        "causality.0.category": "probable", "seriousness_confirmed": "on",
                        "narrative": "Itchy rash on day 3 of amoxicillin; settled on stopping."})
    case = await officer.submit("Save the assessment", "case-assessed")
    await expect(case.locator(".flash")).to_have_text("The assessment is saved.")
    case = await officer.submit("Submit this version to the regulator", "case-submitted")
    await expect(case.locator(".flash")).to_have_text("The case is queued for the regulator.")
    await officer.until("/console/relay",
                        f'[data-report-id="{report_id}"] [data-state="acknowledged"]')
    await officer.open("/console/signals?min_count=1")
    await expect(officer.page.locator(".chart svg g")).not_to_have_count(0)
    await officer.open(f"/console/cases/{report_id}/reads")
    await officer.open("/console/exports")
    # The period's zip streamed through with its length: the browser's download shows
    # its progress (the API has no export job to poll for a progress page).
    await officer.fill({"from": "2026-01-01", "to": (
        datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%d")})
    async with officer.page.expect_download() as downloading:
        await officer.page.get_by_role("button", name="Download the zip").click()
    download = await downloading.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(await download.path()) as archive:
        listing = next(n for n in archive.namelist() if n.endswith(".csv"))
        assert "त्वचा पर खुजली वाले दाने" in archive.read(listing).decode("utf-8")

    page = await patient.until(f"/my/reports/{report_id}",
                               '.current [data-status="acknowledged"]')
    await expect(page.locator(".current .status")).to_have_text("नियामक ने प्राप्ति स्वीकार की")
    steps = await page.locator(".timeline li").evaluate_all(
        "items => items.map(i => i.dataset.status)")
    assert steps[0] == "received" and steps[-3:] == [
        "submitted", "sent_to_regulator", "acknowledged"]
    await patient.open("/my/reports")
    await patient.open("/my/data")


async def test_an_admin_vets_a_doctor_whose_post_then_shows_the_badge(
        people: Any) -> None:
    doctor = await people("doctor")
    email, name = f"dr-{uuid.uuid4().hex[:6]}@example.in", f"Dr. Anjali {uuid.uuid4().hex[:4]}"
    await doctor.open("/apply")
    await doctor.fill({"full_name": name, "email": email, "profession": "doctor",
                       "registration_council": "Kerala Medical Council",
                       "registration_number": f"KMC-{uuid.uuid4().hex[:6]}",
                       "qualification": "MBBS", "workplace": "District hospital",
                       "password": PASSWORD})
    await doctor.submit("Send my application", "applied")
    await doctor.sign_in(email)
    await expect(doctor.page.locator(".current .status")).to_have_attribute(
        "data-status", "pending")

    admin = await people("admin")
    await admin.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    application = admin.page.locator("article.application", has_text=name)
    await expect(application).to_contain_text("Kerala Medical Council")
    await application.locator('[name="decision"]').select_option("approve")
    await application.locator('[name="reason"]').fill("Checked on the council's register")
    async with admin.page.expect_navigation():
        await application.get_by_role("button", name="Record the decision").click()
    await expect(admin.page.locator(".flash")).to_have_text("The application is approved.")
    await admin.checked("approved")
    await admin.open("/console/applications?status=approved")
    async with admin.page.expect_navigation():
        await admin.page.locator("article.application", has_text=name).get_by_role(
            "link", name="Account and roles").click()
    await admin.checked("doctor-account")

    await doctor.sign_in(email)
    await doctor.open("/")
    await doctor.page.locator("summary").click()
    await doctor.fill({"body": "Drink water through the day; heat is hard on the kidneys."})
    post = await doctor.submit("Publish", "posted")
    await doctor.until(urlsplit(post.url).path, ".post .badge.verified")


async def test_a_wrong_field_is_named_beside_it_and_nothing_is_saved(people: Any) -> None:
    patient = await people("wrong")
    await sign_up(patient, "Sunil")
    await patient.submit("Create my account", "welcome")
    await patient.open("/report")
    await patient.fill({"reporter.email": "sunil@example.in", "patient.age.value": "200",
                        "reactions.0.description": "Dizzy every morning",
                        "medicines.0.name": "Amlodipine 5 mg tablet"})
    page = await patient.submit("Send the report", "report-wrong-age")
    await page.keyboard.press("Tab")  # the keyboard's first stop skips to the content
    await expect(page.locator("a.skip")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.locator("main#main")).to_be_focused()
    message = page.locator('.field.invalid [data-field="patient.age.value"]')
    await expect(message).to_contain_text("less than or equal to 130")
    age = page.locator('[name="patient.age.value"]')
    await expect(age).to_have_value("200")
    assert await age.get_attribute("aria-describedby") == "f-patient-age-value-error"
    await expect(page.locator('[name="medicines.0.name"]')).to_have_value(
        "Amlodipine 5 mg tablet")
    page = await patient.open("/my/reports")
    await expect(page.locator("#my-reports > li")).to_have_count(1)
    await expect(page.locator("#my-reports > li.empty")).to_be_visible()


async def test_the_api_docs_render_with_the_network_cut(platform: Platform,
                                                        people: Any) -> None:
    reader = await people("docs")
    await reader.page.goto(platform.url + "/docs")
    await expect(reader.page.locator(".swagger-ui .info .title")).to_contain_text(
        "Patients' Union API", timeout=30_000)
    await expect(reader.page.locator(".opblock").first).to_be_visible()
    assert reader.outside == []
    await reader.page.screenshot(path=reader.shots / "docs.png")


async def write_post(author: Any, path: str, body: str, name: str) -> Any:
    """A post written on the feed page at `path`; the page shown after it."""
    await author.open(path)
    await author.page.locator("summary", has_text="Write a post").click()
    await author.fill({"body": body})
    return await author.submit("Publish", name)


async def test_a_held_post_restored_by_a_moderator_reaches_the_followers_feed(
        platform: Platform, people: Any) -> None:
    follower = await people("follower")
    await follower.sign_in(await member_account(platform, "follower"))
    await follower.open("/c/kidney-health")
    async with follower.page.expect_navigation():
        await follower.page.locator('[data-follow="kidney-health"]').click()
    await expect(follower.page.locator('[data-follow="kidney-health"]')).to_have_attribute(
        "aria-pressed", "true")
    await follower.checked("followed")
    await follower.until("/communities", '[data-follow="kidney-health"][aria-pressed="true"]')
    await follower.until("/c/kidney-health", '[data-members]:not([data-members="0"])')

    author = await people("author")
    await author.sign_in(await member_account(platform, "author"))
    words = f"Dialysis transport in Pune {uuid.uuid4().hex[:6]}: call me on 98765 43210"
    post = await write_post(author, "/c/kidney-health", words, "post-held")
    await expect(post.locator('[data-notice="held"]')).to_be_visible()
    await expect(post.locator('[data-post-status="held"]')).to_be_visible()
    post_id = urlsplit(post.url).path.rsplit("/", 1)[1]

    moderator = await people("moderator")
    await moderator.sign_in(await staff_account(platform, "moderator", "moderator"))
    await expect(moderator.page.locator("h1")).to_have_text("Moderation")
    item = moderator.page.locator(f'[data-post-id="{post_id}"]')
    await moderator.until("/console/moderation", f'[data-post-id="{post_id}"]')
    await expect(item).to_contain_text("98765 43210")
    await item.locator('[name="decision"]').select_option("restore")
    await item.locator('[name="note"]').fill("A volunteer's own number, given on purpose")
    async with moderator.page.expect_navigation():
        await item.get_by_role("button", name="Record the decision").click()
    await expect(moderator.page.locator(".flash")).to_have_text("The post is published.")
    await moderator.checked("restored")

    feed = await follower.until("/my/feed", f'#my-feed [data-post-id="{post_id}"]')
    await expect(feed.locator(f'[data-post-id="{post_id}"]')).to_contain_text("Dialysis")
    async with follower.page.expect_navigation():
        await feed.locator(f'[data-post-id="{post_id}"] a').first.click()
    post = await follower.checked("post")
    async with follower.page.expect_navigation():
        await post.locator('[data-reaction="same_here"]').click()
    await expect(post.locator('[data-reaction="same_here"]')).to_have_attribute(
        "aria-pressed", "true")
    await post.locator("#f-body").fill("We share a car to the centre on Tuesdays.")
    post = await follower.submit("Send the comment", "commented")
    await expect(post.locator(".comment")).to_contain_text("share a car")
    await post.locator("summary", has_text="Report this post").click()
    await follower.fill({"reason": "spam"})
    await follower.submit("Send to the moderators", "flagged")
    await author.until("/my/notifications", '[data-kind="post_restored"]')
    post = await author.until(f"/posts/{post_id}", ".comment")
    await post.locator(".comment summary", has_text="Reply").click()
    await post.locator('.comment textarea[name="body"]').fill("Thank you, Tuesdays suit me.")
    post = await author.submit("Send the reply", "replied")
    await expect(post.locator(".comment .comment.reply")).to_contain_text("Tuesdays suit me")


async def test_a_pharmacist_answers_and_the_patient_sees_the_verified_answer(
        platform: Platform, people: Any) -> None:
    patient = await people("asker")
    await patient.sign_in(await member_account(platform, "asker"))
    await patient.open("/ask")
    await patient.fill({"medicine": "Metformin 500 mg",
                        "question": "Can I take it at night, after dinner?"})
    page = await patient.submit("Ask the pharmacists", "asked")
    query_id = urlsplit(page.url).path.rsplit("/", 1)[1]
    await expect(page.locator('[data-status="open"]')).to_be_visible()

    pharmacist = await people("pharmacist")
    await pharmacist.sign_in(await staff_account(platform, "pharmacist", "pharmacist_reviewer"))
    await pharmacist.until("/console/drug-queries", f'[data-query-id="{query_id}"]')
    query = pharmacist.page.locator(f'[data-query-id="{query_id}"]')
    await expect(query).to_contain_text("after dinner")
    await query.locator('[name="body"]').fill("Yes: take it with your evening meal.")
    await query.locator('[name="references"]').fill("Metformin label (CDSCO)\nNFI 2021")
    async with pharmacist.page.expect_navigation():
        await query.get_by_role("button", name="Send the answer").click()
    await expect(pharmacist.page.locator(".flash")).to_have_text(
        "The answer is sent to the asker.")
    await pharmacist.checked("answered")

    page = await patient.until(f"/my/questions/{query_id}", ".answer .badge.verified")
    await expect(page.locator(".answer")).to_contain_text("Verified drug-information team")
    await expect(page.locator(".answer")).to_contain_text("NFI 2021")
    page = await patient.until("/my/notifications", '[data-kind="drug_query_answered"]')
    await expect(page.locator("#notifications-link .unread")).to_be_visible()
    async with patient.page.expect_navigation():
        await page.get_by_role("button", name="Mark all as read").click()
    await expect(page.locator('[data-kind="drug_query_answered"]')).to_have_attribute(
        "data-read", "true")
    await expect(page.locator("#notifications-link .unread")).to_have_count(0)
    await patient.checked("notifications-read")
    await patient.open("/my/questions")
    await patient.open("/schemes?need=dialysis")
    async with patient.page.expect_navigation():
        await patient.page.locator("#schemes a").first.click()
    await patient.checked("scheme")


async def test_a_rash_after_amoxicillin_offers_a_prefilled_side_effect_report(
        platform: Platform, people: Any) -> None:
    patient = await people("rash")
    await patient.sign_in(await member_account(platform, "rash"))
    page = await write_post(patient, "/my/feed",
                            "I got an itchy rash two days after starting Amoxicillin.",
                            "post-offer")
    offer = page.locator('[data-offer="side_effect_report"]')
    await expect(offer).to_contain_text("Amoxicillin")
    async with patient.page.expect_navigation():
        await offer.get_by_role("button", name="Start a side-effect report").click()
    form = await patient.checked("report-prefilled")
    await expect(form.locator('[data-prefilled="true"]')).to_be_visible()
    await expect(form.locator('[name="medicines.0.name"]')).to_have_value("Amoxicillin")
    await expect(form.locator('[name="reactions.0.description"]')).to_have_value(
        re.compile("itchy rash"))
    await patient.open("/my/reports")
    await expect(patient.page.locator("#my-reports > li.empty")).to_be_visible()
    page = await write_post(patient, "/c/mental-health",
                            "Since the diagnosis some days I want to die.", "post-helpline")
    helpline = page.locator('[data-notice="helpline"]')
    await expect(helpline).to_contain_text("14416")
    await expect(helpline).to_have_attribute("role", "alert")
