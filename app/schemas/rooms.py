"""Classroom rooms' bodies, answers and socket messages (docs/protocol.md, "Rooms")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from app.schemas.config import Row, Value
from app.schemas.types import Integer, Outgoing, Strict

SessionId = Annotated[str, Field(min_length=1, max_length=64)]
DisplayName = Annotated[str, Field(max_length=200)]  # cut to max_display_name_chars once cleaned
MemberId = Annotated[str, Field(min_length=1, max_length=32)]
Small = Annotated[Integer, Field(ge=0, le=10_000)]


class RoomCreate(Strict):
    """Open a room around a session: the teacher's."""

    session: SessionId


class RoomPatch(Strict):
    """Lock or unlock forking ("eyes on me")."""

    locked: bool


class ForkRequest(Strict):
    """Explore on my own: a private session from the room's current state."""

    name: DisplayName | None = None
    member: MemberId | None = None


class RoomCreated(Outgoing):
    """A new room: its code, the teacher's token (kept in the teacher's tab only), the join URL and its QR
    code's address."""

    code: str
    teacher_token: str
    join_url: str
    qr_url: str
    session: str


class RoomInfo(Outgoing):
    """A room as anyone with its code sees it."""

    code: str
    session_step: int
    followers: int
    forks: int
    locked: bool


class RosterMember(Outgoing):
    """One student: their display name and whether they follow, explore their fork, or are away."""

    name: str
    status: Literal["following", "exploring", "away"]


class Roster(Outgoing):
    """Who is in the room (the teacher's view), and how its frames went out."""

    code: str
    followers: int
    explorers: int
    forks: int
    locked: bool
    members: list[RosterMember]
    frames_encoded: int
    frames_delivered: int


class AuthMessage(Strict):
    """The teacher's tab proves it holds the room's teacher token (every control message of a room's
    session needs it)."""

    type: Literal["auth"]
    token: Annotated[str, Field(min_length=1, max_length=100)]


class Selection(Strict):
    """What the teacher's formula panel shows: a neuron, a weight W^l[row][col] or a bias b^l[row]."""

    kind: Literal["neuron", "weight", "bias"]
    layer: Annotated[Integer, Field(ge=1, le=64)]
    row: Small
    col: Small | None = None


class ViewMessage(Strict):
    """The teacher's page view, mirrored on every follower's page."""

    type: Literal["view"]
    selection: Selection | None = None
    notation: Literal["rows", "columns"] = "rows"
    show_test: bool = False
    hide_answers: bool = False  # the teacher hides the numbers not stepped yet: so does every follower
    # the page's view the teacher has open (static/js/controls/view-tabs.js): followers open it too
    tab: Literal["lab", "graph", "descent", "surface", "activations", "diagnostics", "restarts"] = "lab"


class AskMessage(Strict):
    """The teacher asks the class to predict a value the run will compute next: z, a or δ of neuron `unit`
    (from 0) of `layer`, an output ŷ (`unit`), or the loss ℓ, all of the traced example."""

    type: Literal["ask"]
    quantity: Literal["z", "a", "delta", "output", "loss"]
    layer: Annotated[Integer, Field(ge=1, le=64)] | None = None
    unit: Row | None = None


class AnswerMessage(Strict):
    """A follower's prediction for the question `question` (a new one replaces their earlier answer)."""

    type: Literal["answer"]
    question: Annotated[str, Field(min_length=1, max_length=32)]
    value: Value


class RevealMessage(Strict):
    """The teacher shows the class the true value (once the run has computed it)."""

    type: Literal["reveal"]


class DismissMessage(Strict):
    """The teacher ends the question."""

    type: Literal["dismiss"]


class QuestionOut(Outgoing):
    """`question`: what the class is asked to predict; the phase that computes it; at which step."""

    type: Literal["question"]
    id: str
    quantity: Literal["z", "a", "delta", "output", "loss"]
    layer: int | None
    unit: int | None
    phase: Literal["forward", "loss", "backward"]
    label: str
    step: int
    your_answer: float | None = None


class Spread(Outgoing):
    """A histogram of the answers (`edges` has one more entry than `counts`), their mean and median."""

    edges: list[float]
    counts: list[int]
    mean: float | None
    median: float | None


class AnswersOut(Spread):
    """`answers` (the teacher's sockets only): how many of the followers answered, whether the value is
    computed yet (then it can be revealed)."""

    type: Literal["answers"]
    question: str
    count: int
    followers: int
    computed: bool


class RevealedOut(Spread):
    """`revealed`: the true value; how many answers were within `tolerance` of it."""

    type: Literal["revealed"]
    question: str
    label: str
    value: float
    count: int
    close: int
    tolerance: float
