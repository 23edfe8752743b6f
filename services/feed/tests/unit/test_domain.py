"""Feed rules: posts, communities, cursors."""

from collections.abc import Mapping
from uuid import UUID, uuid4

import pytest

from contracts.events import Event
from contracts.feed.messages import CreatePost
from feed import domain, moderation
from feed.communities import COMMUNITIES

NEW = domain.Post()


def create(post: domain.Post, post_id: UUID, author: UUID, command: CreatePost,
           keywords: Mapping[str, moderation.Action] = moderation.DEFAULT_KEYWORDS
           ) -> list[Event]:
    return domain.create_post(post, post_id, author, command,
                              moderation.screen(command.body, keywords), uuid4)


def test_there_are_27_communities_with_english_and_hindi_names() -> None:
    assert len(COMMUNITIES) == 27 == len({c.slug for c in COMMUNITIES})
    assert all(c.name("hi") != c.name("en") for c in COMMUNITIES if c.slug != "hiv")
    assert {"diabetes", "tuberculosis", "health-policy-schemes", "caregivers"} <= {
        c.slug for c in COMMUNITIES}


def test_a_post_in_a_known_community_is_created() -> None:
    post_id, author = uuid4(), uuid4()
    [event] = create(NEW, post_id, author, CreatePost(community="diabetes", body="hi"))
    assert (event.post_id, event.author_id, event.community) == (post_id, author, "diabetes")
    assert event.title is None and event.kind == "discussion"


def test_common_is_a_community_too_and_unknown_ones_are_refused() -> None:
    assert create(NEW, uuid4(), uuid4(), CreatePost(community="common", body="x"))
    with pytest.raises(domain.UnknownCommunityError):
        create(NEW, uuid4(), uuid4(), CreatePost(community="astrology", body="x"))



def test_a_post_is_created_once() -> None:
    post_id = uuid4()
    [created] = create(NEW, post_id, uuid4(), CreatePost(community="common", body="x"))
    with pytest.raises(domain.PostExistsError):
        create(domain.evolve(NEW, created), post_id, uuid4(),
                           CreatePost(community="common", body="again"))


@pytest.mark.parametrize(("text", "linked"), [
    ("see https://x.org", True), ("www.quack.cure", True), ("visit cure-now.com today", True),
    ("call me at 9.30", False), ("I take metformin.", False), ("Dr. Rao in Pune", False)])
def test_links_are_told_from_text(text: str, linked: bool) -> None:
    assert bool(domain.LINK.search(text)) is linked


def test_the_link_check_is_linear_on_hostile_text() -> None:
    """200 KB of one long name without a dot: a scan from every start would take minutes
    (and hit the suite's time limit); a linear one takes milliseconds."""
    hostile = "a" * 200_000 + "!"
    assert domain.LINK.search(hostile) is None
    assert domain.LINK.search("-" * 100_000 + ".com ") is not None


def test_following_is_a_set_of_communities_changed_only_by_a_change() -> None:
    user = uuid4()
    membership = domain.Membership()
    followed = domain.follow(membership, user, "diabetes")
    assert [type(e).__name__ for e in followed] == ["CommunityFollowed"]
    membership = domain.evolve_membership(membership, followed[0])
    assert domain.follow(membership, user, "diabetes") == []
    assert domain.unfollow(domain.Membership(), user, "diabetes") == []
    left = domain.unfollow(membership, user, "diabetes")
    assert domain.evolve_membership(membership, left[0]) == domain.Membership()


def test_the_common_feed_and_unknown_communities_are_not_followed() -> None:
    with pytest.raises(domain.CommonFeedError):
        domain.follow(domain.Membership(), uuid4(), "common")
    with pytest.raises(domain.NoSuchCommunityError):
        domain.unfollow(domain.Membership(), uuid4(), "astrology")


def test_contact_details_hold_a_post_and_say_why() -> None:
    for text in ("ring 9876543210", "call +91 98765-43210 after 6", "my landline 011 23456789",
                 "write to meera.k@gmail.com"):
        screened = moderation.screen(text)
        assert screened.holds == (moderation.CONTACT_DETAILS,), text
    for text in ("HbA1c went from 9.1 to 7.4", "I take 500 mg twice a day since 2019",
                 "my sugar was 140 at 10 pm"):
        assert moderation.screen(text).holds == (), text


def test_self_harm_is_flagged_urgently_never_held_in_english_hindi_and_hinglish() -> None:
    for text in ("Some days I want to die", "मैं आत्महत्या के बारे में सोचता हूँ",
                 "kabhi kabhi khudkushi ka khayal aata hai"):
        screened = moderation.screen(text)
        assert screened.flags == ((moderation.SELF_HARM, True),) and screened.holds == ()
        assert moderation.SELF_HARM in screened.notices
    assert "14416" in moderation.message(moderation.SELF_HARM, "hi")
    assert moderation.screen("my mother died of cancer last year").flags == ()


def test_the_keyword_list_blocks_holds_or_flags() -> None:
    keywords = {"crypto": "block", "miracle cure": "hold", "buy now": "flag"}
    post_id = uuid4()
    with pytest.raises(domain.BlockedError):
        create(NEW, post_id, uuid4(), CreatePost(community="common", body="Crypto tips"),
               keywords)
    held = create(NEW, post_id, uuid4(), CreatePost(community="common",
                                                   body="A MIRACLE  cure! Buy now"), keywords)
    assert [type(e).__name__ for e in held] == ["PostCreated", "PostHeld", "PostFlagged"]


def test_decisions_fit_the_post_as_it_is() -> None:
    post_id, moderator = uuid4(), uuid4()
    events = create(NEW, post_id, uuid4(), CreatePost(community="common", body="mail a@b.in"))
    post = NEW
    for event in events:
        post = domain.evolve(post, event)
    assert post.status == domain.HELD
    with pytest.raises(domain.ModerationConflictError):
        domain.moderate(post, post_id, moderator, "dismiss", "x")
    [hidden] = domain.moderate(post, post_id, moderator, "hide", "rule 2")
    post = domain.evolve(post, hidden)
    assert post.status == domain.HIDDEN and not post.flagged
    with pytest.raises(domain.NoSuchPostError):
        domain.flag(post, post_id, uuid4(), uuid4(), "spam", False)
    [restored] = domain.moderate(post, post_id, moderator, "restore", "appeal upheld")
    assert domain.evolve(post, restored).status == domain.PUBLISHED


def folded(events: list[Event]) -> domain.CommentState:
    state = domain.CommentState()
    for event in events:
        state = domain.evolve_comment(state, event)
    return state


def test_a_comment_is_flagged_once_by_each_person_and_decided_in_its_posts_community() -> None:
    post_id, comment_id, meera, moderator = uuid4(), uuid4(), uuid4(), uuid4()
    post = domain.evolve(NEW, create(NEW, post_id, uuid4(),
                                     CreatePost(community="cancer", body="x"))[0])
    history = domain.add_comment(post, None, comment_id, post_id, uuid4(), "buy now",
                                 "en", None, moderation.Screening())
    history += domain.flag_comment(folded(history), post, comment_id, uuid4(), meera, "spam",
                                   False)
    with pytest.raises(domain.AlreadyFlaggedError):
        domain.flag_comment(folded(history), post, comment_id, uuid4(), meera, "other", False)
    with pytest.raises(domain.OutOfScopeError):
        domain.moderate_comment(folded(history), post, comment_id, moderator, "hide", "x",
                                frozenset({"diabetes"}))
    history += domain.moderate_comment(folded(history), post, comment_id, moderator, "hide",
                                       "spam", frozenset({"cancer"}))
    hidden = folded(history)
    assert (hidden.status, hidden.flagged, hidden.flaggers) == (domain.HIDDEN, False,
                                                                frozenset({meera}))
    with pytest.raises(domain.UnknownCommentError):  # no one flags what they cannot read
        domain.flag_comment(hidden, post, comment_id, uuid4(), uuid4(), "spam", False)
    with pytest.raises(domain.NoSuchCommentError):  # nor replies to it
        domain.add_comment(post, hidden, uuid4(), post_id, uuid4(), "why?", "en",
                           comment_id, moderation.Screening())
    for decision in ("hide", "dismiss"):
        with pytest.raises(domain.ModerationConflictError):
            domain.moderate_comment(hidden, post, comment_id, moderator, decision, "x")
    [restored] = domain.moderate_comment(hidden, post, comment_id, moderator, "restore", "ok")
    assert folded([*history, restored]).status == domain.PUBLISHED
