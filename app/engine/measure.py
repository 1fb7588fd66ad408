"""What the current parameters give on the data: every example's output a^L and loss ℓ_i, and the mean data
loss and accuracy of the training and test sets (the loss curve's points, the examples table)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.engine.data import Dataset, predicted_class
from app.engine.labconfig import finite
from app.engine.losses import Loss
from app.engine.network import Network

FloatArray = NDArray[np.float64]


def forward_loss(net: Network, loss: Loss, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Rows x through the network: the outputs a^L (N, n_L) and each example's loss ℓ_i (N,)."""
    if len(x) == 0:
        return np.zeros((0, net.sizes[-1])), np.zeros(0)
    with np.errstate(all="ignore"):
        z, a = net.forward(x)[-1]
        losses: FloatArray = np.asarray(loss.value(z, a, y), dtype=np.float64)
    return a, losses


def _mean_loss_and_accuracy(
    net: Network, loss: Loss, x: FloatArray, y: FloatArray, labels: NDArray[Any], data: Dataset, output: str
) -> tuple[float | None, float | None]:
    """(mean data loss, accuracy) over rows x; accuracy None for regression, both None for no rows."""
    if len(x) == 0:
        return None, None
    a, losses = forward_loss(net, loss, x, y)
    with np.errstate(all="ignore"):
        mean = finite(float(np.mean(losses)))
    if data.n_classes == 0:
        return mean, None
    return mean, float(np.mean(predicted_class(a, output) == labels))


def metrics(net: Network, loss: Loss, data: Dataset, output: str) -> dict[str, float | None]:
    """Train/test mean data loss and accuracy (`output`: the output activation, which decides the class)."""
    train = _mean_loss_and_accuracy(
        net, loss, data.x_train, data.y_train, data.labels[data.train_indices], data, output
    )
    test = _mean_loss_and_accuracy(
        net, loss, data.x_test, data.y_test, data.labels[data.test_indices], data, output
    )
    return {
        "train_loss": train[0],
        "test_loss": test[0],
        "train_accuracy": train[1],
        "test_accuracy": test[1],
    }


def outputs(net: Network, loss: Loss, data: Dataset) -> dict[str, FloatArray]:
    """Every training and test example's output a^L and loss ℓ_i: train, train_loss, test, test_loss."""
    train_a, train_loss = forward_loss(net, loss, data.x_train, data.y_train)
    test_a, test_loss = forward_loss(net, loss, data.x_test, data.y_test)
    return {"train": train_a, "train_loss": train_loss, "test": test_a, "test_loss": test_loss}
