"""Chapter 01 exercises: the book's gates (本書 §2.3, §2.5) and its forward pass (§3.4.3).

The gate checks call the reader's ``AND(x1, x2)`` (and NAND, OR, XOR) on the four inputs,
as the book does, and compare with the truth table (真理値表); a wrong table is named by
the gate it is. ``check_forward`` runs the reader's ``forward(network, x)`` on the book's
network and input, on a batch, and on a seeded network of other sizes, and names the
usual slips (a missing activation, a missing bias, softmax or sigmoid at the output).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnlib.engines.exercise import Session, Wrong, exercise, fmt
from nnlib.engines.references import identity_function, relu, sigmoid, softmax, step_function
from nnlib.i18n import _

from .perceptron import _GATE_NAMES, INPUTS, forward, init_network

__all__ = ["check_and_gate", "check_nand_gate", "check_or_gate", "check_xor_gate",
           "check_forward"]

_TABLES = {"AND": (0, 0, 0, 1), "NAND": (1, 1, 1, 0), "OR": (0, 1, 1, 1), "XOR": (0, 1, 1, 0)}


def _gate_name(table: tuple[int, ...]) -> str | None:
    """The gate a truth table is, in the reader's language (logic names stay as they are)."""
    name = _GATE_NAMES.get(table)
    if name is None:
        return None
    return {"always 0": _("always 0"), "always 1": _("always 1"),
            "x1 (copies x1)": _("x1 (copies x1)"),
            "x2 (copies x2)": _("x2 (copies x2)")}.get(name, name)


def _book(name: str) -> str:
    """The book's weights for the gate ``name``, in words."""
    return {
        "AND": _("the book's AND: w = np.array([0.5, 0.5]), b = -0.7"),
        "NAND": _("the book's NAND: w = np.array([-0.5, -0.5]), b = 0.7"),
        "OR": _("the book's OR: w = np.array([0.5, 0.5]), b = -0.2"),
        "XOR": _("the book's XOR: s1 = NAND(x1, x2), s2 = OR(x1, x2), y = AND(s1, s2)"),
    }[name]


def _run_gate(session: Session, attempt: Callable, name: str) -> None:
    """Call ``attempt(x1, x2)`` on (0,0), (1,0), (0,1), (1,1); the outputs must be the table."""
    outputs: list[int] = []
    for x1, x2 in INPUTS.astype(int).tolist():
        shows = _("for (x1, x2) = ({x1}, {x2})").format(x1=x1, x2=x2)
        result = session.call(attempt, x1, x2, shows=shows, names=("x1", "x2"))
        value = session._as_numbers(result, shows, _("the output"), array=False)
        if value.size != 1:
            raise Wrong(_("the output {shows} is {value}, expected one number, 0 or 1: sum the "
                          "weighted inputs, np.sum(w * x) + b, before comparing with 0").format(
                          shows=shows, value=fmt(value)))
        number = float(value.reshape(()))
        if number not in (0.0, 1.0):
            raise Wrong(_("the output {shows} is {number}: that looks like the weighted sum "
                          "itself; a perceptron outputs 1 when the sum is > 0 and 0 otherwise "
                          "(if tmp <= 0: return 0, else return 1)").format(
                          shows=shows, number=fmt(number)))
        outputs.append(int(number))
    wanted = _TABLES[name]
    table = tuple(outputs)
    if table == wanted:
        session.cases += 4
        return
    other = _gate_name(table)
    seen = (_("for (0,0), (1,0), (0,1), (1,1) your {name} gives {table}, expected {wanted}").format(
              name=name, table=list(table), wanted=list(wanted)))
    if name == "XOR" and other is not None:
        raise Wrong(_("{seen}: that is {other}. XOR is 1 for exactly one input: feed NAND and "
                      "OR into AND ({BOOK})").format(
                      seen=seen, other=other, BOOK=_book('XOR')))
    if table == tuple(1 - v for v in wanted):
        raise Wrong(_("{seen}: every output is flipped ({other}); flip the signs of the "
                      "weights and the bias, or compare the other way round ({BOOK})").format(
                      seen=seen, other=other, BOOK=_book(name)))
    if other is not None:
        raise Wrong(_("{seen}: that is {other}, not {name}; move the bias ({BOOK})").format(
                      seen=seen, other=other, name=name, BOOK=_book(name)))
    raise Wrong(_("{seen}; {BOOK}").format(seen=seen, BOOK=_book(name)))


def _gate_check(name: str, doc: str):
    def diagnosis(session: Session, attempt: Callable) -> None:
        _run_gate(session, attempt, name)

    diagnosis.__name__ = f"check_{name.lower()}_gate"
    diagnosis.__doc__ = doc
    return exercise(lambda: _("{name} gate").format(name=name))(diagnosis)


check_and_gate = _gate_check("AND", "Check ``AND(x1, x2)``: 1 only for (1, 1).")
check_nand_gate = _gate_check("NAND", "Check ``NAND(x1, x2)``: 0 only for (1, 1).")
check_or_gate = _gate_check("OR", "Check ``OR(x1, x2)``: 1 as soon as one input is 1.")
check_xor_gate = _gate_check("XOR", "Check ``XOR(x1, x2)``: 1 for exactly one input.")


# --- §3.4.3: the forward pass of the 3-layer network --------------------------------------

def _seeded_network() -> dict[str, np.ndarray]:
    """A network of other sizes (4 -> 5 -> 3 -> 2, W3 not square), so shapes must chain."""
    rng = np.random.default_rng(4)
    sizes = [4, 5, 3, 2]
    network = {}
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:], strict=False), start=1):
        network[f"W{i}"] = rng.normal(size=(n_in, n_out)).round(2)
        network[f"b{i}"] = rng.normal(size=n_out).round(2)
    return network


def _variant(network: dict, x: np.ndarray, *, hidden: Callable = sigmoid,
             output: Callable = identity_function, skip_bias: str = "",
             transpose: str = "", sigmoid_2: bool = True) -> np.ndarray:
    """The forward pass with one slip, for naming the reader's mistake."""
    def layer(i: int, z: np.ndarray) -> np.ndarray:
        W = network[f"W{i}"].T if transpose == f"W{i}" else network[f"W{i}"]
        b = 0 if skip_bias == f"b{i}" else network[f"b{i}"]
        return np.dot(z, W) + b

    z1 = hidden(layer(1, x))
    a2 = layer(2, z1)
    z2 = hidden(a2) if sigmoid_2 else a2
    return output(layer(3, z2))


def _slips(network: dict, x: np.ndarray) -> list[tuple[np.ndarray, str]]:
    with np.errstate(all="ignore"):
        return [
            (_variant(network, x, output=sigmoid), _("the output layer applies sigmoid; in the "
                                                     "book's §3.4.3 it is the identity "
                                                     "function: y = identity_function(a3), "
                                                     "i.e. a3")),
            (_variant(network, x, output=softmax), _("the output layer applies softmax; the "
                                                     "book's §3.4.3 network uses the identity "
                                                     "function there (softmax comes in §3.5)")),
            (_variant(network, x, sigmoid_2=False), _("layer 2 skips its activation: z2 = "
                                                      "sigmoid(a2)")),
            (_variant(network, x, hidden=relu), _("the hidden layers use ReLU; the book's "
                                                  "§3.4.3 network uses sigmoid")),
            (_variant(network, x, hidden=step_function), _("the hidden layers use the step "
                                                           "function; the book's §3.4.3 "
                                                           "network uses sigmoid")),
            *[(_variant(network, x, skip_bias=f"b{i}"), _("b{i} was not added: a{i} = "
                                                          "np.dot(..., W{i}) + b{i}").format(
                                                          i=i)) for i in (1, 2, 3)],
            *[(_variant(network, x, transpose=f"W{i}"), _("W{i} was transposed: np.dot(z, "
                                                          "W{i}), whose rows meet the previous "
                                                          "layer's outputs").format(
                                                          i=i))
              for i in (1, 2, 3) if network[f"W{i}"].shape[0] == network[f"W{i}"].shape[1]],
        ]


def _shape_error(error: BaseException) -> str | None:
    text = str(error)
    if "not aligned" in text or "matmul" in text or "mismatch" in text:
        return (_("the shapes do not chain: write np.dot(x, W1) (x first), then np.dot(z1, W2) "
                  "and np.dot(z2, W3); the last axis of the left operand must equal the rows "
                  "of the right one"))
    if isinstance(error, KeyError):
        return _("the network dict's keys are 'W1', 'b1', 'W2', 'b2', 'W3', 'b3'")
    return None


@exercise(lambda: _("forward pass"))
def check_forward(session: Session, attempt: Callable) -> None:
    """Check ``forward(network, x)``: sigmoid hidden layers, identity output (本書 §3.4.3)."""
    book = init_network()
    other = _seeded_network()
    rng = np.random.default_rng(5)
    cases = [
        (book, np.array([1.0, 0.5]), _("the book's network and x = [1.0, 0.5]")),
        (book, np.array([[1.0, 0.5], [0.0, 0.0], [-1.0, 2.0]]), _("the book's network and a "
                                                                  "batch of 3 rows")),
        (other, rng.normal(size=4).round(2), _("a 4-5-3-2 network")),
        (other, rng.normal(size=(6, 4)).round(2), _("a 4-5-3-2 network and a batch of 6 rows")),
    ]
    for network, x, what in cases:
        shows = _("for {what} (x = {x})").format(what=what, x=fmt(x))
        result = session.call(attempt, network, x, shows=shows, names=("network", "x"),
                              on_change=_("compute new arrays; leave network and x as they are"),
                              on_error=_shape_error)
        expected = forward(network, x)

        def diagnose(r: np.ndarray, network=network, x=x, shows=shows) -> str | None:
            for wrong, hint in _slips(network, x):
                if r.shape == wrong.shape and np.allclose(r, wrong, rtol=1e-6, atol=1e-9):
                    return _("{shows}: {hint}").format(shows=shows, hint=hint)
            return None

        session.expect_array(result, expected, shows, diagnose=diagnose)
