"""Posted fields become the API's body; the API's problems land beside their fields."""

from web.adr_form import report_body, report_form, shown
from web.chart import prr_chart
from web.coding_form import assessment_body, coding_form, coding_values
from web.forms import flatten, nest
from web.problems import Problem, form_errors


def test_paths_nest_into_objects_and_lists() -> None:
    assert nest({"a.b": 1, "a.c.0.d": 2, "a.c.1.d": 3, "e": 4}) == {
        "a": {"b": 1, "c": [{"d": 2}, {"d": 3}]}, "e": 4}


def test_the_report_form_posts_the_consumer_forms_body() -> None:
    form = report_form("hi")
    posted = {**form.defaults(), "reporter.consent_to_contact": "on",
              "patient.initials": "RK", "patient.age.value": "34",
              "reactions.0.description": "त्वचा पर दाने",
              "reactions.0.seriousness.hospitalisation": "yes",
              "medicines.0.name": "Amoxicillin 500 mg capsule"}
    body = report_body(form, posted)
    assert body["reporter"] == {"relation": "self", "is_health_professional": False,
                                "consent_to_contact": True, "consent_to_be_named": False}
    assert body["patient"] == {"initials": "RK", "age": {"value": "34", "unit": "years"}}
    [reaction] = body["reactions"]
    assert reaction["language"] == "hi" and reaction["seriousness"]["hospitalisation"] == "yes"
    assert reaction["seriousness"]["death"] == "unknown"
    assert [m["name"] for m in body["medicines"]] == ["Amoxicillin 500 mg capsule"]
    assert body["draft"] is False


def test_an_age_without_its_value_and_a_medicine_without_its_name_are_left_out() -> None:
    form = report_form("en")
    body = report_body(form, {**form.defaults(), "draft": "true"})
    assert "age" not in body["patient"] and body["medicines"] == [] and body["draft"] is True


def test_a_field_error_goes_beside_its_field_the_rest_on_top() -> None:
    problem = Problem(422, "Invalid request", "some fields are missing or wrong", (
        ("patient.age.value", "Input should be less than or equal to 130"),
        ("body", "Value error, give an email or a phone number"),
        ("reactions.0", "Field required")))
    shown = form_errors(problem, report_form("en").names)
    assert shown.fields == {"patient.age.value": "Input should be less than or equal to 130"}
    assert shown.general == ["Value error, give an email or a phone number",
                             "reactions.0: Field required"]


def test_a_problem_without_field_errors_is_shown_by_its_detail() -> None:
    problem = Problem.from_reply(409, {"title": "Conflict", "status": 409,
                                       "detail": "the case has likely duplicates"})
    assert form_errors(problem, ()).general == ["Conflict — the case has likely duplicates"]
    assert form_errors(Problem.from_reply(502, None), ()).general == ["502"]


CASE = {"reactions": [{"reaction_id": "r1", "description": "rash"},
                      {"reaction_id": "r2", "description": "itch"}],
        "medicines": [{"medicine_id": "m1", "name": "Amoxicillin"}],
        "coding": {"r1": {"code": "10037844", "term": "Rash", "version": "27.1"}},
        "confirmed_seriousness": {}, "causality": [], "seriousness_confirmed": False,
        "narrative": None}


def test_the_coding_form_sends_only_what_the_officer_coded() -> None:
    form = coding_form(CASE)
    posted = {**coding_values(CASE), "causality.0.category": "probable",
              "reactions.0.seriousness.hospitalisation": "yes",
              "seriousness_confirmed": "on", "narrative": "Rash on day 3."}
    body = assessment_body(form, posted)
    assert body["reactions"] == [{"reaction_id": "r1", "meddra": {
        "code": "10037844", "term": "Rash", "version": "27.1"},
        "seriousness": {"hospitalisation": "yes"}}]
    assert body["causality"] == [{"medicine_id": "m1", "reaction_id": "r1",
                                  "category": "probable"}]
    assert body["seriousness_confirmed"] is True and body["narrative"] == "Rash on day 3."


def test_a_report_flattened_fills_the_form_it_came_from() -> None:
    form = report_form("en")
    posted = {**form.defaults(), "reporter.email": "a@b.in", "patient.age.value": "34",
              "reactions.0.description": "rash", "medicines.0.name": "Amoxicillin",
              "reporter.consent_to_contact": "on"}
    body = report_body(form, posted)
    assert report_body(form, {**form.defaults(), **flatten(body)}) == body
    assert flatten({"a": [{"b": True, "c": None, "d": False}], "e": 1.5}) == {
        "a.0.b": "on", "e": "1.5"}


def test_the_signals_chart_places_each_interval_on_a_log_scale() -> None:
    rows = [{"medicine": "drugzol", "reaction": "rash", "prr": 4.0, "prr_ci": [1.0, 16.0],
             "evans": True},
            {"medicine": "otherex", "reaction": "rash", "prr": 1.0, "prr_ci": [0.25, 4.0],
             "evans": False}]
    chart = prr_chart(rows)
    first, second = chart.bars
    assert first.low == chart.one == second.point  # PRR = 1 at one place
    assert first.point - first.low == first.high - first.point  # 1, 4, 16: even steps
    assert second.low < chart.one < second.high and first.evans and not second.evans
    assert [label for _, label in chart.ticks] == ["1", "10"]


def test_empty_blocks_at_the_end_are_left_out_those_between_are_sent() -> None:
    form = report_form("en", reactions=3, medicines=3)
    body = report_body(form, {**form.defaults(), "reactions.0.description": "rash",
                              "medicines.2.name": "Cetirizine"})
    assert [r.get("description") for r in body["reactions"]] == ["rash"]
    assert [m.get("name") for m in body["medicines"]] == [None, None, "Cetirizine"]
    assert shown({"shown.medicines": "3", "more": "medicines"}, "medicines") == 4
    assert shown({"shown.medicines": "99"}, "medicines") == 8
    assert shown({"shown.reactions": "x"}, "reactions", given=2) == 2
