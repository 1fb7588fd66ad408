"""Classroom rooms: a teacher's session followed live by a room of students, who join with a short code."""
