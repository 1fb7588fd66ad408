"""The server's rooms by code and by session, the codes in quarantine, and their file across restarts.

A room's code resolves until the room closes; then it is kept in quarantine for room_code_quarantine_seconds
(a lookup says the room was closed, and no new room gets it). Rooms are written beside the sessions' state
file on shutdown (`<state file>.rooms.json`: codes, session ids, token hashes, locks, members and forks; no
token itself) and read back on start, each checked against the sessions that came back.
"""

from __future__ import annotations

import json
import logging
import os
import time
import unicodedata
from pathlib import Path
from typing import Any

from app.config import Settings
from app.rooms import codes
from app.rooms.room import Member, Room

log = logging.getLogger("backprop.rooms")
FILE_FORMAT = 1


class UnknownRoom(KeyError):
    """No open room has this code; `closed` when it was a room's that has closed."""

    def __init__(self, code: str, closed: bool = False) -> None:
        super().__init__(code)
        self.code = code
        self.closed = closed

    def __str__(self) -> str:
        if self.closed:
            return f"room {self.code} has closed: ask your teacher for the new code"
        return f"no room has the code {self.code}: check the code your teacher shows"


class RoomTaken(ValueError):
    """The session already has a room."""


class RoomLimit(RuntimeError):
    """The server holds max_rooms rooms."""


def clean_name(text: str | None, settings: Settings) -> str | None:
    """A display name as kept: normalised (NFC), control and format characters dropped, whitespace
    collapsed, at most max_display_name_chars characters; None when nothing is left."""
    if text is None:
        return None
    kept = "".join(ch for ch in unicodedata.normalize("NFC", text) if unicodedata.category(ch)[0] != "C")
    name = " ".join(kept.split())[: settings.max_display_name_chars].strip()
    return name or None


def rooms_path(state_file: str) -> Path | None:
    """Where rooms are kept across restarts (beside the sessions' state file), or None."""
    return Path(f"{state_file}.rooms.json") if state_file else None


class Rooms:
    """Every open room, by code and by session id."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._rooms: dict[str, Room] = {}
        self._by_session: dict[str, Room] = {}
        self._closed: dict[str, float] = {}  # code -> when it closed (wall clock)

    def __len__(self) -> int:
        return len(self._rooms)

    def __iter__(self) -> Any:
        return iter(list(self._rooms.values()))

    def _purge(self) -> None:
        cutoff = time.time() - self.settings.room_code_quarantine_seconds
        for code in [c for c, at in self._closed.items() if at < cutoff]:
            del self._closed[code]

    def create(self, session_id: str) -> tuple[Room, str]:
        """A new room around the session and its teacher token; RoomTaken, RoomLimit."""
        if session_id in self._by_session:
            raise RoomTaken(f"session {session_id} already has room {self._by_session[session_id].code}")
        if len(self._rooms) >= self.settings.max_rooms:
            raise RoomLimit(f"the server holds its maximum of {self.settings.max_rooms} rooms")
        self._purge()
        code = codes.new_code(self.settings, {**self._rooms, **self._closed})
        token = codes.new_token()
        room = Room(code, session_id, codes.token_hash(token))
        self._add(room)
        return room, token

    def _add(self, room: Room) -> None:
        self._rooms[room.code] = room
        self._by_session[room.session_id] = room

    def get(self, code: str) -> Room:
        """The open room with this (normalised) code; UnknownRoom otherwise."""
        room = self._rooms.get(code)
        if room is None:
            self._purge()
            raise UnknownRoom(code, closed=code in self._closed)
        return room

    def by_session(self, session_id: str) -> Room | None:
        """The room whose session this is, or None."""
        return self._by_session.get(session_id)

    def forget_fork(self, session_id: str) -> None:
        """A session went (deleted or evicted): it is no longer any room's fork."""
        for room in self._rooms.values():
            room.forks.pop(session_id, None)

    def close(self, room: Room) -> None:
        """Close the room: its code goes into quarantine; its forks are ordinary sessions from now on."""
        self._rooms.pop(room.code, None)
        self._by_session.pop(room.session_id, None)
        self._closed[room.code] = time.time()
        room.forks.clear()

    # persistence

    def save(self, path: Path) -> int:
        """Write every open room and the quarantined codes to `path` (atomically); how many rooms."""
        data = {
            "format": FILE_FORMAT,
            "rooms": [
                {
                    "code": r.code,
                    "session": r.session_id,
                    "token_hash": r.token_hash,
                    "created": r.created,
                    "locked": r.locked,
                    "anonymous": r.anonymous,
                    "members": [{"id": m.id, "name": m.name} for m in r.members.values()],
                    "forks": r.forks,
                }
                for r in self._rooms.values()
            ],
            "closed": self._closed,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, path)
        return len(self._rooms)

    def load(self, path: Path, sessions: set[str]) -> int:
        """Read rooms back from `path`, keeping those whose session came back (forks: those that did);
        how many rooms. An unreadable file is logged and left."""
        if not path.exists():
            return 0
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FILE_FORMAT:
                raise ValueError(f"format {data.get('format')!r}, expected {FILE_FORMAT}")
            self._closed = {str(c): float(t) for c, t in data.get("closed", {}).items()}
            for entry in data["rooms"]:
                self._load_room(entry, sessions)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.error("rooms file %s cannot be read (%s); no room was restored", path, exc)
            return 0
        self._purge()
        return len(self._rooms)

    def _load_room(self, entry: dict[str, Any], sessions: set[str]) -> None:
        code = codes.normalize(str(entry["code"]), self.settings)
        session_id = str(entry["session"])
        if session_id not in sessions or session_id in self._by_session:
            log.warning("room %s not restored: its session did not come back", code)
            return
        token_hash = str(entry["token_hash"])
        if len(token_hash) != 64:
            raise ValueError(f"room {code}: token_hash is not a SHA-256")
        room = Room(code, session_id, token_hash, float(entry["created"]), bool(entry["locked"]))
        room.anonymous = int(entry.get("anonymous", 0))
        for m in entry.get("members", []):
            name = clean_name(str(m["name"]), self.settings) or "Student"
            room.members[str(m["id"])] = Member(str(m["id"]), name)
        room.forks = {
            str(f): str(member) for f, member in entry.get("forks", {}).items() if str(f) in sessions
        }
        self._add(room)
