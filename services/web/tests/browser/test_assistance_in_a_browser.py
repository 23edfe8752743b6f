"""Project FAITH (issue 14 B) in Chromium at a phone's size, against the real platform: a
caregiver checks the schemes first, applies on their child's behalf; an assistance officer
records a sponsorship in the fund, asks for a document from the queue's case page; the
caregiver's file that is no document is refused beside the field, then a photo of the
certificate is uploaded (multipart); the officer verifies with the hospital, is told the
fund cannot pay more than it holds, approves what it can, records the payment and closes
the case; the caregiver's timeline shows each step. Every page checked (axe-core, weight)
as the rest."""

import struct
import zlib
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.platform import Platform

from .test_in_a_browser import member_account, staff_account

pytestmark = pytest.mark.browser


def png() -> bytes:
    """A real PNG of 200 by 200 pixels (the API takes images of 200 pixels a side or more), as a
    phone's photo of a certificate would be, only plainer."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    pixels = b"".join(b"\x00" + b"\xff\xf0\xe0" * 200 for _ in range(200))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 200, 200, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b""))


async def step(officer: Any, name: str, fields: dict[str, str], shot: str) -> Page:
    """One form of the case work, filled and sent."""
    form = officer.page.locator(f"#step-{name}")
    for field, value in fields.items():
        control = form.locator(f'[name="{field}"]')
        tag = await control.evaluate("e => e.tagName + (e.type || '')")
        if tag == "INPUTcheckbox":
            await control.check()
        elif tag.startswith("SELECT"):
            await control.select_option(value)
        else:
            await control.fill(value)
    async with officer.page.expect_navigation():
        await form.get_by_role("button").click()
    page: Page = await officer.checked(shot)
    return page


async def test_a_caregiver_applies_an_officer_works_the_case_and_the_fund_pays(
        platform: Platform, people: Any) -> None:
    carer = await people("caregiver")
    await carer.sign_in(await member_account(platform, "caregiver"))
    await carer.open("/assistance")
    await carer.fill({"patient_age": "9", "disease_area": "cancer",
                      "hospital_type": "charitable", "hospital_state": "Maharashtra",
                      "income_bracket": "bpl"})
    page = await carer.submit("Check the schemes", "eligibility")
    await expect(page.locator("#eligibility-result")).to_be_visible()
    await expect(page.locator("#advice")).not_to_be_empty()
    async with page.expect_navigation():
        await page.get_by_role("link", name="Apply to Project FAITH").click()
    await carer.checked("apply")
    await carer.fill({"relation": "parent", "patient_name": "Ravi Kumar", "patient_age": "9",
                      "diagnosis": "Acute lymphoblastic leukaemia", "disease_area": "cancer",
                      "income_bracket": "bpl", "hospital.name": "Tata Memorial Hospital",
                      "hospital.type": "charitable", "hospital.state": "Maharashtra",
                      "estimate": "50000", "treatment_start": "2026-12-20",
                      "urgency": "critical"})
    page = await carer.submit("Send the application", "applied")
    await expect(page.locator("#application-facts")).to_have_attribute(
        "data-status", "submitted")
    await expect(page.locator("#estimate")).to_have_text("₹50,000.00")
    case_path = page.url.split(carer.base, 1)[1]
    application_id = case_path.rsplit("/", 1)[-1]

    officer = await people("assistance-officer")
    await officer.sign_in(await staff_account(platform, "faith", "assistance_officer"))
    await officer.open("/console/assistance/fund")
    await officer.fill({"sponsor": "Asha Trust", "amount": "10000"})
    page = await officer.submit("Record the sponsorship", "sponsored")
    await expect(page.locator(".flash")).to_have_text("The sponsorship is recorded in the fund.")
    page = await officer.until("/console/assistance",
                               f'tr[data-application-id="{application_id}"]')
    row = page.locator(f'tr[data-application-id="{application_id}"]')
    await expect(row).to_have_attribute("data-urgency", "critical")
    async with page.expect_navigation():
        await row.get_by_role("link").click()
    await officer.checked("case")
    # A referral's scheme is picked from the directory by its name, not typed.
    await expect(page.locator('#f-scheme-refer option[value="pm-jay"]')).to_have_count(1)
    page = await step(officer, "request-documents", {
        "documents.income_certificate": "on",
        "reason": "Please add the income certificate"}, "documents-requested")
    await expect(page.locator(".flash")).to_contain_text("documents are requested")

    page = await carer.until(case_path, '#documents-outstanding [data-kind="income_certificate"]')
    await page.locator("#f-file").set_input_files(files=[{
        "name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a document"}])
    page = await carer.submit("Upload", "document-refused")
    await expect(page.locator('[data-field="file"]')).to_be_visible()
    await page.locator("#f-kind").select_option("income_certificate")
    await page.locator("#f-file").set_input_files(files=[{
        "name": "certificate.png", "mimeType": "image/png", "buffer": png()}])
    page = await carer.submit("Upload", "document-uploaded")
    await expect(page.locator(".flash")).to_have_text("The document is added to the application.")

    await officer.until(f"/console/assistance/{application_id}",
                        '#documents [data-kind="income_certificate"]')
    await step(officer, "verify", {"note": "Confirmed with Dr Rao at the hospital"}, "verified")
    page = await step(officer, "approve", {"amount": "20000", "reason": "Half the estimate"},
                      "not-enough")
    await expect(page.locator("#step-approve")).to_contain_text("cannot be approved")
    page = await step(officer, "approve", {"amount": "8000", "reason": "What the fund holds"},
                      "approved")
    await expect(page.locator("#approved")).to_have_text("₹8,000.00")
    page = await step(officer, "disburse", {"amount": "8000", "reference": "UTR0001"},
                      "paid")
    await expect(page.locator("#disbursed")).to_have_text("₹8,000.00")
    page = await step(officer, "close", {"outcome": "treated", "note": "Treatment begun"},
                      "closed")
    await expect(page.locator("#application-facts")).to_have_attribute("data-status", "closed")

    page = await carer.open(case_path)
    for kind in ("submitted", "documents_requested", "document_added", "hospital_verified",
                 "approved", "disbursed", "closed"):
        await expect(page.locator(f'#timeline [data-step="{kind}"]')).to_have_count(1)
    await expect(page.locator('#timeline [data-step="documents_requested"]')).to_contain_text(
        "Please add the income certificate")
    page = await carer.open("/my/assistance")
    await expect(page.locator(f'[data-application-id="{application_id}"]')).to_be_visible()
