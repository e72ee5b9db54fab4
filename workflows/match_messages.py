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
    presence_lease_seconds: float = 90.0
    # The session continues as new (its state carried over) once its history holds this many
    # events, so no stream of signals can reach Temporal's limit and lose the attempts.
    history_limit: int = 2_000
    # Runs of the room's code go to the executors' task queue; a run no executor takes within
    # run_queue_seconds is answered Busy, and one that takes longer than run_timeout_seconds
    # (building included) is retried elsewhere, as an executor that died would be.
    exec_task_queue: str = "peerprep-exec"
    run_queue_seconds: float = 3.0
    run_timeout_seconds: float = 60.0


@dataclass(frozen=True, slots=True)
class Join:
    """Web → request: a join-queue from one of the user's sockets, named by its own id.

    The web tier sends the same join (same id) to the matchmaker's pool: the id is how the
    pool and the request tell a repeat of one join (a reconnect) from a new one."""

    join_id: str
    criteria: Criteria
    socket_id: str


@dataclass(frozen=True, slots=True)
class MatchRequestInput:
    user_id: str
    username: str
    matchmaker_id: str
    timeout_seconds: float = 120.0
    disconnect_grace_seconds: float = 30.0
    # How long to wait for the matchmaker to confirm a withdrawal before giving up on it.
    ack_seconds: float = 10.0
    sockets: list[str] = field(default_factory=list)
    # A run continued as new starts with the join that arrived while the last one ended (the
    # web tier has put it in the pool), and with the pool's answer if it came that early.
    join: Join | None = None
    answer: Settled | None = None


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
    """A partner and a room, as one student of the pair is told."""

    room_id: str
    partner: Partner
    question: QuestionSummary


@dataclass(frozen=True, slots=True)
class Settled:
    """Matchmaker → request: how one join ended, paired (``paired`` set) or withdrawn."""

    join_id: str
    outcome: Outcome
    paired: Paired | None = None


@dataclass(frozen=True, slots=True)
class Presence:
    """Web → request: a socket of the user connected or went away."""

    socket_id: str
    connected: bool


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
    # The join the request waits on (what a returning socket announces again).
    join_id: str = ""


@dataclass(frozen=True, slots=True)
class Enqueue:
    """Web → matchmaker: put this join in the pool (a user's newer join replaces their older
    one in place, keeping its place in line); the same join again is answered again."""

    user_id: str
    username: str
    criteria: Criteria
    join_id: str


@dataclass(frozen=True, slots=True)
class EnqueueBatch:
    """Web → matchmaker: the joins that arrived while the last batch was on its way."""

    requests: list[Enqueue]


@dataclass(frozen=True, slots=True)
class Withdraw:
    """Request → matchmaker: take this join out of the pool (a cancel, the timeout, the
    disconnect grace); the matchmaker answers with :class:`Settled`."""

    user_id: str
    join_id: str
    reason: Outcome
    waited_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class RecentPair:
    users: list[str]
    at: float
    room_id: str
    paired: list[Paired]
    join_ids: list[str]
    difficulty: str


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A message received but not yet handled (one of the two is set), kept in arrival order."""

    enqueue: Enqueue | None = None
    withdraw: Withdraw | None = None
    # The update that brought the join in, which carries its news back to its caller.
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
class JoinNews:
    """Matchmaker → the web tier, as the ``join`` update's result: for each join of the batch
    (by join id), what its caller tells whom, once the round that took it in is recorded."""

    emits: dict[str, list[Emit]]


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
class CreatePairsInput:
    """Every pair of one matchmaker round, made in one activity."""

    pairs: list[CreatePairInput]


@dataclass(frozen=True, slots=True)
class CreatePairsResult:
    # One per pair, in order: the room's question, or None where no room could be made.
    questions: list[QuestionSummary | None]
    # Why, where no room could be made.
    problems: list[str | None]


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
    end_reason: str | None


# Names of activities, so workflows refer to them without importing activity code.
NOTIFY = "notify"
CREATE_PAIRS = "create_pairs"
# Names of workflows, signals and queries that cross workflow boundaries.
MATCHMAKER_WORKFLOW = "Matchmaker"
MATCH_REQUEST_WORKFLOW = "MatchRequest"
SESSION_WORKFLOW = "CollabSession"
SIGNAL_SETTLED = "settled"
SIGNAL_WITHDRAW = "withdraw"
