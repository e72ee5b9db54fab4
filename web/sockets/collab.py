"""``/collab``: the room two matched students share — the document, cursors, language, history,
revert and chat. Handlers parse, authorise and delegate: documents to
``documents.room_documents``, chat and language to SQL, the session's lifecycle to its workflow."""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from documents import starter
from documents.awareness import InvalidAwareness, read_clients, removal
from documents.room_documents import InvalidUpdate
from execution.languages import LANGUAGES
from observability.logs import log_context
from orchestration.sessions import LeaveRefused, RunRefused
from storage import code_runs, rooms, runnable_questions, users
from storage.database import Database
from web.auth import AuthError, authenticate_until
from web.rate_limits import Action
from web.sockets.base import AuthenticatedNamespace, Handler, describe_invalid
from workflows import events
from workflows.code_runs import CodeRunRequest

log = logging.getLogger(__name__)

MAX_AWARENESS_BYTES = 64 * 1024
MAX_CHAT_CHARS = 2000
HISTORY_DEFAULT = 50
HISTORY_MAX = 200
ENDED = "this session has ended; the room takes no more changes"
# collab:error's code for a refused edit.
UPDATE_REFUSED = "update-refused"


Payload = TypeVar("Payload", bound=BaseModel)


class Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class Member:
    """A socket admitted to a room, kept in the socket's session."""

    user_id: str
    username: str
    room_id: str
    is_member: bool
    # The socket's authority ends with its token (seconds since the epoch).
    expires_at: float = float("inf")
    awareness: dict[int, int] = field(default_factory=dict)


class LanguagePayload(BaseModel):
    model_config = ConfigDict(extra="ignore")
    language: str

    @field_validator("language")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in rooms.LANGUAGES:
            raise ValueError(f"must be one of {', '.join(rooms.LANGUAGES)}")
        return value


class HistoryPayload(BaseModel):
    model_config = ConfigDict(extra="ignore")
    limit: int = Field(default=HISTORY_DEFAULT, ge=1, le=HISTORY_MAX)


class RevertPayload(BaseModel):
    model_config = ConfigDict(extra="ignore")
    timestamp: int = Field(ge=0, le=2**53)


class RunPayload(BaseModel):
    model_config = ConfigDict(extra="ignore")
    mode: Literal["run", "submit"]
    language: str

    @field_validator("language")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in rooms.LANGUAGES:
            raise ValueError(f"must be one of {', '.join(rooms.LANGUAGES)}")
        return value


class ChatPayload(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    text: str = Field(min_length=1, max_length=MAX_CHAT_CHARS)

    @field_validator("text")
    @classmethod
    def _storable(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


class CollabNamespace(AuthenticatedNamespace):
    error_event = events.COLLAB_ERROR

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The members' sockets on this process, whose presence it renews (socket id -> member).
        self._present: dict[str, Member] = {}

    def present(self) -> dict[str, list[tuple[str, str]]]:
        """Room id -> the (user, socket) pairs of members connected to this process."""
        rooms_: dict[str, list[tuple[str, str]]] = {}
        for sid, member in self._present.items():
            rooms_.setdefault(member.room_id, []).append((member.user_id, sid))
        return rooms_

    def handlers(self) -> dict[str, Handler]:
        return {
            events.COLLAB_UPDATE: self.update,
            events.COLLAB_AWARENESS: self.awareness,
            events.COLLAB_LANGUAGE_SET: self.set_language,
            events.COLLAB_HISTORY_GET: self.get_history,
            events.COLLAB_REVERT: self.revert,
            events.COLLAB_CHAT_SEND: self.chat,
            events.COLLAB_LEAVE: self.leave,
            events.COLLAB_COMPLETE: self.complete,
            events.CODE_RUN: self.run_code,
        }

    # Connecting ------------------------------------------------------------------------------

    async def _connect(self, sid: str, _environ: dict[str, Any], auth: Any = None) -> None:
        # The contract: a refused client gets collab:error, then the server disconnects it. So
        # the connection is accepted first and closed right after the error is sent.
        try:
            member = await self._admit(auth if isinstance(auth, dict) else {})
        except (AuthError, Refused) as refusal:
            log.info("socket refused: %s", refusal.message, extra={"namespace": self.namespace})
            self.server.start_background_task(self._refuse, sid, refusal.message)
            return
        if not self.hold_socket(member.user_id, sid):
            self.server.start_background_task(self._refuse, sid, self.too_many_sockets())
            return
        await self.save_session(sid, member)
        self.expire_at(sid, member.expires_at)
        if member.is_member:
            self._present[sid] = member
        await self.enter_room(sid, events.collab_room(member.room_id))
        await self.app.documents.join(member.room_id)
        with log_context(user_id=member.user_id, room_id=member.room_id):
            self.counted_in()
            # The task copies this context: what the welcome logs carries the ids too.
            self.server.start_background_task(self._welcome, sid, member)

    async def _admit(self, auth: dict[str, Any]) -> Member:
        room_id = auth.get("sessionId")
        if not isinstance(room_id, str) or not 0 < len(room_id) <= 64:
            raise Refused("sessionId is missing or invalid")
        async with self.app.database.session() as session:
            user, expires_at = await authenticate_until(session, self.app.tokens, auth.get("token"))
            room = await rooms.get_room(session, room_id)
            membership = (
                next((row for row in room.member_rows if row.user_id == user.id), None)
                if room is not None
                else None
            )
            if room is None or (membership is None and not user.is_admin):
                # The same answer whether the room exists or not: no probing for rooms.
                raise Refused("no such session, or you are not one of its members")
            if room.ended_at is not None:
                raise Refused("this session has ended")
            if membership is not None and membership.left_at is not None:
                raise Refused("you have left this session")
        return Member(
            str(user.id),
            user.username,
            room_id,
            is_member=membership is not None,
            expires_at=expires_at,
        )

    async def _refuse(self, sid: str, message: str) -> None:
        await self.emit(events.COLLAB_ERROR, {"ok": False, "message": message}, to=sid)
        await self.disconnect(sid)

    async def _welcome(self, sid: str, member: Member) -> None:
        documents = self.app.documents
        async with self.app.database.session() as session:
            room = await rooms.get_room(session, member.room_id)
            chat = await rooms.chat_history(session, member.room_id)
            last_run = await code_runs.last_run(session, member.room_id)
        if self.app.settings.starter_code and room is not None and room.question_id is not None:
            await self._seed(member.room_id, room.question_id)
        state = await documents.state(member.room_id)
        language = room.language if room is not None else rooms.FIRST_LANGUAGE
        await self.emit(events.COLLAB_STATE, state, to=sid)
        await self.emit(events.COLLAB_LANGUAGE, {"language": language}, to=sid)
        await self.emit(
            events.COLLAB_CONNECTED,
            {"ok": True, "userId": member.user_id, "sessionId": member.room_id},
            to=sid,
        )
        await self.emit(events.COLLAB_CHAT_HISTORY, [_chat_wire(line) for line in chat], to=sid)
        if last_run is not None:  # a member who joins late sees the room's last run
            await self.emit(events.CODE_RUN_FINISHED, last_run.result, to=sid)
        if member.is_member:
            await self.app.orchestrator.sessions.presence(
                member.room_id, member.user_id, sid, connected=True
            )

    async def on_disconnect(self, sid: str, *_reason: Any) -> None:
        member = await self._member(sid)
        if member is None:
            return
        await self.app.documents.leave(member.room_id)
        if member.awareness:
            await self.emit(
                events.COLLAB_AWARENESS,
                removal(member.awareness),
                room=events.collab_room(member.room_id),
                skip_sid=sid,
            )
        if member.is_member:
            self._present.pop(sid, None)
            await self.app.orchestrator.sessions.presence(
                member.room_id, member.user_id, sid, connected=False
            )

    # Events ----------------------------------------------------------------------------------

    async def update(self, sid: str, data: Any = None, *_extra: Any) -> None:
        member = await self._writer(sid)
        if member is None:
            return
        limits, keys = self.app.limits, (member.user_id, member.room_id)

        def admit() -> str | None:
            # Under the room's lock, so a burst of updates is counted one by one.
            if not limits.allow(Action.COLLAB_UPDATE, *keys):
                limit = limits.describe(Action.COLLAB_UPDATE)
                return f"too fast: at most {limit} edits; wait a moment"
            if limits.spent(Action.COLLAB_APPLY_MS, *keys):
                return "your recent edits took too long to apply; wait a moment"
            return None

        try:
            applied = await self.app.documents.apply(
                member.room_id, member.user_id, data, admit=admit
            )
        except InvalidUpdate as invalid:
            await self._refuse_update(sid, str(invalid))
            return
        limits.spend(Action.COLLAB_APPLY_MS, round(applied.integrate_seconds * 1000), *keys)
        # Persisted above; only now does anyone else see it.
        await self.emit(
            events.COLLAB_UPDATE,
            applied.update,
            room=events.collab_room(member.room_id),
            skip_sid=sid,
        )

    async def awareness(self, sid: str, data: Any = None, *_extra: Any) -> None:
        member = await self._required(sid)
        if member is None or not await self._within(sid, Action.COLLAB_AWARENESS, member):
            return
        if not isinstance(data, bytes | bytearray) or len(data) > MAX_AWARENESS_BYTES:
            await self._error(sid, "an awareness update must be binary and at most 64 KiB")
            return
        try:
            clients = read_clients(bytes(data))
        except InvalidAwareness as invalid:
            await self._error(sid, str(invalid))
            return
        member.awareness.update(clients)
        await self.emit(
            events.COLLAB_AWARENESS, data, room=events.collab_room(member.room_id), skip_sid=sid
        )

    async def set_language(self, sid: str, data: Any = None, *_extra: Any) -> None:
        member = await self._writer(sid)
        payload = await self._parse(sid, LanguagePayload, data)
        if member is None or payload is None:
            return
        if not await self._within(sid, Action.COLLAB_LANGUAGE, member):
            return
        async with self.app.database.session() as session:
            room = await rooms.get_room(session, member.room_id)
            if room is None or room.ended_at is not None:
                await self._error(sid, ENDED)
                return
            before = room.language
            await rooms.set_language(session, member.room_id, payload.language)
        await self.emit(
            events.COLLAB_LANGUAGE,
            {"language": payload.language},
            room=events.collab_room(member.room_id),
            skip_sid=sid,
        )
        await self._swap_starter(member.room_id, room.question_id, before, payload.language)

    async def get_history(self, sid: str, data: Any = None, *_extra: Any) -> None:
        member = await self._required(sid)
        payload = await self._parse(sid, HistoryPayload, data if data is not None else {})
        if member is None or payload is None:
            return
        records = await self.app.documents.history(member.room_id, payload.limit)
        await self.emit(events.COLLAB_HISTORY, [record.to_wire() for record in records], to=sid)

    async def revert(self, sid: str, data: Any = None, *_extra: Any) -> None:
        member = await self._writer(sid)
        payload = await self._parse(sid, RevertPayload, data)
        if member is None or payload is None:
            return
        try:
            state = await self.app.documents.revert(
                member.room_id, member.user_id, payload.timestamp
            )
        except InvalidUpdate as refused:
            await self._error(sid, str(refused))
            return
        room = events.collab_room(member.room_id)
        await self.emit(events.COLLAB_STATE, state, room=room)
        records = await self.app.documents.history(member.room_id, HISTORY_DEFAULT)
        await self.emit(events.COLLAB_HISTORY, [record.to_wire() for record in records], room=room)

    async def chat(self, sid: str, data: Any = None, *_extra: Any) -> None:
        member = await self._writer(sid)
        payload = await self._parse(sid, ChatPayload, data)
        if member is None or payload is None:
            return
        if not await self._within(sid, Action.COLLAB_CHAT, member):
            return
        async with self.app.database.session() as session:
            if not await rooms.is_open(session, member.room_id):
                await self._error(sid, ENDED)
                return
            line = await rooms.add_chat(
                session, member.room_id, uuid.UUID(member.user_id), payload.text
            )
        await self.emit(
            events.COLLAB_CHAT, _chat_wire(line), room=events.collab_room(member.room_id)
        )

    async def leave(self, sid: str, *_extra: Any) -> None:
        member = await self._required(sid)
        if member is None:
            return
        if member.is_member:
            # The session records the leave; the room is only told once it is recorded.
            try:
                await self.app.orchestrator.sessions.leave(member.room_id, member.user_id)
            except (LeaveRefused, TimeoutError) as error:
                async with self.app.database.session() as session:
                    ended = not await rooms.is_open(session, member.room_id)
                if not ended:  # an ended room has nothing left to record
                    reason = str(error) or "no answer in time"
                    await self._error(sid, f"could not leave the session ({reason}); try again")
                    return
        await self.emit(
            events.COLLAB_LEFT,
            {"userId": member.user_id},
            room=events.collab_room(member.room_id),
        )
        await self.disconnect(sid)

    async def complete(self, sid: str, *_extra: Any) -> None:
        member = await self._required(sid)
        if member is None or not member.is_member:
            if member is not None:
                await self._error(sid, "only the session's members can mark it completed")
            return
        async with self.app.database.session() as session:
            await rooms.mark_member(
                session, member.room_id, uuid.UUID(member.user_id), completed=True
            )
        log.info("completed question", extra={"room_id": member.room_id, "user_id": member.user_id})
        await self.emit(
            events.COLLAB_COMPLETED,
            {"userId": member.user_id},
            room=events.collab_room(member.room_id),
        )

    async def run_code(self, sid: str, data: Any = None, *_extra: Any) -> None:
        """Run or Submit: the session judges the document as it is now, on an executor, and
        both members see the run begin, each case, and the result."""
        member = await self._required(sid)
        payload = await self._parse(sid, RunPayload, data)
        if member is None or payload is None:
            return
        if not member.is_member:
            await self._error(sid, "only the session's members can run its code")
            return
        if not await self._within(sid, Action.CODE_RUN, member):
            return
        if self.app.execution_unavailable:
            await self._error(sid, f"code execution unavailable: {self.app.execution_unavailable}")
            return
        source = await self.app.documents.text(member.room_id)
        request = CodeRunRequest(
            run_id=uuid.uuid4().hex,
            user_id=member.user_id,
            mode=payload.mode,
            language=payload.language,
            source=source,
            source_hash=hashlib.sha256(source.encode()).hexdigest(),
        )
        try:
            # The executor tells the room when it begins, and each case as it is judged.
            result = await self.app.orchestrator.sessions.run_code(member.room_id, request)
        except RunRefused as refused:
            await self._error(sid, f"could not run the code: {refused}")
            return
        finished = {"runId": request.run_id, "requestedBy": member.user_id} | result
        await self.emit(events.CODE_RUN_FINISHED, finished, room=events.collab_room(member.room_id))

    # Starter code ----------------------------------------------------------------------------

    async def _seed(self, room_id: str, question_id: int) -> None:
        """The room's first language's starter code, in the document once and for all."""
        text = await _starter(self.app.database, question_id, rooms.FIRST_LANGUAGE)
        if text is None:
            return
        added = await self.app.documents.seed(room_id, starter.seed_update(room_id, text))
        if added is not None:
            await self.emit(events.COLLAB_UPDATE, added, room=events.collab_room(room_id))

    async def _swap_starter(
        self, room_id: str, question_id: int | None, old: str, new: str
    ) -> None:
        """A document nobody has touched follows the language: its starter code is swapped."""
        if question_id is None or not self.app.settings.starter_code:
            return
        leaving = await _starter(self.app.database, question_id, old)
        coming = await _starter(self.app.database, question_id, new)
        if leaving is None or coming is None:
            return
        changed = await self.app.documents.replace_untouched(room_id, leaving, coming)
        if changed is not None:
            await self.emit(events.COLLAB_UPDATE, changed, room=events.collab_room(room_id))

    # Small pieces ----------------------------------------------------------------------------

    async def _member(self, sid: str) -> Member | None:
        session = await self.get_session(sid)
        return session if isinstance(session, Member) else None

    async def _required(self, sid: str) -> Member | None:
        member = await self._member(sid)
        if member is None:
            await self._error(sid, "not connected to a session")
        return member

    async def _writer(self, sid: str) -> Member | None:
        """The socket's member, if it may change the room now. An administrator who is not a
        member is checked again on every change: one demoted since connecting is let go."""
        member = await self._required(sid)
        if member is None or member.is_member:
            return member
        async with self.app.database.session() as session:
            user = await users.get_user(session, uuid.UUID(member.user_id))
        if user is None or not user.is_admin:
            await self._error(sid, "you are no longer allowed in this session")
            await self.disconnect(sid)
            return None
        return member

    async def _parse(self, sid: str, model: type[Payload], data: Any) -> Payload | None:
        try:
            return model.model_validate(data if isinstance(data, dict) else {"_": data})
        except ValidationError as error:
            await self._error(sid, describe_invalid(error))
            return None

    async def _error(self, sid: str, message: str) -> None:
        await self.emit(events.COLLAB_ERROR, {"ok": False, "message": message}, to=sid)

    async def _refuse_update(self, sid: str, message: str) -> None:
        """An edit the room did not take: the sender's document now holds what the room does
        not, so the error says so (``code``) and a client starts again from the room's state."""
        await self.emit(
            events.COLLAB_ERROR,
            {"ok": False, "message": message, "code": UPDATE_REFUSED},
            to=sid,
        )

    async def _within(self, sid: str, action: Action, member: Member) -> bool:
        """Count one ``action``; past its limit, tell the sender and refuse it."""
        if self.app.limits.allow(action, member.user_id, member.room_id):
            return True
        limit = self.app.limits.describe(action)
        await self._error(sid, f"too fast: at most {limit} for {action.value}; wait a moment")
        return False


def _chat_wire(line: Any) -> dict[str, Any]:
    return {
        "id": str(line.id),
        "userId": str(line.user_id),
        "text": line.text,
        "timestamp": int(line.created_at.timestamp() * 1000),
    }


async def _starter(database: Database, question_id: int, language: str) -> str | None:
    """The starter code of the question as SQL holds it now; None when it is not runnable."""
    runs = LANGUAGES.get(language)
    if runs is None:
        return None
    async with database.session() as session:
        signature = await runnable_questions.get_signature(session, question_id)
    return None if signature is None else runs.starter(signature)
