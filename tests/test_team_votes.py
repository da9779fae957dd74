"""The team feedback that steers the nudge choice: recent answers only, pooled per team."""

from datetime import date, timedelta

from bot.dev.local_slack import TEAM_ID
from coaching.nudges import Votes
from coaching.reps import get_or_create_rep
from coaching.schedule import VOTES_WINDOW_DAYS, WORKSPACE_WEIGHT, pooled_votes, team_votes
from coaching.teams import add_member, create_team
from tests.stored import answered_nudge

TODAY = date(2026, 11, 23)
SINCE = TODAY - timedelta(days=VOTES_WINDOW_DAYS)


def answer(session, rep, practice_id: str, day: date, feedback: str | None) -> None:
    session.add(answered_nudge(rep.id, practice_id, day, feedback))


def test_feedback_older_than_the_window_no_longer_counts(sessions):
    with sessions.begin() as session:
        team = create_team(session, TEAM_ID, "Tier 1")
        anna = get_or_create_rep(session, TEAM_ID, "U0ANNA")
        add_member(session, team, anna)
        for day in (SINCE - timedelta(days=1), SINCE - timedelta(days=200)):
            answer(session, anna, "fcr-warm-handoff", day, "helpful")
        answer(session, anna, "fcr-warm-handoff", SINCE, "helpful")
        answer(session, anna, "fcr-warm-handoff", TODAY - timedelta(days=1), "not_for_me")
        answer(session, anna, "fcr-warm-handoff", TODAY - timedelta(days=2), "snoozed")
        answer(session, anna, "fcr-warm-handoff", TODAY - timedelta(days=3), None)
        answer(session, anna, "fcr-warm-handoff", TODAY - timedelta(days=4), "not_yet")
    with sessions() as session:
        assert team_votes(session, {team.id}, SINCE)[team.id]["fcr-warm-handoff"] == Votes(helpful=1, not_helpful=1)


def test_taking_a_practice_on_counts_for_it_and_swapping_or_no_difference_against_it(sessions):
    with sessions.begin() as session:
        team = create_team(session, TEAM_ID, "Tier 1")
        anna = get_or_create_rep(session, TEAM_ID, "U0ANNA")
        add_member(session, team, anna)
        for feedback in ("trying", "helpful", "another", "no_difference", "not_for_me"):
            answer(session, anna, "fcr-warm-handoff", TODAY - timedelta(days=1), feedback)
    with sessions() as session:
        assert team_votes(session, {team.id}, SINCE)[team.id]["fcr-warm-handoff"] == Votes(helpful=2, not_helpful=3)


def test_a_team_borrows_half_of_its_workspaces_other_answers_and_nothing_from_another_workspace(sessions):
    with sessions.begin() as session:
        mine, sibling = create_team(session, TEAM_ID, "Tier 1"), create_team(session, TEAM_ID, "Tier 2")
        elsewhere = create_team(session, "T0OTHER", "Tier 1")
        anna, bruno = get_or_create_rep(session, TEAM_ID, "U0ANNA"), get_or_create_rep(session, TEAM_ID, "U0BRUNO")
        stranger = get_or_create_rep(session, "T0OTHER", "U0ZED")
        add_member(session, mine, anna)
        add_member(session, sibling, bruno)
        add_member(session, elsewhere, stranger)
        answer(session, anna, "fcr-warm-handoff", TODAY - timedelta(days=1), "helpful")
        for _ in range(4):
            answer(session, bruno, "fcr-warm-handoff", TODAY - timedelta(days=1), "not_for_me")
            answer(session, bruno, "csat-name-the-feeling", TODAY - timedelta(days=1), "trying")
            answer(session, stranger, "aht-never-rush", TODAY - timedelta(days=1), "helpful")
    with sessions() as session:
        pooled = pooled_votes(session, {mine.id}, SINCE)[mine.id]
    assert pooled == {
        "fcr-warm-handoff": Votes(1, 4 * WORKSPACE_WEIGHT),
        "csat-name-the-feeling": Votes(4 * WORKSPACE_WEIGHT, 0),
    }


def test_votes_pool_under_each_reps_first_team_and_reps_in_no_team_under_none(sessions):
    with sessions.begin() as session:
        first, second, other = (create_team(session, TEAM_ID, name) for name in ("Tier 1", "Tier 2", "Tier 3"))
        anna, bruno, carla, dario = (
            get_or_create_rep(session, TEAM_ID, f"U0{name}") for name in ("ANNA", "BRUNO", "CARLA", "DARIO")
        )
        add_member(session, first, anna)
        add_member(session, first, bruno)
        add_member(session, second, bruno)  # counts towards his first team only
        add_member(session, other, carla)
        for rep in (anna, bruno, carla, dario):
            answer(session, rep, "fcr-warm-handoff", TODAY - timedelta(days=1), "helpful")
        answer(session, dario, "fcr-warm-handoff", TODAY - timedelta(days=2), "not_for_me")
    with sessions() as session:
        votes = team_votes(session, {first.id, second.id, None}, SINCE)
        assert {team_id: dict(by_practice) for team_id, by_practice in votes.items()} == {
            first.id: {"fcr-warm-handoff": Votes(2, 0)},
            None: {"fcr-warm-handoff": Votes(1, 1)},
        }
        assert set(team_votes(session, {other.id}, SINCE)) == {other.id}
