"""Ready-made sessions for the lectures: each preset is a title, a description and REST SessionConfig fields.

A config holds only SessionConfig fields (docs/protocol.md); a field it leaves out takes its default
(app/config.py DEFAULTS). Custom data is written as the REST form {"inputs": [...], "targets": [...]}.
"""

from __future__ import annotations

from typing import Any, TypedDict

from app.config import DEFAULTS


class Preset(TypedDict):
    """A named starting point: what the page shows in its picker and the session it creates."""

    title: str
    description: str
    config: dict[str, Any]


ALL_FEATURES = ["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"]

# Lecture 004 (STOR566, lecture 6): x = (1.5, −1, 1.3), ReLU, no biases; h(x) = W3 θ(W2 θ(W1 x)) = 0.489.
LECTURE004_W1 = [[0.3, 0.4, 0.2], [0.3, 0.5, 0.2], [0.8, 1.0, -1.0]]
LECTURE004_W2 = [[0.0, -1.2, 0.5], [0.9, 1.0, 0.0]]
LECTURE004_W3 = [[-1.0, 1.0]]
LECTURE004_TARGET = 1.0

# XOR's truth table, drawn on the plane (two inputs): class 1 where exactly one input is 1.
XOR_INPUTS = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
XOR_TARGETS = [[0.0], [1.0], [1.0], [0.0]]

# Lecture 003's vanishing gradient: six sigmoid layers (the ReLU preset changes activation and init only).
VANISHING: dict[str, Any] = {
    "dataset": "circle",
    "noise": 0.0,
    "features": ["x1", "x2"],
    "hidden_layers": [8, 8, 8, 8, 8, 8],
    "activation": "sigmoid",
    "output_activation": "sigmoid",
    "loss": "bce",
    "init": "xavier",
    "bias_init": 0.0,
    "learning_rate": 0.1,
    "batch_size": 10,
    "optimizer": "sgd",
}

PRESETS: dict[str, Preset] = {
    "lecture004_forward": {
        "title": "Lecture 004: the worked forward pass",
        "description": (
            "x = (1.5, −1, 1.3) through a 3-3-2-1 ReLU network with the lecture's W1, W2, W3 and no biases: "
            "layer 1 gives a = (0.31, 0.21, 0), layer 2 gives (0, 0.489), and the output, ReLU as in the "
            "lecture, h(x) = max(0, 0.489) = 0.489. "
            f"The target is y = {LECTURE004_TARGET:g}; the loss is the lecture's square loss without ½, "
            "e = (h − y)², so δ at the output is 2(h − y). Biases stay fixed at 0."
        ),
        "config": {
            "dataset": {"inputs": [[1.5, -1.0, 1.3]], "targets": [[LECTURE004_TARGET]]},
            "hidden_layers": [3, 2],
            "activation": "relu",
            "output_activation": "relu",
            "loss": "sse",
            "weights": [LECTURE004_W1, LECTURE004_W2, LECTURE004_W3],
            "biases": [[0.0, 0.0, 0.0], [0.0, 0.0], [0.0]],
            "train_biases": False,
            "batch_size": 1,
            "learning_rate": 0.1,
            "optimizer": "sgd",
            "regularization": "none",
            "shuffle": False,
        },
    },
    "lecture000_logistic": {
        "title": "Lecture 000: logistic regression as a network",
        "description": (
            "No hidden layer: a = σ(w·x + b) with binary cross-entropy, so the output δ is dz = a − y and "
            "∂L/∂w = (a − y) x. Two gaussian blobs, separable by a line."
        ),
        "config": {
            "dataset": "gaussian",
            "noise": 0.0,
            "features": ["x1", "x2"],
            "hidden_layers": [],
            "output_activation": "sigmoid",
            "loss": "bce",
            "learning_rate": 0.1,
            "batch_size": 10,
            "init": "zeros",
            "bias_init": 0.0,
        },
    },
    "xor_2_2_1": {
        "title": "XOR on a 2-2-1 sigmoid network",
        "description": (
            "The four rows of XOR: (0,0)→0, (0,1)→1, (1,0)→1, (1,1)→0. No single line separates them; two "
            "sigmoid hidden neurons draw two lines and the output combines them. Full batch of 4, binary "
            "cross-entropy, learning rate 1: solved within a few hundred steps. Some seeds end in a local "
            "minimum (re-randomise): lecture 001's advice is to run several and keep the best."
        ),
        "config": {
            "dataset": {"inputs": XOR_INPUTS, "targets": XOR_TARGETS},
            "hidden_layers": [2],
            "activation": "sigmoid",
            "output_activation": "sigmoid",
            "loss": "bce",
            "init": "xavier",
            "bias_init": 0.0,
            "seed": 3,
            "learning_rate": 1.0,
            "batch_size": 4,
            "optimizer": "sgd",
            "shuffle": False,
        },
    },
    "default_circle": {
        "title": "TF Playground's default: the circle",
        "description": (
            "Circle data, 500 points, half for training, inputs x1 and x2, two hidden layers of 4 and 2 tanh "
            "neurons, learning rate 0.03, batch 10: TensorFlow Playground's opening screen."
        ),
        "config": {
            "dataset": DEFAULTS.dataset,
            "points": DEFAULTS.points,
            "noise": DEFAULTS.noise,
            "train_fraction": DEFAULTS.train_fraction,
            "features": list(DEFAULTS.features),
            "hidden_layers": list(DEFAULTS.hidden_layers),
            "activation": DEFAULTS.activation,
            "output_activation": DEFAULTS.output_activation,
            "loss": DEFAULTS.loss,
            "learning_rate": DEFAULTS.learning_rate,
            "batch_size": DEFAULTS.batch_size,
            "init": DEFAULTS.init,
            "seed": DEFAULTS.seed,
        },
    },
    "hard_spiral": {
        "title": "A hard spiral",
        "description": (
            "Two interleaved spiral arms with some noise: x1 and x2 alone need a deep network; all seven "
            "features and three hidden layers get there in a few hundred epochs."
        ),
        "config": {
            "dataset": "spiral",
            "noise": 0.1,
            "points": 500,
            "train_fraction": 0.5,
            "features": ALL_FEATURES,
            "hidden_layers": [8, 8, 6],
            "activation": "tanh",
            "output_activation": "tanh",
            "loss": "half_sse",
            "learning_rate": 0.03,
            "batch_size": 10,
            "init": "xavier",
        },
    },
    "zero_init_symmetry": {
        "title": "Zero initialisation: the symmetry never breaks",
        "description": (
            "Every weight starts at 0, so the neurons of a hidden layer compute the same value, receive the "
            "same δ and the same update: they stay identical for ever, and the layer acts like one neuron."
        ),
        "config": {
            "dataset": "circle",
            "features": ["x1", "x2"],
            "hidden_layers": [4, 4],
            "activation": "tanh",
            "output_activation": "tanh",
            "loss": "half_sse",
            "init": "zeros",
            "bias_init": 0.1,
            "learning_rate": 0.1,
            "batch_size": 10,
        },
    },
    "diverging_lr": {
        "title": "A learning rate that diverges",
        "description": (
            "Linear regression on the plane data: the mean squared error is a quadratic bowl whose curvature "
            "along w is 2·E[x²] ≈ 24, so any rate above 2/24 ≈ 0.083 overshoots. At 0.3 every step lands "
            "farther up the other side (|1 − 0.3·24| ≈ 6 times farther) until the numbers blow up in about "
            "ten steps. Lower the rate below 0.08 to converge."
        ),
        "config": {
            "dataset": "plane",
            "noise": 0.0,
            "features": ["x1", "x2"],
            "hidden_layers": [],
            "output_activation": "linear",
            "loss": "mse",
            "learning_rate": 0.3,
            "batch_size": 10,
            "optimizer": "sgd",
            "init": "xavier",
        },
    },
    "vanishing_sigmoid": {
        "title": "Vanishing gradient: 6 sigmoid layers",
        "description": (
            "Six hidden layers of 8 sigmoid units (Xavier init) on the circle: going back one layer "
            "multiplies δ by Wᵀ and by σ'(z) ≤ 1/4, so ‖∂L/∂W^1‖ is about a thousand times smaller than "
            "‖∂L/∂W^6‖ and the first layers hardly learn (Diagnostics shows the norms per layer)."
        ),
        "config": VANISHING,
    },
    "vanishing_relu": {
        "title": "The same with ReLU: no vanishing gradient",
        "description": (
            "The six-layer network with ReLU instead (He init): g'(z) = 1 wherever a unit is active, so δ "
            "keeps its size on the way back and ‖∂L/∂W^1‖ stays of the order of ‖∂L/∂W^6‖; the loss falls "
            "within a few epochs."
        ),
        "config": {**VANISHING, "activation": "relu", "init": "he"},
    },
    "lecture003_dropout": {
        "title": "Lecture 003: dropout against overfitting",
        "description": (
            "Few noisy points and a large 8-8 ReLU network: without dropout it fits the noise (the test loss "
            "climbs while the train loss falls). Inverted dropout drops each hidden unit with probability "
            "p = 0.3 per example, a = m ⊙ g(z)/(1 − p): step the forward pass to see the greyed units, then "
            "set the rates to 0 and compare the test loss. Evaluation (curves, maps) never drops units."
        ),
        "config": {
            "dataset": "moons",
            "points": 60,
            "noise": 0.35,
            "train_fraction": 0.5,
            "hidden_layers": [8, 8],
            "activation": "relu",
            "dropout": [0.3, 0.3],
            "learning_rate": 0.03,
            "batch_size": 10,
            "optimizer": "adam",
        },
    },
}
