"""Expression text → the computation graph's nodes, through Python's own parser restricted to a few nodes.

`ast.parse(text, mode="eval")` builds the syntax tree; only numbers, names, + − × ÷ **, unary minus and
calls of the functions in ops.FUNCTIONS are turned into nodes, anything else is an ExpressionError at its
0-based character position. Nothing is ever evaluated by Python (no eval, no compile-exec). Bounded before
and during the conversion: characters, parenthesis nesting, nodes, depth and distinct variables
(app/config.py ViewLimits, "computation graphs").
"""

from __future__ import annotations

import ast
from collections.abc import Collection
from dataclasses import dataclass

from app.config import VIEWS
from app.engine.graph.ops import FUNCTIONS, OPS

# Characters written for the operators in lecture notation, each replaced by one ASCII character (so every
# position stays the same).
_ALIASES = {"×": "*", "·": "*", "⋅": "*", "∗": "*", "÷": "/", "−": "-", "–": "-"}
_PUNCTUATION = set("+-*/()., ")
_REFUSED = {
    "^": "use ** for powers",
    "[": "subscripts are not allowed",
    "]": "subscripts are not allowed",
    ":": "lambdas and slices are not allowed",
    "=": "assignments and comparisons are not allowed",
    "<": "comparisons are not allowed",
    ">": "comparisons are not allowed",
    "!": "comparisons are not allowed",
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    **{ch: "not an allowed operator (+ − * / ** only)" for ch in "%&|~@"},
}
_KINDS = {
    ast.Attribute: "attribute access is",
    ast.Subscript: "subscripts are",
    ast.Lambda: "lambdas are",
    ast.Compare: "comparisons are",
    ast.BoolOp: "and / or are",
    ast.IfExp: "conditional expressions are",
    ast.Tuple: "tuples are",
    ast.List: "lists are",
    ast.Starred: "starred arguments are",
    ast.NamedExpr: "assignments are",
}
_BINARY = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}


class ExpressionError(ValueError):
    """An expression that is not allowed: `message` says why, `position` where (0-based character offset)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Node:
    """One node of the graph: op ("var", "const" or an ops.OPS name), its inputs (indices of earlier nodes),
    the variable's name or the number, and the characters [start, end) of the text it was written with
    (a variable's first use)."""

    op: str
    inputs: tuple[int, ...] = ()
    name: str = ""
    number: float = 0.0
    start: int = 0
    end: int = 0


def normalise(text: str) -> str:
    """The text with lecture operators (× ÷ −) in ASCII and every whitespace character a space."""
    return "".join(" " if ch.isspace() else _ALIASES.get(ch, ch) for ch in text)


def _scan(text: str) -> None:
    """Refuse characters that can be no part of an expression, and parentheses nested too deep."""
    depth = 0
    for index, ch in enumerate(text):
        if ch in _REFUSED:
            raise ExpressionError(f"'{ch}': {_REFUSED[ch]}", index)
        if not (ch.isalnum() or ch == "_" or ch in _PUNCTUATION):
            raise ExpressionError(f"unexpected character {ch!r}", index)
        depth += (ch == "(") - (ch == ")")
        if depth > VIEWS.graph_max_depth:
            raise ExpressionError(f"parentheses nested deeper than {VIEWS.graph_max_depth}", index)


class _Builder:
    def __init__(self, text: str, allowed: Collection[str] | None) -> None:
        self.text = text
        self.allowed = None if allowed is None else set(allowed)
        self.nodes: list[Node] = []
        self.variables: dict[str, int] = {}
        self.count = 0
        self.shared: dict[tuple[str, tuple[object, ...]], int] = {}
        self.char_of = _byte_to_char(text)

    def span(self, node: ast.expr) -> tuple[int, int]:
        end = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return self.char_of[node.col_offset], self.char_of[end]

    def add(self, node: Node) -> int:
        self.nodes.append(node)
        return len(self.nodes) - 1

    def operation(self, node: Node, mark: int) -> int:
        """Add an operation node, or reuse the node of the same operation on the same inputs written
        earlier: a subexpression written twice is one node whose uses sum their gradients. The numbers
        its second writing added (nodes from `mark` on: nothing else in it is new) go again."""
        key = (node.op, tuple(self._canonical(i) for i in node.inputs))
        if key in self.shared:
            del self.nodes[mark:]
            return self.shared[key]
        self.shared[key] = self.add(node)
        return self.shared[key]

    def _canonical(self, index: int) -> object:
        node = self.nodes[index]
        return ("number", node.number) if node.op == "const" else index

    def build(self, node: ast.expr, depth: int) -> int:
        start, end = self.span(node)
        mark = len(self.nodes)
        self.count += 1
        if self.count > VIEWS.graph_max_nodes:
            raise ExpressionError(f"more than {VIEWS.graph_max_nodes} operations, numbers and names", start)
        if depth > VIEWS.graph_max_depth:
            raise ExpressionError(f"operations nested deeper than {VIEWS.graph_max_depth}", start)
        if isinstance(node, ast.Constant):
            return self.add(Node("const", number=_number(node.value, start), start=start, end=end))
        if isinstance(node, ast.Name):
            return self.variable(node.id, start, end)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left = self.build(node.left, depth + 1)
            right = self.build(node.right, depth + 1)
            return self.operation(Node(_BINARY[type(node.op)], (left, right), start=start, end=end), mark)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
            operand = self.build(node.operand, depth + 1)
            if isinstance(node.op, ast.UAdd):
                return operand
            inner = self.nodes[operand]
            if inner.op == "const" and operand == len(self.nodes) - 1:  # −2 is the number −2, not −(2)
                self.nodes[operand] = Node("const", number=-inner.number, start=start, end=end)
                return operand
            return self.operation(Node("neg", (operand,), start=start, end=end), mark)
        if isinstance(node, ast.Call):
            return self.call(node, depth, start, end, mark)
        raise ExpressionError(
            f"{_describe(node)} not allowed in an expression", _operator_position(self, node)
        )

    def variable(self, name: str, start: int, end: int) -> int:
        if name in FUNCTIONS:
            raise ExpressionError(f"{name} is a function: write {name}(…)", start)
        if self.allowed is not None and name not in self.allowed:
            known = ", ".join(sorted(self.allowed)) or "none"
            raise ExpressionError(f"unknown variable '{name}' (the variables are: {known})", start)
        if name not in self.variables:
            if len(self.variables) >= VIEWS.graph_max_variables:
                raise ExpressionError(f"more than {VIEWS.graph_max_variables} variables", start)
            self.variables[name] = self.add(Node("var", name=name, start=start, end=end))
        return self.variables[name]

    def call(self, node: ast.Call, depth: int, start: int, end: int, mark: int) -> int:
        names = ", ".join(sorted({*FUNCTIONS} - {"sigma", "σ"}))
        if isinstance(node.func, ast.Attribute):
            raise ExpressionError(
                "attribute access is not allowed in an expression", self.span(node.func.value)[1]
            )
        if not isinstance(node.func, ast.Name):
            raise ExpressionError(f"only the functions {names} may be called", start)
        if node.func.id not in FUNCTIONS:
            raise ExpressionError(f"unknown function '{node.func.id}' (the functions are: {names})", start)
        op = OPS[FUNCTIONS[node.func.id]]
        if node.keywords:
            keyword = node.keywords[0]
            raise ExpressionError(f"{node.func.id}() takes no keyword arguments", self.span(keyword.value)[0])
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise ExpressionError("starred arguments are not allowed", self.span(argument)[0])
        if len(node.args) != op.arity:
            plural = "s" if op.arity > 1 else ""
            given = len(node.args)
            raise ExpressionError(f"{node.func.id}() takes {op.arity} argument{plural}, not {given}", start)
        inputs = tuple(self.build(argument, depth + 1) for argument in node.args)
        return self.operation(Node(op.name, inputs, start=start, end=end), mark)


def _byte_to_char(text: str) -> list[int]:
    """Index i: the character at UTF-8 byte offset i (the offsets Python's syntax tree gives)."""
    table: list[int] = []
    for index, ch in enumerate(text):
        table.extend([index] * len(ch.encode("utf-8")))
    table.append(len(text))
    return table


def _number(value: object, position: int) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ExpressionError(f"{value!r} is not a real number", position)
    try:
        number = float(value)
    except OverflowError:
        raise ExpressionError("number too large", position) from None
    if number != number or abs(number) == float("inf"):
        raise ExpressionError("number too large", position)
    return number


def _describe(node: ast.expr) -> str:
    for kind, words in _KINDS.items():
        if isinstance(node, kind):
            return words
    if isinstance(node, ast.BinOp):
        return "this operator (+ − * / ** only) is"
    if isinstance(node, ast.UnaryOp):
        return "'not' and '~' are"
    return f"{type(node).__name__} is"


def _operator_position(builder: _Builder, node: ast.expr) -> int:
    """Where to point at a refused node: an attribute's dot, a binary operator's first character, else its
    start."""
    if isinstance(node, ast.Attribute):
        return builder.span(node.value)[1]
    if isinstance(node, ast.BinOp):
        after = builder.span(node.left)[1]
        gap = builder.text[after:]
        return after + (len(gap) - len(gap.lstrip(" )")))
    return builder.span(node)[0]


def parse_nodes(text: str, allowed: Collection[str] | None = None) -> tuple[list[Node], dict[str, int]]:
    """The graph's nodes in topological order (the output last) and each variable's node, by first use."""
    if len(text) > VIEWS.graph_max_chars:
        raise ExpressionError(f"longer than {VIEWS.graph_max_chars} characters", VIEWS.graph_max_chars)
    source = normalise(text)
    if not source.strip():
        raise ExpressionError("the expression is empty", 0)
    _scan(source)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        position = (exc.offset or 0) - 1 if exc.offset else len(source)
        reason = "unexpected end" if position >= len(source.rstrip()) else (exc.msg or "invalid syntax")
        raise ExpressionError(reason, min(max(position, 0), len(source))) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the expression is too complex", 0) from None
    builder = _Builder(source, allowed)
    try:
        builder.build(tree.body, 1)
    except RecursionError:
        raise ExpressionError("the expression is too complex", 0) from None
    return builder.nodes, builder.variables
