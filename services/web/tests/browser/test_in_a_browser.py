"""The web app in Debian's Chromium at a phone's size, against the real platform: a Hindi
report to the regulator's acknowledgement, a doctor vetted to a verified post, a wrong
field, and on every page the accessibility check and the weight budget."""

import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import expect

from tests.platform import ADMIN_EMAIL, ADMIN_PASSWORD, Platform, login, register

pytestmark = pytest.mark.browser
PASSWORD = "a-long-password-1"


async def officer_account(platform: Platform) -> str:
    email = f"officer-{uuid.uuid4().hex[:6]}@example.in"
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        admin = await login(api, ADMIN_EMAIL, ADMIN_PASSWORD)
        user_id = await register(api, email, display_name="Lakshmi")
        reply = await api.put(f"/v1/admin/users/{user_id}/roles", headers=admin,
                              json={"roles": ["pv_officer", "regulator_liaison"]})
        assert reply.status_code == 200, reply.text
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
