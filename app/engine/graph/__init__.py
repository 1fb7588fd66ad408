"""Computation graphs (lectures 000 and 003): an expression parsed into nodes, stepped forward and backward.

    parse_expression(text, variables=None) -> Expression        # ExpressionError(message, position)
    Expression.variables                                        # names, by first use
    Expression.evaluate(values) -> NDArray                      # broadcasting; nan/inf where not finite
    Expression.gradient(values) -> (value, {name: ∂f/∂name})    # reverse mode, broadcasting
    Expression.polynomial_degree() -> int | None

Pure NumPy and the standard library. The parser (parser.py) uses Python's syntax tree restricted to numbers,
names, + − × ÷ **, unary minus and the functions exp, log, tanh, sigmoid (σ, sigma), relu and max; nothing is
ever evaluated by Python. Each operation's forward and local derivative are side by side in ops.py, with
the kink conventions (relu'(0) = 0; max routes to its first argument on a tie). A subexpression written twice
is one node (its gradient sums its uses). trace() gives one point's nodes and edges for the view.
"""

from app.engine.graph.examples import EXAMPLES, Example
from app.engine.graph.expression import Expression, parse_expression
from app.engine.graph.parser import ExpressionError
from app.engine.graph.trace import DomainError, trace

__all__ = ["EXAMPLES", "DomainError", "Example", "Expression", "ExpressionError", "parse_expression", "trace"]
