"""Ask the class over the sockets (app/rooms/questions.py holds the question itself).

The teacher's tab sends `ask` (every socket of the session, followers included, gets the `question`),
`reveal` (every socket gets `revealed`, once the run has computed the value) and `dismiss`
(`question_closed`); a follower sends `answer`. Only the teacher's sockets get `answers` (how many answered,
the histogram), at most once per answers_interval_seconds however fast answers come.

Error codes: no_room (not a room's session), read_only (ask / reveal / dismiss from anyone but the teacher's
tab), not_a_follower (an answer from a socket that does not follow the room), no_question (nothing asked, or
an answer to an older question), not_computed (a reveal before the run computed the value), invalid.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from app.rooms.questions import BadQuestion, Question, ask
from app.rooms.room import Follower, Room
from app.schemas.rooms import AnswerMessage, AskMessage, DismissMessage, RevealMessage
from app.sessions.publisher import Publisher
from app.sessions.session import Session, SessionStore
from app.wire.codec import dumps

QUESTION_MESSAGES = (AskMessage, AnswerMessage, RevealMessage, DismissMessage)
QuestionMessage = AskMessage | AnswerMessage | RevealMessage | DismissMessage


def _error(code: str, field: str | None, message: str) -> dict[str, Any]:
    return {"type": "error", "code": code, "field": field, "message": message}


def teacher_sockets(session: Session) -> list[Any]:
    """The session's sockets that proved they hold the room's teacher token."""
    return [outlet for outlet in session.connections if getattr(outlet, "teacher", False)]


class Asking:
    """The rooms' questions as the hub runs them: messages in, `answers` summaries out (coalesced)."""

    def __init__(self, publisher: Publisher, store: SessionStore) -> None:
        self.publisher = publisher
        self.store = store
        self.settings = publisher.settings
        self._due: set[Room] = set()  # rooms whose teacher summary is scheduled

    def handle(
        self,
        session: Session,
        room: Room | None,
        message: QuestionMessage,
        sender: object | None,
        follower: bool,
    ) -> list[dict[str, Any]]:
        """Run one question message from `sender`; the replies for the sender alone."""
        if room is None:
            return [_error("no_room", "type", f"{message.type}: this session has no classroom room")]
        if isinstance(message, AnswerMessage):
            member = room.fanout.followers.get(cast(Follower, sender)) if follower else None
            if member is None:
                return [_error("not_a_follower", "type", "answer: only a student following the room answers")]
            return self._answer(room, member, message)
        if follower or not getattr(sender, "teacher", False):
            return [_error("read_only", None, f"{message.type}: only the teacher's tab asks the class")]
        if isinstance(message, AskMessage):
            return self._ask(session, room, message)
        question = room.question
        if question is None:
            return [_error("no_question", None, f"{message.type}: no question is being asked")]
        if isinstance(message, DismissMessage):
            room.question = None
            self.publisher.publish_text(session, {"type": "question_closed", "question": question.id})
            return []
        if question.value is None:
            return [
                _error(
                    "not_computed",
                    None,
                    f"reveal: {question.label} is not computed yet: step to its {question.phase} phase first",
                )
            ]
        self.publisher.publish_text(session, self.revealed(question))
        return []

    def _ask(self, session: Session, room: Room, message: AskMessage) -> list[dict[str, Any]]:
        """A new question (replacing one asked before): every socket of the session is told."""
        sizes = session.lab.network.sizes
        try:
            question = ask(
                message.quantity, message.layer, message.unit, sizes, session.step, session.iteration_records
            )
        except BadQuestion as exc:
            return [_error("invalid", exc.field, exc.message)]
        room.question = question
        self.publisher.publish_text(session, question.message())
        self._schedule(session, room)
        return []

    def _answer(self, room: Room, member: str, message: AnswerMessage) -> list[dict[str, Any]]:
        """Keep a follower's answer (their newest counts) and tell the teacher soon."""
        question = room.question
        if question is None or question.id != message.question:
            return [_error("no_question", "question", "answer: that question is no longer being asked")]
        if question.revealed:
            return [_error("no_question", "question", "answer: the answer has been revealed already")]
        question.answers[member] = float(message.value)
        if room.session_id in self.store:
            self._schedule(self.store.get(room.session_id), room)
        return [{"type": "answered", "question": question.id, "value": float(message.value)}]

    def revealed(self, question: Question) -> dict[str, Any]:
        """The `revealed` message of a question whose value is known."""
        return question.reveal(self.settings.answer_tolerance, self.settings.answer_histogram_bins)

    def summary(self, room: Room) -> dict[str, Any] | None:
        """The teacher's `answers` message for the room's question, if one is asked."""
        if room.question is None:
            return None
        return room.question.summary(room.followers, self.settings.answer_histogram_bins)

    def joined(self, room: Room, member: str | None, teacher: bool) -> list[dict[str, Any]]:
        """What a socket that joins (a follower) or authenticates (the teacher's tab) is told of the
        question now: the question (with the member's own answer), the summary (teacher), the reveal."""
        question = room.question
        if question is None:
            return []
        messages = [question.message(member)]
        summary = self.summary(room) if teacher else None
        if summary is not None:
            messages.append(summary)
        if question.revealed:
            messages.append(self.revealed(question))
        return messages

    def captured(self, session: Session, room: Room, records: list[dict[str, Any]]) -> None:
        """Take the question's value from freshly computed records (the teacher is told it can reveal)."""
        if room.question is not None and room.question.capture(records):
            self._schedule(session, room)

    def _schedule(self, session: Session, room: Room) -> None:
        """Send the teacher's summary within answers_interval_seconds (once, however many answers come)."""
        if room in self._due:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._flush(session, room)
            return
        self._due.add(room)
        loop.call_later(self.settings.answers_interval_seconds, self._flush, session, room)

    def _flush(self, session: Session, room: Room) -> None:
        self._due.discard(room)
        summary = self.summary(room)
        if summary is None:
            return
        text = dumps(summary)
        for socket in teacher_sockets(session):
            socket.send_text(text)
