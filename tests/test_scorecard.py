from datetime import UTC, datetime

import pytest

from tests.stored import snapshot

WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def week_of_logs(bot, clock):
    clock.fixed = WEDNESDAY
    bot.log("date=2026-11-16 contacts=40 fcr=28 csat=4.5 recommit=10 complaints=1 aht=9")
    bot.log("date=2026-11-23 contacts=20 fcr=16 csat=4.8 recommit=8 complaints=0 aht=7 upsells=1")
    bot.log("date=2026-11-24 contacts=30 fcr=21 csat=4.6 recommit=10 complaints=0 aht=8 upsells=2")
    return bot


def scorecard(bot, text: str = "") -> dict:
    response = bot.slash("/scorecard", text)
    assert response.status_code == 200
    return response.json()


def test_week_scorecard_shows_rates_as_percentages_against_targets_and_last_week(week_of_logs):
    answer = scorecard(week_of_logs, "week")
    text = "\n".join(block["text"]["text"] for block in answer["blocks"] if block["type"] == "section")

    assert answer["response_type"] == "ephemeral"
    assert "First-contact resolution: *74%* · target 80% · +4 pts better" in text  # 37/50 against 28/40
    assert "CSAT: *4.7* · target 4.5 · +0.2 better" in text  # contact-weighted (4.8×20 + 4.6×30) / 50
    assert "Recommitment: *36%* · target 30% · +11 pts better" in text  # 18/50 against 10/40
    assert "Complaints: *0%* · target 2% · -2 pts better" in text
    assert "Handle time: *7.6 min* · target 8.0 min · -1.4 min better" in text
    assert "Up-sells: *6%*" in text and "Referrals asked: not logged" in text
    assert "Balanced score:" in text
    assert answer["blocks"][0]["type"] == "header" and "2 logged days" in answer["blocks"][1]["elements"][0]["text"]
    assert answer["text"]


def test_a_customer_metric_below_target_holds_back_the_score_and_says_why(bot, clock):
    clock.fixed = WEDNESDAY
    bot.log("date=2026-11-24 contacts=30 fcr=29 csat=4.1 aht=5")
    text = scorecard(bot)["text"]
    assert "Customer first: CSAT below target" in text


def test_month_and_quarter_cover_their_own_spans(week_of_logs):
    month = scorecard(week_of_logs, "month")["blocks"][1]["elements"][0]["text"]
    quarter = scorecard(week_of_logs, "quarter")["blocks"][1]["elements"][0]["text"]
    assert month == "Sun 1 Nov 2026 – Wed 25 Nov 2026 · 3 logged days"
    assert quarter == "Thu 1 Oct 2026 – Wed 25 Nov 2026 · 3 logged days"


def test_a_rep_with_nothing_logged_is_told_how_to_start(bot, clock):
    clock.fixed = WEDNESDAY
    assert "Nothing logged this week yet" in scorecard(bot)["text"]


def test_each_rep_sees_only_their_own_figures(week_of_logs):
    response = week_of_logs.slash("/scorecard", "", user="U0BRUNO")
    assert "Nothing logged this week yet" in response.json()["text"]


@pytest.mark.parametrize("text", ["year", "week month", "<script>"])
def test_an_unknown_period_is_refused_by_name(bot, sessions, text):
    before = snapshot(sessions)
    answer = scorecard(bot, text)
    assert "`/scorecard` takes a period (week, month or quarter)" in answer["text"]
    assert "Nothing was saved" not in answer["text"]
    assert "<script>" not in answer["text"]
    assert snapshot(sessions) == before
