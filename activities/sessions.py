"""A collaboration session's records: a member's leave, and at the end the attempts and points
recorded, the room closed and told."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from temporalio import activity

from activities.notify import Notifier
from documents.docstore import DocumentReader
from storage import code_runs, rooms
from storage.attempts import PointsRule, SessionOutcome, record_session_attempts
from storage.database import Database
from workflows.events import COLLAB_ENDED, COLLAB_NAMESPACE, collab_room
from workflows.match_messages import Emit
from workflows.session import (
    FINISH_SESSION,
    RECORD_LEAVE,
    FinishSessionInput,
    FinishSessionResult,
    RecordLeaveInput,
)

log = logging.getLogger(__name__)


class SessionActivities:
    """``documents`` gives a room's final text and its authors (the web tier's documents,
    in-process, or the shared store); ``points`` is the rule for awarding points."""

    def __init__(
        self,
        database: Database,
        notifier: Notifier,
        documents: DocumentReader | None,
        points: PointsRule,
    ) -> None:
        self._database = database
        self._notifier = notifier
        self._documents = documents
        self._points = points

    @activity.defn(name=RECORD_LEAVE)
    async def record_leave(self, request: RecordLeaveInput) -> None:
        """Idempotent: the first leave's time stays."""
        async with self._database.session() as session:
            await rooms.mark_member(session, request.room_id, uuid.UUID(request.user_id), left=True)

    @activity.defn(name=FINISH_SESSION)
    async def finish_session(self, request: FinishSessionInput) -> FinishSessionResult:
        """Idempotent: attempts are unique per (member, session), points go with the insert."""
        code = ""
        authors: set[str] = set()
        if self._documents is not None:
            code = await self._documents.close(request.room_id)
            authors = await self._documents.authors(request.room_id)
        else:
            log.warning(
                "no document reader in this worker: %s ends without its code", request.room_id
            )
        member_ids = [uuid.UUID(member.user_id) for member in request.members]
        ended_at = datetime.fromisoformat(request.ended_at)
        async with self._database.session() as session:
            room = await rooms.get_room(session, request.room_id)
            if room is None:
                return FinishSessionResult(recorded=0)
            # The room's rows say who completed the question: the web tier wrote them when the
            # member said so, and they are the only record of it.
            completed = {row.user_id for row in room.member_rows if row.completed_at is not None}
            outcomes = [
                SessionOutcome(
                    user_id=user_id,
                    partner_id=next((other for other in member_ids if other != user_id), None),
                    completed=user_id in completed,
                    edited=str(user_id) in authors,
                )
                for user_id in member_ids
            ]
            best = await code_runs.best_submission(session, request.room_id)
            recorded = await record_session_attempts(
                session,
                room_id=request.room_id,
                question_id=room.question_id,
                question=room.question,
                language=room.language,
                code=code,
                started_at=datetime.fromisoformat(request.started_at),
                ended_at=ended_at,
                outcomes=outcomes,
                rule=self._points,
                best=best,
            )
            await rooms.end_room(session, request.room_id, ended_at)
        await self._notifier.send(
            [
                Emit(
                    COLLAB_ENDED,
                    {"ok": True, "roomId": request.room_id, "reason": request.reason},
                    collab_room(request.room_id),
                    COLLAB_NAMESPACE,
                )
            ]
        )
        return FinishSessionResult(recorded=recorded)
