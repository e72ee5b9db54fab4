"""A match request as a careless change might rewrite it: it waits on a timer before anything
else, so histories recorded by the real workflow no longer replay against it."""

from __future__ import annotations

from temporalio import workflow

from workflows.match_messages import MatchRequestInput


@workflow.defn(name="MatchRequest")
class ChangedMatchRequest:
    @workflow.run
    async def run(self, request: MatchRequestInput) -> None:
        await workflow.sleep(3600)
