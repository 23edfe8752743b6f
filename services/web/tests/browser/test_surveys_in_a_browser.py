"""Surveys (issue 14 A) in Chromium at a phone's size, against the real platform: a survey
manager writes a survey in the console (a definition refused first, its message shown) and
publishes it; a member answers it in Hindi, is refused an answer to a question its skip
logic hides (the API's words beside it), saves a draft, resumes and sends it, and is told
it is answered; the manager reads the results (an anonymous survey's small cells
suppressed), the chart relayed as an image and the CSV. Every page checked (axe-core,
weight) as the rest."""

import json
import uuid
from typing import Any

import pytest
from playwright.async_api import expect

from tests.platform import Platform

from .test_in_a_browser import member_account, staff_account

pytestmark = pytest.mark.browser


def definition(tag: str) -> dict[str, Any]:
    return {
        "title": {"en": f"Clinic visit {tag}", "hi": f"क्लिनिक भेंट {tag}"},
        "audience": {"everyone": True}, "mode": "anonymous",
        "questions": [
            {"id": "visit", "type": "single_choice", "required": True,
             "label": {"en": "What kind of visit was it?", "hi": "यह किस प्रकार की भेंट थी?"},
             "options": [{"value": "opd", "label": {"en": "Outpatient", "hi": "ओपीडी"}},
                         {"value": "ipd", "label": {"en": "Admitted", "hi": "भर्ती"}}]},
            {"id": "ward", "type": "likert", "dont_know": True,
             "label": {"en": "How comfortable was the ward?",
                       "hi": "वार्ड कितना आरामदायक था?"},
             "show_if": {"question": "visit", "in": ["ipd"]}},
            {"id": "recommend", "type": "nps", "required": True,
             "label": {"en": "Would you recommend the clinic?",
                       "hi": "क्या आप इस क्लिनिक की सलाह देंगे?"}},
        ]}


async def test_a_survey_written_published_answered_in_hindi_and_its_results_read(
        platform: Platform, people: Any) -> None:
    tag = uuid.uuid4().hex[:6]
    manager = await people("survey-manager")
    await manager.sign_in(await staff_account(platform, "manager", "survey_manager"))
    page = await manager.open("/console/surveys")
    await expect(page.get_by_role("link", name="Survey console")).to_be_visible()
    wrong = {**definition(tag), "audience": {}}
    await manager.fill({"definition": json.dumps(wrong)})
    page = await manager.submit("Save as a draft", "survey-refused")
    await expect(page.locator('[data-field="definition"]')).to_contain_text("audience")
    await manager.fill({"definition": json.dumps(definition(tag), ensure_ascii=False)})
    page = await manager.submit("Save as a draft", "survey-drafted")
    await expect(page.locator("#survey-facts")).to_have_attribute("data-status", "draft")
    survey_id = page.url.rsplit("/", 1)[-1]
    page = await manager.submit("Publish", "survey-published")
    await expect(page.locator(".flash")).to_contain_text("The survey is published")
    await expect(page.locator("#survey-facts")).to_have_attribute("data-status", "published")

    member = await people("survey-member")
    await member.sign_in(await member_account(platform, "respondent"))
    page = await member.open("/surveys")
    await page.locator("#language-choice").select_option("hi")
    async with page.expect_navigation():
        await page.locator("form.lang button").click()
    page = await member.checked("surveys-hi")
    async with page.expect_navigation():
        await page.get_by_role("link", name=f"क्लिनिक भेंट {tag}").click()
    page = await member.checked("survey-hi")
    await expect(page.locator("#q-ward-if")).to_contain_text("भर्ती")
    await page.get_by_label("ओपीडी", exact=True).check()
    await page.locator("#q-ward-4").check()  # hidden by the answer above
    await page.locator("#q-recommend-9").check()
    page = await member.submit("मेरे उत्तर भेजें", "survey-hidden-refused")
    await expect(page.locator("#q-ward-error")).to_contain_text("skip logic")
    await expect(page.locator("#q-visit-opd")).to_be_checked()

    await page.locator("#q-ward-blank").check()
    page = await member.submit("सहेजें और बाद में पूरा करें", "survey-draft")
    await expect(page.locator("#survey-draft")).to_be_visible()
    await expect(page.locator("#q-visit-opd")).to_be_checked()
    await expect(page.locator("#q-recommend-9")).to_be_checked()
    page = await member.submit("मेरे उत्तर भेजें", "survey-sent")
    await expect(page.locator(".flash").first).to_contain_text("धन्यवाद")
    await expect(page.locator("#survey-answered")).to_be_visible()
    await expect(page.locator("#survey-form")).to_have_count(0)
    page = await member.open("/surveys")
    await expect(page.locator(f'[data-survey-id="{survey_id}"]')).to_have_attribute(
        "data-answered", "true")

    # The manager's results: one anonymous response, every figure of it suppressed.
    page = await manager.until(f"/console/surveys/{survey_id}/results",
                               '#all-visit[data-suppressed="true"]')
    await expect(page.locator("#all-recommend .suppressed")).to_have_text(
        "Too few answers to show any figure.")
    chart = page.locator("figure.chart img")
    assert await chart.evaluate("i => i.complete && i.naturalWidth > 0")
    export = await manager.context.request.get(
        f"{manager.base}/console/surveys/{survey_id}/export.csv")
    assert export.status == 200 and export.headers["content-type"].startswith("text/csv")
    assert "opd" in await export.text()
