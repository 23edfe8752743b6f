"""Every ratings use case through its HANDLERS entry, on a real Postgres."""

from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.roles import ADMIN, MODERATOR, PATIENT, PROFESSIONAL
from kit import personal
from ratings import handlers
from tests.service_tier import Tier, operations_called_in, operations_of, person

from .conftest import START, Clock, account, data_key

HOSPITAL = {"kind": "hospital", "name": "Civil Hospital", "city": "Ahmedabad",
            "state": "Gujarat", "pincode": "380016", "type": "government"}


async def listed_hospital(ratings: Tier) -> str:
    created = await ratings.ok("suggest_provider", HOSPITAL, person(ADMIN))
    assert created["status"] == "listed"
    return str(created["provider_id"])


async def rater(engine: AsyncEngine, **options: object):  # type: ignore[no-untyped-def]
    return person(PATIENT, user_id=await account(engine, **options))  # type: ignore[arg-type]


async def test_every_handler_is_called_by_a_test() -> None:
    assert operations_of(handlers.HANDLERS) <= operations_called_in(Path(__file__).parent)


async def test_ratings_older_than_24_months_drop_out_of_the_score(
        ratings: Tier, engine: AsyncEngine, clock: Clock) -> None:
    hospital = await listed_hospital(ratings)
    old, recent = await rater(engine), await rater(engine)
    await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 1}, old)
    clock.advance(timedelta(days=400))
    await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 5}, recent)
    both = (await ratings.ok("get_provider", {"provider_id": hospital}))["rating"]
    assert both["count"] == 2 and both["average"] == 3.0
    clock.advance(timedelta(days=331))  # the first is now 731 days old, the second 331
    one = (await ratings.ok("get_provider", {"provider_id": hospital}))["rating"]
    assert one["count"] == 1 and one["average"] == 5.0 and one["histogram"]["1"] == 0
    assert one["prior"]["mean"] == 5.0  # the kind's mean forgets it too


async def test_revising_an_old_rating_brings_it_back_into_the_window(
        ratings: Tier, engine: AsyncEngine, clock: Clock) -> None:
    hospital, who = await listed_hospital(ratings), await rater(engine)
    await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 2}, who)
    clock.advance(timedelta(days=800))
    assert (await ratings.ok("get_provider", {"provider_id": hospital}))["rating"]["count"] == 0
    await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 4}, who)
    rating = (await ratings.ok("get_provider", {"provider_id": hospital}))["rating"]
    assert rating["count"] == 1 and rating["average"] == 4.0


async def test_a_sandboxed_account_is_refused_and_told_why(
        ratings: Tier, engine: AsyncEngine) -> None:
    hospital = await listed_hospital(ratings)
    who = await rater(engine, sandbox_until=START + timedelta(hours=3))
    reply = await ratings.call("rate_provider", {"provider_id": hospital, "stars": 5}, who)
    assert reply.status == 403 and "sandbox" in reply.body["detail"]
    applicant = person("applicant")
    reply = await ratings.call("rate_provider", {"provider_id": hospital, "stars": 5}, applicant)
    assert reply.status == 403


async def test_contact_details_hold_a_review_and_a_hidden_one_stops_counting(
        ratings: Tier, engine: AsyncEngine) -> None:
    hospital = await listed_hospital(ratings)
    meera, arjun = await rater(engine), await rater(engine)
    held = await ratings.ok("rate_provider", {
        "provider_id": hospital, "stars": 5, "review": "Call Dr Rao on 98765 43210"}, meera)
    assert held["status"] == "held" and held["notices"][0]["reason"] == "contact_details"
    counted = await ratings.ok("rate_provider", {
        "provider_id": hospital, "stars": 1, "review": "Dirty wards"}, arjun)
    assert counted["status"] == "counted"
    assert (await ratings.ok("get_provider", {"provider_id": hospital}))["rating"]["count"] == 1
    queue = (await ratings.ok("held_ratings", {}, person(MODERATOR)))["items"]
    assert [item["rating_id"] for item in queue] == [held["rating_id"]]
    hidden = await ratings.ok("moderate_rating", {"rating_id": counted["rating_id"],
                                                  "decision": "hide"}, person(MODERATOR))
    assert hidden["status"] == "hidden"
    assert (await ratings.ok("get_provider", {"provider_id": hospital}))["rating"]["count"] == 0
    assert (await ratings.ok("provider_reviews", {"provider_id": hospital}))["items"] == []
    again = await ratings.call("moderate_rating", {"rating_id": counted["rating_id"],
                                                   "decision": "release"}, person(MODERATOR))
    assert again.status == 409
    # An edit does not undo the moderator's decision: the revision waits for one.
    revised = await ratings.ok("rate_provider", {
        "provider_id": hospital, "stars": 1, "review": "Dirty wards"}, arjun)
    assert revised["status"] == "held" and revised["revised"]
    assert [n["reason"] for n in revised["notices"]] == ["revised_after_hiding"]
    assert (await ratings.ok("get_provider", {"provider_id": hospital}))["rating"]["count"] == 0
    released = await ratings.ok("moderate_rating", {"rating_id": counted["rating_id"],
                                                    "decision": "release"}, person(MODERATOR))
    assert released["status"] == "counted"
    assert (await ratings.ok("get_provider", {"provider_id": hospital}))["rating"]["count"] == 1


async def test_an_unknown_account_is_held_not_counted(ratings: Tier, engine: AsyncEngine) -> None:
    hospital, unknown = await listed_hospital(ratings), person(PATIENT)
    await data_key(engine, unknown.user_id)
    reply = await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 4,
                                               "review": "Fine"}, unknown)
    assert reply["status"] == "held" and reply["notices"][0]["reason"] == "unknown_account"


async def test_reviews_are_sealed_and_gone_once_the_rater_is_erased(
        ratings: Tier, engine: AsyncEngine) -> None:
    hospital, meera = await listed_hospital(ratings), await rater(engine)
    await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 4,
                                       "review": "Nurse Lata was very kind to my mother"}, meera)
    async with engine.connect() as conn:
        stored = await conn.scalar(sa.text("SELECT string_agg(data::text, ' ') FROM "
                                           "ratings.events"))
        kept = await conn.scalar(sa.text("SELECT review FROM ratings.ratings"))
    assert "Lata" not in str(stored) and "Lata" not in str(kept)
    [review] = (await ratings.ok("provider_reviews", {"provider_id": hospital}))["items"]
    assert review["review"] == "Nurse Lata was very kind to my mother"
    async with engine.begin() as conn:
        await personal.PersonalData.shred(conn, meera.user_id)
    [review] = (await ratings.ok("provider_reviews", {"provider_id": hospital}))["items"]
    assert review["review"] is None and review["stars"] == 4
    again = await ratings.call("rate_provider", {"provider_id": hospital, "stars": 4,
                                                 "review": "again"}, meera)
    assert again.status == 403


async def test_the_directory_lists_searches_and_sorts(ratings: Tier, engine: AsyncEngine) -> None:
    good = await listed_hospital(ratings)
    poor = (await ratings.ok("suggest_provider", {**HOSPITAL, "name": "Poor Clinic",
                                                  "type": "private"}, person(ADMIN)))
    pending = await ratings.ok("suggest_provider", {**HOSPITAL, "name": "New Clinic"},
                               person(PATIENT))
    assert pending["status"] == "pending"
    rejected = await ratings.ok("decide_provider", {"provider_id": pending["provider_id"],
                                                    "decision": "reject", "reason": "dup"},
                                person(ADMIN))
    assert rejected["status"] == "rejected"
    twice = await ratings.call("decide_provider", {"provider_id": pending["provider_id"],
                                                   "decision": "approve", "reason": "x"},
                               person(ADMIN))
    assert twice.status == 409
    for stars, provider in ((5, good), (4, good), (2, poor["provider_id"])):
        await ratings.ok("rate_provider", {"provider_id": provider, "stars": stars},
                         await rater(engine))
    by_score = (await ratings.ok("list_providers", {"kind": "hospital"}))["items"]
    assert [p["name"] for p in by_score] == ["Civil Hospital", "Poor Clinic"]
    assert by_score[0]["rating"]["percentile"] == 75.0
    first = await ratings.ok("list_providers", {"sort": "recent", "limit": 1})
    assert first["items"][0]["name"] == "Poor Clinic" and first["next_cursor"]
    rest = await ratings.ok("list_providers", {"sort": "recent", "limit": 1,
                                               "cursor": first["next_cursor"]})
    assert rest["items"][0]["name"] == "Civil Hospital" and rest["next_cursor"] is None
    found = await ratings.ok("list_providers", {"q": "poor", "city": "ahmed"})
    assert [p["name"] for p in found["items"]] == ["Poor Clinic"]


async def test_a_doctor_replies_once_to_a_review_of_them(
        ratings: Tier, engine: AsyncEngine) -> None:
    doctor_id = await account(engine, profession="doctor")
    doctor = person(PROFESSIONAL, user_id=doctor_id)
    meera = await rater(engine)
    rated = await ratings.ok("rate_provider", {"provider_id": str(doctor_id), "stars": 3,
                                               "criteria": {"listening": 2},
                                               "review": "Rushed"}, meera)
    body = {"provider_id": str(doctor_id), "rating_id": rated["rating_id"], "text": "Sorry"}
    assert (await ratings.call("reply_to_review", body, meera)).status == 403
    await ratings.ok("reply_to_review", body, doctor)
    assert (await ratings.call("reply_to_review", body, doctor)).status == 409
    [review] = (await ratings.ok("provider_reviews", {"provider_id": str(doctor_id)}))["items"]
    assert review["reply"]["text"] == "Sorry"
    withdrawn = await ratings.ok("withdraw_rating", {"provider_id": str(doctor_id)}, meera)
    assert withdrawn["status"] == "withdrawn"


async def test_a_rater_sees_their_own_rating_and_where_it_stands(
        ratings: Tier, engine: AsyncEngine) -> None:
    hospital, meera = await listed_hospital(ratings), await rater(engine)
    mine = {"provider_id": hospital}
    none = await ratings.call("my_rating", mine, meera)
    assert none.status == 404 and "no rating" in none.body["detail"]
    await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 4,
                                       "criteria": {"cleanliness": 5},
                                       "review": "Clean wards"}, meera)
    counted = await ratings.ok("my_rating", mine, meera)
    assert counted["status"] == "counted" and counted["notices"] == []
    assert (counted["stars"], counted["criteria"], counted["review"]) == (
        4, {"cleanliness": 5}, "Clean wards")
    held = await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 2,
                                              "review": "Mail me at a@b.in"}, meera)
    assert held["status"] == "held"
    waiting = await ratings.ok("my_rating", mine, meera)
    assert waiting["status"] == "held" and waiting["stars"] == 2
    assert [n["reason"] for n in waiting["notices"]] == ["contact_details"]
    assert "moderator" in waiting["notices"][0]["message"]
    await ratings.ok("moderate_rating", {"rating_id": held["rating_id"], "decision": "hide"},
                     person(MODERATOR))
    hidden = await ratings.ok("my_rating", mine, meera)
    assert hidden["status"] == "hidden" and hidden["notices"][0]["reason"] == "hidden"
    someone_else = await ratings.call("my_rating", mine, await rater(engine))
    assert someone_else.status == 404
    await ratings.ok("withdraw_rating", mine, meera)
    assert (await ratings.call("my_rating", mine, meera)).status == 404
    unknown = await ratings.call("my_rating", {"provider_id": str(uuid4())}, meera)
    assert unknown.status == 404 and "no such provider" in unknown.body["detail"]


async def test_a_rater_lists_their_ratings_a_page_at_a_time_the_latest_first(
        ratings: Tier, engine: AsyncEngine, clock: Clock) -> None:
    meera, arjun = await rater(engine), await rater(engine)
    assert (await ratings.ok("my_ratings", {}, meera)) == {"items": [], "next_cursor": None}
    hospitals = []
    for n in range(3):
        created = await ratings.ok("suggest_provider", {**HOSPITAL, "name": f"Hospital {n}"},
                                   person(ADMIN))
        hospitals.append(str(created["provider_id"]))
        await ratings.ok("rate_provider", {"provider_id": hospitals[-1], "stars": n + 2},
                         meera)
        clock.advance(timedelta(minutes=1))
    await ratings.ok("rate_provider", {"provider_id": hospitals[0], "stars": 5,
                                       "review": "Mail me at a@b.in"}, meera)  # revised
    await ratings.ok("rate_provider", {"provider_id": hospitals[1], "stars": 1}, arjun)
    await ratings.ok("withdraw_rating", {"provider_id": hospitals[2]}, meera)
    first = await ratings.ok("my_ratings", {"limit": 1}, meera)
    [latest] = first["items"]
    assert (latest["provider_name"], latest["stars"], latest["status"]) == (
        "Hospital 0", 5, "held")
    assert latest["kind"] == "hospital" and latest["review"] == "Mail me at a@b.in"
    assert [n["reason"] for n in latest["notices"]] == ["contact_details"]
    rest = await ratings.ok("my_ratings", {"limit": 5, "cursor": first["next_cursor"]}, meera)
    assert [(i["provider_name"], i["stars"]) for i in rest["items"]] == [("Hospital 1", 3)]
    assert rest["next_cursor"] is None
    bad = await ratings.call("my_ratings", {"cursor": "!!"}, meera)
    assert bad.status == 422


async def test_admins_find_the_suggestions_waiting_for_them_a_page_at_a_time(
        ratings: Tier, clock: Clock) -> None:
    suggested = []
    for n in range(3):
        reply = await ratings.ok("suggest_provider", {**HOSPITAL, "name": f"Clinic {n}"},
                                 person(PATIENT))
        suggested.append(reply["provider_id"])
        clock.advance(timedelta(minutes=1))
    await listed_hospital(ratings)  # an admin's: listed, not waiting
    first = await ratings.ok("pending_providers", {"limit": 2}, person(ADMIN))
    assert [p["provider_id"] for p in first["items"]] == suggested[:2]
    assert first["items"][0]["status"] == "pending" and first["items"][0]["city"] == "Ahmedabad"
    rest = await ratings.ok("pending_providers", {"limit": 2, "cursor": first["next_cursor"]},
                            person(MODERATOR))
    assert [p["provider_id"] for p in rest["items"]] == suggested[2:]
    assert rest["next_cursor"] is None
    await ratings.ok("decide_provider", {"provider_id": suggested[0], "decision": "approve",
                                         "reason": "Checked"}, person(ADMIN))
    left = await ratings.ok("pending_providers", {}, person(ADMIN))
    assert [p["provider_id"] for p in left["items"]] == suggested[1:]
    assert (await ratings.call("pending_providers", {}, person(PATIENT))).status == 403
    bad = await ratings.call("pending_providers", {"cursor": "nonsense"}, person(ADMIN))
    assert bad.status == 422


async def test_a_flagged_review_counts_until_a_moderator_hides_it(
        ratings: Tier, engine: AsyncEngine) -> None:
    hospital, meera, arjun = await listed_hospital(ratings), await rater(engine), await rater(
        engine)
    rated = await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 1,
                                               "review": "Worst place ever, avoid"}, meera)
    body = {"provider_id": hospital, "rating_id": rated["rating_id"], "reason": "abusive"}
    assert (await ratings.ok("flag_review", body, arjun))["flagged"] is True
    assert (await ratings.call("flag_review", body, arjun)).status == 409
    [queued] = (await ratings.ok("held_ratings", {"provider_id": hospital},
                                 person(MODERATOR)))["items"]
    assert queued["flags"] == 1 and queued["held"] == []
    assert (await ratings.ok("get_provider", {"provider_id": hospital}))["rating"]["count"] == 1
    await ratings.ok("moderate_rating", {"rating_id": rated["rating_id"], "decision": "hide"},
                     person(MODERATOR))
    assert (await ratings.ok("get_provider", {"provider_id": hospital}))["rating"]["count"] == 0
    assert (await ratings.ok("held_ratings", {}, person(MODERATOR)))["items"] == []


async def test_a_hospitals_representative_replies_and_cannot_rate_it(
        ratings: Tier, engine: AsyncEngine) -> None:
    hospital = await listed_hospital(ratings)
    representative, meera = await rater(engine), await rater(engine)
    designation = {"provider_id": hospital, "user_id": str(representative.user_id)}
    await ratings.ok("designate_representative", designation, person(ADMIN))
    await ratings.ok("designate_representative", designation, person(ADMIN))  # once
    refused = await ratings.call("rate_provider", {"provider_id": hospital, "stars": 5},
                                 representative)
    assert refused.status == 403 and "own workplace" in refused.body["detail"]
    rated = await ratings.ok("rate_provider", {"provider_id": hospital, "stars": 2,
                                               "review": "Billing was a mess"}, meera)
    await ratings.ok("reply_to_review", {"provider_id": hospital, "rating_id": rated["rating_id"],
                                         "text": "We have fixed our billing desk."},
                     representative)
    doctor_id = await account(engine, profession="doctor")
    wrong = await ratings.call("designate_representative", {
        "provider_id": str(doctor_id), "user_id": str(meera.user_id)}, person(ADMIN))
    assert wrong.status == 422
