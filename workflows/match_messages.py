"""The dataclasses that travel between the web tier, the match workflows and their activities.

One dataclass in and one out for every workflow, signal, update, query and activity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from workflows.pairing import Entry, PairingRules


class Outcome(StrEnum):
    WAITING = "waiting"
    MATCHED = "matched"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"
    DISCONNECTED = "disconnected"


@dataclass(frozen=True, slots=True)
class Criteria:
    difficulty: str
    topics: list[str]


@dataclass(frozen=True, slots=True)
class SessionTimeouts:
    """Passed down to each collaboration session the matchmaker starts."""

    idle_seconds: float = 600.0
    max_seconds: float = 7200.0
    # A socket counts as connected this long after the web process last vouched for it (on
    # connect, then by renewals), so a web process that died cannot keep a session alive.
    # 0: no lease (sessions started before leases existed).
    presence_lease_seconds: float = 0.0
    # The session continues as new (its state carried over) once its history holds this many
    # events, so no stream of signals can reach Temporal's limit and lose the attempts.
    history_limit: int = 2_000


@dataclass(frozen=True, slots=True)
class MatchRequestInput:
    user_id: str
    username: str
    criteria: Criteria
    matchmaker_id: str
    timeout_seconds: float = 120.0
    disconnect_grace_seconds: float = 30.0
    # How long to wait for the matchmaker to confirm a withdrawal before giving up on it.
    ack_seconds: float = 10.0
    sockets: list[str] = field(default_factory=list)
    # The web tier put this request in the pool itself (one hop less before a match).
    enqueued_by_web: bool = False
    # The start set the request's search attributes and memo as waiting (request_start does):
    # the run need not set them again, which would cost the server a visibility write.
    started_marked: bool = False


@dataclass(frozen=True, slots=True)
class QuestionSummary:
    id: int
    title: str
    difficulty: str
    topics: list[str]


@dataclass(frozen=True, slots=True)
class Partner:
    id: str
    username: str


@dataclass(frozen=True, slots=True)
class Paired:
    """Matchmaker → request: you have a partner and a room."""

    room_id: str
    partner: Partner
    question: QuestionSummary
    # How many of this run's join-queues had reached the pool when the pair was made: any later
    # one was sent by a user who asks again, and becomes the next request.
    joins_seen: int = 0


@dataclass(frozen=True, slots=True)
class Rejoin:
    """Matchmaker → request: a join reached the pool after you were paired; it is a new request."""


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """Matchmaker → request: you are out of the pool (``reason`` echoes the withdrawal)."""

    reason: Outcome
    # Set when the matchmaker withdrew the request itself: what the student is told.
    message: str = ""


@dataclass(frozen=True, slots=True)
class Join:
    """Web → request: a join-queue from one of the user's sockets."""

    criteria: Criteria
    socket_id: str
    enqueued_by_web: bool = False


@dataclass(frozen=True, slots=True)
class Presence:
    """Web → request: a socket of the user connected or went away.

    ``announce`` asks for a fresh joined-queue (a returning client wants to know its place).
    """

    socket_id: str
    connected: bool
    announce: bool = False


@dataclass(frozen=True, slots=True)
class CancelRequest:
    pass


@dataclass(frozen=True, slots=True)
class CancelResult:
    cancelled: bool
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class MatchResult:
    outcome: Outcome
    user_id: str
    criteria: Criteria
    waited_seconds: float
    paired: Paired | None = None


@dataclass(frozen=True, slots=True)
class MatchStatus:
    outcome: Outcome
    criteria: Criteria
    waited_seconds: float
    paired: Paired | None = None


@dataclass(frozen=True, slots=True)
class Enqueue:
    """Request → matchmaker: put me in the pool, or update my criteria if I am in it."""

    user_id: str
    username: str
    criteria: Criteria
    request_workflow_id: str
    request_run_id: str
    # From a join-queue (not a re-announce): if the run was already paired, that join is a new
    # request on its way, so the old match is not announced again.
    fresh_join: bool = False
    # Sent after an update whose answer (the news of its round) was lost: if the run was already
    # paired, the student has not heard of it yet.
    unheard: bool = False


@dataclass(frozen=True, slots=True)
class EnqueueBatch:
    """Web tier → matchmaker: the joins that arrived while its last signal was on its way."""

    requests: list[Enqueue]


@dataclass(frozen=True, slots=True)
class Withdraw:
    user_id: str
    request_run_id: str
    reason: Outcome


@dataclass(frozen=True, slots=True)
class RecentPair:
    users: list[str]
    at: float
    room_id: str
    paired: list[Paired]
    run_ids: list[str]
    difficulty: str = ""


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A signal received but not yet handled (one of the two is set), kept in arrival order."""

    enqueue: Enqueue | None = None
    withdraw: Withdraw | None = None
    # The id of the update that brought it in, which waits for the news of its round.
    reply_to: str | None = None


@dataclass(slots=True)
class MatchmakerState:
    """Everything the matchmaker holds; its input, carried across continue-as-new."""

    rules: PairingRules = field(default_factory=PairingRules)
    session_timeouts: SessionTimeouts = field(default_factory=SessionTimeouts)
    pool: list[Entry] = field(default_factory=list)
    recent: list[RecentPair] = field(default_factory=list)
    inbox: list[InboxItem] = field(default_factory=list)
    next_seq: int = 0
    # Continue as new once the history holds this many events.
    history_limit: int = 2_000


@dataclass(frozen=True, slots=True)
class QueueSnapshot:
    waiting: dict[str, int]


# Activities -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Emit:
    event: str
    data: dict[str, Any]
    room: str
    namespace: str


@dataclass(frozen=True, slots=True)
class EmitBatch:
    emits: list[Emit]


@dataclass(frozen=True, slots=True)
class News:
    """Matchmaker → the web tier, as an update's result: what to tell whom (joined-queue, and
    matched to both students if the request was paired), once its round is recorded."""

    emits: list[Emit]


@dataclass(frozen=True, slots=True)
class PairMember:
    user_id: str
    username: str


@dataclass(frozen=True, slots=True)
class CreatePairInput:
    room_id: str
    members: list[PairMember]
    difficulty: str
    topics: list[str]


@dataclass(frozen=True, slots=True)
class CreatePairResult:
    room_id: str
    question: QuestionSummary


@dataclass(frozen=True, slots=True)
class CreatePairsInput:
    """Every pair of one matchmaker round, made in one activity."""

    pairs: list[CreatePairInput]


@dataclass(frozen=True, slots=True)
class CreatePairsResult:
    # One per pair, in order: the room's question, or None where no room could be made.
    questions: list[QuestionSummary | None]
    # Why, where no room could be made (empty in rounds recorded before it was kept).
    problems: list[str | None] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SessionInput:
    room_id: str
    members: list[PairMember]
    question: QuestionSummary
    timeouts: SessionTimeouts
    # What an earlier run of the same session knew, when this run continues it.
    carried: SessionCarry | None = None


@dataclass(frozen=True, slots=True)
class CarriedSocket:
    user_id: str
    socket_id: str
    seen_at: str


@dataclass(frozen=True, slots=True)
class SessionCarry:
    """A collaboration session's whole state, from one run to the next (continue-as-new)."""

    started_at: str
    idle_since: str
    sockets: list[CarriedSocket]
    left: list[str]
    completed: list[str]
    end_reason: str | None


# Names of activities, so workflows refer to them without importing activity code.
NOTIFY = "notify"
CREATE_PAIR = "create_pair"
CREATE_PAIRS = "create_pairs"
# Names of workflows, signals and queries that cross workflow boundaries.
MATCHMAKER_WORKFLOW = "Matchmaker"
MATCH_REQUEST_WORKFLOW = "MatchRequest"
SESSION_WORKFLOW = "CollabSession"
SIGNAL_PAIRED = "paired"
SIGNAL_WITHDRAWN = "withdrawn"
SIGNAL_REJOIN = "rejoin"
SIGNAL_ENQUEUE = "enqueue"
SIGNAL_WITHDRAW = "withdraw"
