"""``peerprep ops``: find, replay and retry PeerPrep's workflows, from Temporal itself.

``list`` reads Temporal visibility (the search attributes every request and session carries),
``replay`` runs recorded histories against the current workflow code (the determinism check
before a deploy), and ``retry`` starts a failed or timed-out match request again.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHistory
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from orchestration.orchestrator import MatchingConfig, Orchestrator, RequestStart
from settings import Settings, SettingsError, get_settings
from workers.replay import ReplayReport, replay_histories, workflow_types
from workers.stack import connect_temporal
from workers.visibility import (
    STATUSES,
    Filters,
    Kind,
    OpsInputError,
    build_query,
    describe_row,
    parse_since,
    rfc3339,
    table,
)
from workflows import ids
from workflows import search_attributes as attrs
from workflows.match_messages import (
    MATCH_REQUEST_WORKFLOW,
    Criteria,
    Enqueue,
    Join,
    MatchRequestInput,
    Outcome,
    Presence,
)

ops_app = typer.Typer(
    help="Operate PeerPrep's workflows: list them, replay their histories, retry a failed match.",
    no_args_is_help=True,
)

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., None])


def _command(name: str | None = None) -> Callable[[F], F]:
    """Register a command whose help is its docstring with each paragraph on one line (the
    terminal wraps it, rather than keeping the source's line breaks)."""

    def register(function: F) -> F:
        paragraphs = inspect.cleandoc(function.__doc__ or "").split("\n\n")
        text = "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)
        ops_app.command(name, help=text)(function)
        return function

    return register


TemporalAddress = Annotated[
    str | None,
    typer.Option(help="host:port of the Temporal frontend.", envvar="PEERPREP_TEMPORAL_ADDRESS"),
]
Namespace = Annotated[
    str | None,
    typer.Option("--namespace", help="Temporal namespace.", envvar="PEERPREP_TEMPORAL_NAMESPACE"),
]


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _bad(error: OpsInputError) -> NoReturn:
    raise typer.BadParameter(str(error), param_hint=error.option) from None


def _settings(address: str | None, namespace: str | None) -> Settings:
    try:
        return get_settings(temporal_address=address, temporal_namespace=namespace)
    except SettingsError as error:
        _fail(str(error))


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coroutine)
    except RPCError as error:
        _fail(f"Temporal refused: {error}", 1)


async def _connect(settings: Settings) -> Client:
    try:
        return await connect_temporal(settings)
    except (RuntimeError, RPCError) as error:
        _fail(f"cannot reach Temporal at {settings.resolved_temporal_address}: {error}", 1)


# list -------------------------------------------------------------------------------------------


@_command("list")
def list_workflows(
    kind: Annotated[Kind, typer.Option(help="Match requests, sessions, or both.")] = Kind.ALL,
    user: Annotated[str | None, typer.Option(help="A user id (the token's sub).")] = None,
    room: Annotated[str | None, typer.Option(help="A room id (room-…).")] = None,
    difficulty: Annotated[str | None, typer.Option(help="easy, medium or hard.")] = None,
    topic: Annotated[str | None, typer.Option(help="One topic, any case.")] = None,
    outcome: Annotated[
        list[str] | None,
        typer.Option(
            help="Repeatable. Requests: waiting, matched, timed_out, cancelled, disconnected; "
            "sessions: active, ended (any reason), ended:<reason>."
        ),
    ] = None,
    status: Annotated[str | None, typer.Option(help=f"One of {', '.join(STATUSES)}.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Started within (30m, 2h, 7d) or since an ISO 8601 time.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many rows.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    temporal_address: TemporalAddress = None,
    namespace: Namespace = None,
) -> None:
    """List match requests and sessions from Temporal visibility: running ones first, then the
    latest closed.

    The query is printed (to stderr) so it can be pasted into the Temporal UI's search box.
    """
    try:
        filters = Filters(
            kind=kind,
            user=user,
            room=room,
            difficulty=difficulty,
            topic=topic,
            outcomes=outcome or (),
            status=status,
            since=parse_since(since, datetime.now(UTC)) if since is not None else None,
        )
        query = build_query(filters)
    except OpsInputError as error:
        _bad(error)
    settings = _settings(temporal_address, namespace)

    async def fetch() -> list[dict[str, Any]]:
        client = await _connect(settings)
        rows = []
        async for execution in client.list_workflows(query, limit=limit):
            row = describe_row(execution)
            if as_json:
                row["memo"] = await execution.memo()
            rows.append(row)
        return rows

    typer.echo(f"query: {query}", err=True)
    rows = _run(fetch())
    if as_json:
        for row in rows:
            typer.echo(json.dumps(row, sort_keys=True))
    elif rows:
        typer.echo(table(rows))
    else:
        typer.echo("no workflows match")


# replay -----------------------------------------------------------------------------------------


@_command()
def replay(
    workflow_ids: Annotated[
        list[str] | None,
        typer.Argument(help="Workflow ids to replay (their latest run); none: recent ones."),
    ] = None,
    since: Annotated[
        str, typer.Option(help="Without ids: workflows started within this (or still running).")
    ] = "24h",
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="Without ids: at most.")] = 100,
    temporal_address: TemporalAddress = None,
    namespace: Namespace = None,
) -> None:
    """Replay workflow histories against the current code: the determinism check before a deploy.

    Without ids, every PeerPrep workflow started within --since is replayed, and every one still
    running whatever its age (those are the runs a new deploy must carry on). Exits 1 if any
    history does not replay.
    """
    query = None
    if not workflow_ids:
        try:
            start = parse_since(since, datetime.now(UTC))
        except OpsInputError as error:
            _bad(error)
        names = ", ".join(f'"{name}"' for name in workflow_types())
        query = (
            f'WorkflowType IN ({names}) AND (StartTime >= "{rfc3339(start)}" '
            'OR ExecutionStatus = "Running")'
        )
    settings = _settings(temporal_address, namespace)

    async def run() -> ReplayReport:
        client = await _connect(settings)
        missing: list[str] = []

        async def by_id() -> AsyncIterator[WorkflowHistory]:
            for workflow_id in workflow_ids or []:
                try:
                    yield await client.get_workflow_handle(workflow_id).fetch_history()
                except RPCError as error:
                    if error.status != RPCStatusCode.NOT_FOUND:
                        raise
                    missing.append(workflow_id)
                    typer.echo(f"{'NOT FOUND':<18} {workflow_id}")

        if query is None:
            histories = by_id()
        else:
            typer.echo(f"query: {query}", err=True)
            histories = client.list_workflows(query, limit=limit).map_histories()
        report = await replay_histories(histories)
        report.missing = missing
        return report

    report = _run(run())
    total = report.ok + report.failed
    unstarted = (
        f"{report.unstarted} not started by a worker yet (nothing to check)"
        if report.unstarted
        else ""
    )
    if total == 0 and not report.missing:
        typer.echo("no workflows to replay" + (f": {unstarted}" if unstarted else ""))
        return
    typer.echo(
        f"replayed {total} workflow(s): {report.ok} ok, {report.failed} failed"
        + (f", {len(report.missing)} not found" if report.missing else "")
        + (f"; {unstarted}" if unstarted else "")
    )
    if report.failed or report.missing:
        raise typer.Exit(1)


# retry ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviousRequest:
    """What a finished request run was, read back from its history."""

    request: MatchRequestInput
    criteria: Criteria
    sockets: list[str]
    cancelled_by_user: bool


async def read_request(client: Client, history: WorkflowHistory) -> PreviousRequest:
    """The run's input, its last criteria (a second join changes them) and the sockets it still
    counted as connected, by applying its signals in history order, as the workflow did."""
    converter = client.data_converter
    started = history.events[0].workflow_execution_started_event_attributes
    (request,) = await converter.decode(started.input.payloads, [MatchRequestInput])
    criteria = request.join.criteria if request.join is not None else None
    sockets = set(request.sockets)
    cancelled = False
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            signal = event.workflow_execution_signaled_event_attributes
            if signal.signal_name == "join":
                (join,) = await converter.decode(signal.input.payloads, [Join])
                criteria = join.criteria
                sockets.add(join.socket_id)
            elif signal.signal_name == "presence":
                (presence,) = await converter.decode(signal.input.payloads, [Presence])
                if presence.connected:
                    sockets.add(presence.socket_id)
                else:
                    sockets.discard(presence.socket_id)
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            accepted = event.workflow_execution_update_accepted_event_attributes
            cancelled = cancelled or accepted.accepted_request.input.name == "cancel"
    if criteria is None:
        raise ValueError("the run holds no join: there is nothing to retry")
    return PreviousRequest(request, criteria, sorted(sockets), cancelled)


def describe_start(start: RequestStart, previous: str) -> str:
    request = start.request
    assert request.join is not None, "a retry always starts with a join"
    criteria = request.join.criteria
    found = {pair.key.name: pair.value for pair in start.search_attributes}
    return "\n".join(
        [
            f"a fresh request {start.workflow_id} on task queue {start.task_queue} "
            f"(the last run ended {previous}):",
            f"  user        {request.user_id} ({request.username})",
            f"  criteria    {criteria.difficulty}: {', '.join(criteria.topics)}",
            f"  matchmaker  {request.matchmaker_id}",
            f"  timeout     {request.timeout_seconds:g} s "
            f"(disconnect grace {request.disconnect_grace_seconds:g} s)",
            f"  sockets     {len(request.sockets)} still connected when the last run ended",
            f"  search      {json.dumps(found, sort_keys=True)}",
            f"  memo        {json.dumps(start.memo, sort_keys=True)}",
        ]
    )


@_command()
def retry(
    workflow_id: Annotated[str, typer.Argument(help="The request's id: match-<userId>.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be started; change nothing.")
    ] = False,
    temporal_address: TemporalAddress = None,
    namespace: Namespace = None,
) -> None:
    """Start a match request again that timed out, failed, was terminated or was withdrawn
    without the user asking (disconnected, or cancelled because no room could be made).

    It is a fresh start, not a reset: a new run with the last run's user and criteria, on the
    current settings' task queue, matchmaker and timeouts, with a new join put in the pool,
    exactly as a join-queue starts one. A reset would carry on the old run with its
    old clock (the deadline counted from the first start has passed, so it would time out at
    once) and outside the pool (the matchmaker dropped that run when it answered it).

    The sockets the last run still counted as connected count for the new one, so a user still
    on the page is not withdrawn: they hear joined-queue, then matched or match:timeout, as after
    a join. A user who is offline is told on reconnecting (joined-queue, or matched); with no
    socket at all, the request is withdrawn after the disconnect grace unless they come back.
    Refused (exit 2) while the request runs, or when it ended matched or cancelled by the user.
    """
    prefix = ids.match_request_id("")
    if not workflow_id.startswith(prefix) or workflow_id == prefix:
        _fail(f"only match requests can be retried: expected {prefix}<userId>, got {workflow_id!r}")
    settings = _settings(temporal_address, namespace)

    async def run() -> None:
        client = await _connect(settings)
        try:
            described = await client.get_workflow_handle(workflow_id).describe()
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            _fail(f"there is no workflow {workflow_id}")
        if described.workflow_type != MATCH_REQUEST_WORKFLOW:
            _fail(f"{workflow_id} is a {described.workflow_type}, not a match request")
        outcome = described.typed_search_attributes.get(attrs.OUTCOME)
        status = described.status
        if status == WorkflowExecutionStatus.RUNNING:
            _fail(f"{workflow_id} is still running ({outcome or 'waiting'}): nothing to retry")
        history = await client.get_workflow_handle(
            workflow_id, run_id=described.run_id
        ).fetch_history()
        previous = await read_request(client, history)
        ended = outcome if status == WorkflowExecutionStatus.COMPLETED else None
        if ended == Outcome.MATCHED:
            _fail(f"{workflow_id} ended matched: nothing to retry")
        if ended == Outcome.CANCELLED and previous.cancelled_by_user:
            _fail(f"{workflow_id} was cancelled by the user; they can join the queue again")
        orchestrator = Orchestrator(
            client, settings.task_queue, MatchingConfig.from_settings(settings)
        )
        user_id, username = previous.request.user_id, previous.request.username
        join = Join(join_id=uuid.uuid4().hex, criteria=previous.criteria, socket_id="")
        start = orchestrator.request_start(
            user_id, username, join, sockets=previous.sockets, memo={"retry_of": described.run_id}
        )
        last = ended or (status.name.lower() if status else "unknown")
        if dry_run:
            typer.echo("would start " + describe_start(start, last))
            typer.echo("dry run: nothing was started")
            return
        try:
            handle = await orchestrator.start_request(start, or_join=False)
        except WorkflowAlreadyStartedError:
            _fail(f"{workflow_id} was started again meanwhile (the user joined): nothing to retry")
        await orchestrator.enqueue(Enqueue(user_id, username, previous.criteria, join.join_id))
        typer.echo("started " + describe_start(start, last))
        typer.echo(f"new run: {handle.result_run_id}")

    _run(run())
