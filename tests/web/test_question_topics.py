"""``GET /topics``, on both databases: every topic with its counts per difficulty, new questions
counted under their topics, and topics that differ only in case counted as one."""

from __future__ import annotations

import httpx

from tests.helpers.accounts import Account
from tests.helpers.questions import SEEDED, create, every_item, listing, unique


async def test_topics_list_every_topic_with_counts_per_difficulty(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/topics")
    assert response.status_code == 200
    summaries = response.json()
    everything = await every_item(http)
    expected: dict[str, dict[str, int]] = {}
    for item in everything:
        for topic in item["topics"]:
            counts = expected.setdefault(topic.lower(), {})
            counts[item["difficulty"]] = counts.get(item["difficulty"], 0) + 1
    assert {summary["topic"].lower() for summary in summaries} == set(expected)
    assert len(summaries) == len(expected)
    for summary in summaries:
        assert set(summary) == {"topic", "total", "by_difficulty"}
        counts = expected[summary["topic"].lower()]
        assert summary["by_difficulty"] == counts
        assert summary["total"] == sum(counts.values())
    seeded_topics = {topic for data in SEEDED.values() for topic in data.topics}
    assert len(seeded_topics) == 18
    assert seeded_topics <= {summary["topic"] for summary in summaries}


async def test_topics_count_a_new_question_under_its_topic_and_difficulty(
    http: httpx.AsyncClient, admin: Account
) -> None:
    topic = unique("Fresh topic")
    await create(http, admin, topics=[topic], difficulty="Easy")
    await create(http, admin, topics=[topic, "Arrays"], difficulty="Hard")
    await create(http, admin, topics=[topic], difficulty="hard")
    summaries = {summary["topic"]: summary for summary in (await http.get("/topics")).json()}
    assert summaries[topic] == {
        "topic": topic,
        "total": 3,
        "by_difficulty": {"Easy": 1, "Hard": 2},
    }


async def test_topics_differing_only_in_case_are_one_topic(
    http: httpx.AsyncClient, admin: Account
) -> None:
    topic = unique("Mixed Case")
    await create(http, admin, topics=[topic], difficulty="Easy")
    await create(http, admin, topics=[topic.lower()], difficulty="Easy")
    await create(http, admin, topics=[topic.upper()], difficulty="Medium")
    matching = [
        summary
        for summary in (await http.get("/topics")).json()
        if summary["topic"].lower() == topic.lower()
    ]
    assert len(matching) == 1
    assert matching[0]["total"] == 3
    assert matching[0]["by_difficulty"] == {"Easy": 2, "Medium": 1}
    assert (await listing(http, topic=topic))["total"] == 3
