"""Feed rules: posts, communities, cursors."""

from uuid import uuid4

import pytest

from contracts.feed.messages import CreatePost
from feed import domain
from feed.communities import COMMUNITIES

NEW = domain.Post()


def test_there_are_27_communities_with_english_and_hindi_names() -> None:
    assert len(COMMUNITIES) == 27 == len({c.slug for c in COMMUNITIES})
    assert all(c.name("hi") != c.name("en") for c in COMMUNITIES if c.slug != "hiv")
    assert {"diabetes", "tuberculosis", "health-policy-schemes", "caregivers"} <= {
        c.slug for c in COMMUNITIES}


def test_a_post_in_a_known_community_is_created() -> None:
    post_id, author = uuid4(), uuid4()
    [event] = domain.create_post(NEW, post_id, author, CreatePost(community="diabetes", body="hi"))
    assert (event.post_id, event.author_id, event.community) == (post_id, author, "diabetes")
    assert event.title is None and event.kind == "discussion"


def test_common_is_a_community_too_and_unknown_ones_are_refused() -> None:
    assert domain.create_post(NEW, uuid4(), uuid4(), CreatePost(community="common", body="x"))
    with pytest.raises(domain.UnknownCommunityError):
        domain.create_post(NEW, uuid4(), uuid4(), CreatePost(community="astrology", body="x"))



def test_a_post_is_created_once() -> None:
    post_id = uuid4()
    [created] = domain.create_post(NEW, post_id, uuid4(), CreatePost(community="common", body="x"))
    with pytest.raises(domain.PostExistsError):
        domain.create_post(domain.evolve(NEW, created), post_id, uuid4(),
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
