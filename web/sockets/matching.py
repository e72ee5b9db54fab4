"""``/matching``: join the queue, cancel, and hear how the request ends.

Handlers parse, authorise and delegate; the queue itself lives in the match workflows, whose
outcomes reach the sockets through the user's room (``user:<id>``).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from observability import metrics
from storage import rooms
from storage.models import User
from web.rate_limits import Action
from web.sockets.base import AuthenticatedNamespace, Handler, describe_invalid
from workflows import events
from workflows.match_messages import Criteria, Emit, Enqueue, MatchStatus, Outcome
from workflows.pairing import DIFFICULTIES

log = logging.getLogger(__name__)

MAX_TOPICS = 10


def _clean_topic(value: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned or "\x00" in cleaned:
        raise ValueError("topics must be non-empty text")
    return cleaned


class JoinQueuePayload(BaseModel):
    model_config = ConfigDict(extra="ignore")

    userId: str = Field(max_length=64)
    difficulty: str = Field(max_length=16)
    topics: list[Annotated[str, Field(max_length=64), AfterValidator(_clean_topic)]] = Field(
        max_length=MAX_TOPICS
    )

    @field_validator("difficulty")
    @classmethod
    def _known_difficulty(cls, value: str) -> str:
        level = value.strip().lower()
        if level not in DIFFICULTIES:
            raise ValueError("must be easy, medium or hard")
        return level


class MatchingNamespace(AuthenticatedNamespace):
    error_event = events.MATCH_ERROR

    def handlers(self) -> dict[str, Handler]:
        return {events.JOIN_QUEUE: self.join_queue, events.MATCH_CANCEL: self.cancel}

    async def on_authenticated(self, sid: str, user: User, auth: dict[str, Any]) -> None:
        await self.enter_room(sid, events.user_room(str(user.id)))
        # After the connect packet has gone out: tell a returning user where their request stands.
        self.server.start_background_task(self._report_state, sid, str(user.id), user.username)

    async def on_disconnect(self, sid: str, *_reason: Any) -> None:
        user = await self.user(sid)
        await self.app.orchestrator.presence(user.user_id, sid, connected=False)

    async def join_queue(self, sid: str, data: Any = None, *_extra: Any) -> None:
        user = await self.user(sid)
        try:
            payload = JoinQueuePayload.model_validate(data if isinstance(data, dict) else {})
        except ValidationError as error:
            await self._refuse(sid, describe_invalid(error))
            return
        if payload.userId != user.user_id:
            await self._refuse(sid, "userId does not match the signed-in user")
            return
        if not self.app.limits.allow(Action.MATCH_REQUEST, user.user_id):
            await self._refuse(sid, self._too_fast())
            return
        topics = await self.app.topics.spelled(payload.topics)
        if isinstance(topics, str):
            await self._refuse(sid, topics)
            return
        criteria = Criteria(difficulty=payload.difficulty, topics=topics)
        metrics.MATCH_CLOCK.joined(user.user_id)
        # The matchmaker acknowledges with joined-queue once the join is in the pool.
        try:
            news = await self.app.orchestrator.join_queue(
                user.user_id, user.username, criteria, sid
            )
        except Exception:
            # At the boundary: whatever stops a join, the student hears it, and the log has it.
            metrics.MATCH_CLOCK.forget(user.user_id)
            log.exception("join-queue of %s failed", user.user_id)
            await self._refuse(sid, "matching is unavailable right now; please try again")
            return
        await self._deliver(news)

    async def cancel(self, sid: str, *_extra: Any) -> None:
        user = await self.user(sid)
        if not self.app.limits.allow(Action.MATCH_REQUEST, user.user_id):
            await self.emit(events.LEFT_QUEUE, {"ok": False, "error": self._too_fast()}, to=sid)
            return
        try:
            result = await self.app.orchestrator.cancel_match(user.user_id)
        except Exception:
            log.exception("match:cancel of %s failed", user.user_id)
            await self.emit(
                events.LEFT_QUEUE, {"ok": False, "error": "could not cancel; try again"}, to=sid
            )
            return
        if result is None:
            await self.emit(
                events.LEFT_QUEUE, {"ok": False, "error": "you are not in the queue"}, to=sid
            )
            return
        reply: dict[str, Any] = {"ok": result.cancelled, "outcome": result.outcome.value}
        if not result.cancelled:
            reply["error"] = "too late to cancel: you have been matched"
        await self.emit(events.LEFT_QUEUE, reply, room=events.user_room(user.user_id))

    async def _deliver(self, news: list[Emit]) -> None:
        """The matchmaker's news of a join (its update's answer), to the students' rooms."""
        matchmaker_id = self.app.orchestrator.matching.matchmaker_id
        for emit in news:
            line = events.outcome_line(emit)
            if line is not None:
                message, fields = line
                log.info(message, extra={**fields, "workflow_id": matchmaker_id})
            await self.server.emit(emit.event, emit.data, room=emit.room, namespace=emit.namespace)

    def _too_fast(self) -> str:
        limit = self.app.limits.describe(Action.MATCH_REQUEST)
        return f"too many match requests: at most {limit}; wait a moment"

    async def _refuse(self, sid: str, message: str) -> None:
        await self.emit(events.JOINED_QUEUE, {"ok": False, "error": message}, to=sid)

    async def _report_state(self, sid: str, user_id: str, username: str) -> None:
        # Twice at most: a request can end between reading its state and signalling it.
        for _attempt in range(2):
            try:
                state = await self.app.orchestrator.match_state(user_id)
                if state is None:
                    return
                if state.paired is not None:
                    if await self._room_open(state.paired.room_id):
                        payload = events.matched_payload(state.paired, state.criteria.difficulty)
                        await self.emit(events.MATCHED, payload, to=sid)
                    return
                if not (isinstance(state, MatchStatus) and state.outcome is Outcome.WAITING):
                    return
                # The request counts the socket (its disconnect grace depends on it).
                if not await self.app.orchestrator.presence(user_id, sid, connected=True):
                    continue
                # Each re-announcement reaches the shared matchmaker: a reconnect storm of one
                # user's sockets must not become a storm of signals there. Past the limit the
                # socket is only not told its place again.
                if not self.app.limits.allow(Action.MATCH_REQUEST, user_id):
                    log.info("re-announcement of %s skipped: over its rate limit", user_id)
                    return
                # The same join again: the matchmaker answers with joined-queue and its place,
                # or with matched if the pair was made a moment ago.
                news = await self.app.orchestrator.admit(
                    Enqueue(user_id, username, state.criteria, state.join_id)
                )
                await self._deliver(news)
                return
            except Exception:
                # At the boundary of a background task: logged, and the socket carries on.
                log.exception("could not report the match state of %s", user_id)
                return

    async def _room_open(self, room_id: str) -> bool:
        async with self.app.database.session() as session:
            room = await rooms.get_room(session, room_id)
            return room is not None and room.ended_at is None
