"""The exported code's fixed part: activations, the four phases of an iteration, the batch schedule and the
training loop, written in the lectures' notation (examples as columns, as the lab computes them).

Each phase is the same NumPy operations, in the same order and on the same array layouts, as the lab's
compiled iteration (app/engine/kernel.py), so the script's numbers are the lab's bit for bit:
z^l = W^l a^(l−1) + b^l is computed as the one matrix product [W^l | b^l] [a^(l−1); 1], and every
elementwise step is written as the engine writes it. app/export/script.py puts these parts in sections
(title, markdown, code): the script joins their code, the notebook makes two cells of each.
"""

from __future__ import annotations

ACTIVATIONS = r'''
def g(name, z):
    """a = g(z), elementwise; softmax over the units of each example (axis 0: examples are columns)."""
    if name == "sigmoid":  # σ(z) = 1/(1 + e^{−z}), written with e^{−|z|} so that exp never overflows
        e = np.exp(-np.abs(z))
        return np.divide(np.where(z >= 0, 1.0, e), 1.0 + e)
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":  # max(0, z)
        return np.maximum(z, 0.0)
    if name == "leaky_relu":  # max(z, s z), 0 < s < 1
        return np.maximum(z, np.multiply(z, LEAKY_SLOPE))
    if name == "gelu":  # ½ z (1 + tanh(√(2/π)(z + 0.044715 z³)))
        t = np.tanh(GELU_C * (z + GELU_K * z * z * z))
        return np.multiply(0.5 * z, 1.0 + t)
    if name == "step":  # 1 where z ≥ 0, else 0
        return np.greater_equal(z, 0.0).astype(np.float64)
    if name == "linear":
        return z.copy()
    if name == "softmax":  # e^{z_k − m} / Σ_j e^{z_j − m}, m = max_j z_j
        e = np.exp(z - z.max(axis=0, keepdims=True))
        return np.divide(e, e.sum(axis=0, keepdims=True))
    raise ValueError(name)


def g_prime(name, z, a):
    """g'(z), elementwise, from z and a = g(z)."""
    if name == "sigmoid":  # σ'(z) = a(1 − a)
        return np.multiply(a, np.subtract(1.0, a))
    if name == "tanh":  # 1 − a²
        return np.subtract(1.0, np.multiply(a, a))
    if name == "relu":  # 1 where z > 0, else 0
        return np.greater(z, 0.0).astype(np.float64)
    if name == "leaky_relu":  # 1 where z > 0, else s
        return np.where(z > 0, 1.0, LEAKY_SLOPE)
    if name == "gelu":  # ½(1 + t) + ½ z (1 − t²) √(2/π)(1 + 3·0.044715 z²)
        z2 = z * z
        t = np.tanh(GELU_C * (z + GELU_K * z2 * z))
        du = GELU_C * (1.0 + 3.0 * GELU_K * z2)
        return np.add(0.5 * (1.0 + t), 0.5 * z * (1.0 - t * t) * du)
    if name == "step":  # flat everywhere
        return np.zeros_like(z)
    if name == "linear":
        return np.ones_like(z)
    raise ValueError(name)
'''

FORWARD = r'''
def forward(WB, A0, scale):
    """Forward, l = 1..L: z^l = W^l a^(l−1) + b^l, computed as [W^l | b^l] [a^(l−1); 1]; a^l = g(z^l).
    With dropout on hidden layer l: a^l = g(z^l) ⊙ m^l/(1 − p_l) (`scale[l − 1]`, None without).
    Returns [a^(l−1); 1] per layer (A), z^l (Z), g(z^l) (Gz) and a^L."""
    A, Z, Gz = [A0], [], []
    for l in range(1, L + 1):
        z = np.dot(WB[l - 1], A[-1])
        gz = g(G[l - 1], z)
        a = gz if scale[l - 1] is None else np.multiply(gz, scale[l - 1])
        Z.append(z)
        Gz.append(gz)
        if l < L:
            A.append(np.vstack([a, np.ones((1, a.shape[1]))]))
    return A, Z, Gz, a
'''

LOSS_PHASE = r'''
def output_delta(z, a, y):
    """Loss phase: δ^L = ∂ℓ/∂z^L for every example (column) of the batch."""
    if (G[-1], LOSS) in (("sigmoid", "bce"), ("softmax", "cross_entropy")):
        return np.subtract(a, y)  # the activation's derivative cancels: δ^L = a^L − y
    d = np.subtract(a, y)
    dl_da = {  # ∂ℓ/∂a^L
        "l1": np.sign(d),  # ℓ = Σ_k |a_k − y_k|: sign(a − y), 0 at a = y
        "half_sse": d,  # ℓ = ½ Σ_k (a_k − y_k)²: a − y
        "sse": np.add(d, d),  # ℓ = Σ_k (a_k − y_k)²: 2(a − y)
        "mse": np.add(d, d) / float(SIZES[-1]),  # ℓ = (1/n) Σ_k (a_k − y_k)²: 2(a − y)/n
    }[LOSS]
    if G[-1] == "softmax":  # the softmax Jacobian: δ_j = a_j (∂ℓ/∂a_j − Σ_k ∂ℓ/∂a_k a_k)
        dot = (dl_da * a).sum(axis=0, keepdims=True)
        return np.multiply(a, dl_da - dot)
    return np.multiply(dl_da, g_prime(G[-1], z, a))  # δ^L = ∂ℓ/∂a^L ⊙ g'(z^L)
'''

BACKWARD = r'''
def backward(WB, A, Z, Gz, delta, scale, h):
    """Backward, l = L..1: ∂L/∂[W^l | b^l] = (1/B) δ^l [a^(l−1); 1]ᵀ (+ ∂R/∂W^l), then
    δ^(l−1) = (W^lᵀ δ^l) ⊙ g'(z^(l−1)) (⊙ m^(l−1)/(1 − p) with dropout). Returns the gradients, l = 1..L."""
    B = float(delta.shape[1])
    grads = [None] * L
    for l in range(L, 0, -1):
        grad = np.dot(delta, A[l - 1].T) / B
        if h["regularization"] != "none":  # R on weights only: λW (L2) or λ sign(W) (L1); 0 at biases
            rate = np.zeros_like(WB[l - 1])
            rate[:, :-1] = h["regularization_rate"]
            penalty = WB[l - 1] if h["regularization"] == "l2" else np.sign(WB[l - 1])
            grad = np.add(grad, np.multiply(penalty, rate))
        grads[l - 1] = grad
        if l > 1:
            back = WB[l - 1][:, :-1].T.dot(delta)  # ∂ℓ/∂a^(l−1) = W^lᵀ δ^l
            delta = np.multiply(back, g_prime(G[l - 2], Z[l - 2], Gz[l - 2]))
            if scale[l - 2] is not None:
                delta = np.multiply(delta, scale[l - 2])
    return grads
'''

UPDATE = r'''
def update(WB, grads, state, h):
    """Update: θ ← θ − η ∂L/∂θ (SGD); v ← μv + ∂L/∂θ, θ ← θ − ηv (momentum);
    Adam: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², θ ← θ − η m̂/(√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
    Frozen biases (train_biases off) keep their values and their optimizer state."""
    new = []
    t = state["t"] + 1
    for l in range(L):
        grad, rate = grads[l], np.full_like(grads[l], h["learning_rate"])
        if not h["train_biases"]:
            rate[:, -1] = 0.0
        if h["optimizer"] == "sgd":
            step = np.multiply(grad, rate)
        elif h["optimizer"] == "momentum":
            v = np.add(np.multiply(state["velocity"][l], h["momentum"]), grad)
            if not h["train_biases"]:
                v[:, -1] = state["velocity"][l][:, -1]
            state["velocity"][l] = v
            step = np.multiply(v, rate)
        else:
            m = np.add(np.multiply(state["m"][l], BETA1), np.multiply(grad, 1.0 - BETA1))
            v = np.add(np.multiply(state["v"][l], BETA2), np.multiply(np.multiply(grad, grad), 1.0 - BETA2))
            if not h["train_biases"]:
                m[:, -1], v[:, -1] = state["m"][l][:, -1], state["v"][l][:, -1]
            state["m"][l], state["v"][l] = m, v
            m_hat = np.divide(m, 1.0 - BETA1**t)
            v_hat = np.divide(v, 1.0 - BETA2**t)
            step = np.multiply(np.divide(m_hat, np.add(np.sqrt(v_hat), EPSILON)), rate)
        new.append(np.subtract(WB[l], step))
    state["t"] = t
    return new
'''

HELPERS = r'''
def fresh_state(optimizer):
    """An optimizer's state before its first update: zeros."""
    slots = {"sgd": (), "momentum": ("velocity",), "adam": ("m", "v")}[optimizer]
    return {"t": 0, **{slot: [np.zeros((SIZES[l + 1], SIZES[l] + 1)) for l in range(L)] for slot in slots}}


def dropout_scales(step, batch, h):
    """Iteration `step`'s inverted-dropout scales m^l/(1 − p_l) per hidden layer (None where p_l = 0):
    m = [u ≥ p] with u ~ U[0, 1) from Philox, keyed by the seed, its counter at (0, step, 0, 0)."""
    rates, hidden = h["dropout"], SIZES[1:-1]
    if not any(p > 0.0 for p in rates):
        return [None] * L
    key = np.random.SeedSequence(SEED, spawn_key=(3,)).generate_state(2, np.uint64)
    counter = np.array([0, step, 0, 0], dtype=np.uint64)
    u = np.random.Generator(np.random.Philox(key=key, counter=counter)).random((sum(hidden), batch))
    p = np.repeat(np.asarray(rates, dtype=np.float64), hidden)[:, None]
    scale = (u >= p).astype(np.float64) / (1.0 - p)
    ends = np.cumsum(hidden)
    layers = [scale[end - n : end] if rate > 0.0 else None for n, end, rate in zip(hidden, ends, rates)]
    return layers + [None]


def columns(X, Y):
    """Examples as columns: [x; 1] (n_0 + 1, N) with the row of ones for the biases, and y (n_L, N)."""
    return np.vstack([X.T, np.ones((1, len(X)))]), np.ascontiguousarray(Y.T)
'''

LOOP = r'''
def train():
    """Replay the run: iterations START + 1 .. END on the same batches, with the changes at their steps."""
    WB = [w.copy() for w in WB_START]
    state = {k: ([b.copy() for b in v] if isinstance(v, list) else v) for k, v in STATE_START.items()}
    h = dict(HYPER)
    X, Y = X_TRAIN.copy(), Y_TRAIN.copy()
    XT, YT = columns(X, Y)
    rng = ORDER_RNG()
    position, order = POSITION, ORDER
    changes = list(CHANGES)
    for step in range(START, END + 1):
        while changes and changes[0]["step"] == step:  # what was changed when `step` iterations were done
            change = changes.pop(0)
            for l, row, col, value in change.get("edits", []):
                WB[l - 1][row, col] = value  # W^l[row, col] (col = n_(l−1): the bias b^l[row])
            if "append" in change or "remove" in change or "data" in change:
                if "data" in change:
                    X, Y = change["data"]
                for i in change.get("remove", []):
                    X, Y = np.delete(X, i, axis=0), np.delete(Y, i, axis=0)
                if "append" in change:
                    rows = change["append"]
                    X, Y = np.vstack([X, rows[:, : SIZES[0]]]), np.vstack([Y, rows[:, SIZES[0] :]])
                XT, YT = columns(X, Y)
                position, order = 0, None  # a new training set: the epoch begins again
            if "hyper" in change:
                if change["hyper"].get("optimizer", h["optimizer"]) != h["optimizer"]:
                    state = fresh_state(change["hyper"]["optimizer"])
                h.update(change["hyper"])
                position, order = roll(position, order, len(X), h)
            if "optimizer" in change:
                state = change["optimizer"]
            if "schedule" in change:
                position, order = change["schedule"]["position"], change["schedule"]["order"]
                if change["schedule"]["rng"] is not None:
                    rng.bit_generator.state = change["schedule"]["rng"]
        if step == END:
            break
        if order is None:  # the epoch's order: a seeded permutation, or 0..N−1 without shuffling
            order = rng.permutation(len(X)) if h["shuffle"] else np.arange(len(X))
        XP, YP = XT[:, order], YT[:, order]
        size = min(h["batch_size"], len(X))
        start, stop = position, min(position + size, len(X))
        scale = dropout_scales(step, stop - start, h)
        A, Z, Gz, a = forward(WB, XP[:, start:stop], scale)
        delta = output_delta(Z[-1], a, YP[:, start:stop])
        grads = backward(WB, A, Z, Gz, delta, scale, h)
        WB = update(WB, grads, state, h)
        position, order = roll(stop, order, len(X), h)
    return WB, X, Y


def roll(position, order, n, h):
    """The epoch ends when every example is used, or (drop_last) fewer than a batch are left."""
    size = min(h["batch_size"], n)
    if n - position <= 0 or (h["drop_last"] and n - position < size):
        return 0, None
    return position, order
'''

EVALUATE = r'''
def mean_loss(WB, X, Y):
    """The mean data loss over the rows X (the lab's training loss), examples as rows, no dropout."""
    a = X
    for l in range(1, L + 1):
        z = a @ WB[l - 1][:, :-1].T + WB[l - 1][:, -1]
        a = g(G[l - 1], z.T).T
    d = a - Y
    if LOSS == "bce":
        per = (np.maximum(z, 0.0) - Y * z + np.log1p(np.exp(-np.abs(z)))).sum(axis=-1)
    elif LOSS == "cross_entropy":
        m = z.max(axis=-1, keepdims=True)
        per = (Y * (m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True)) - z)).sum(axis=-1)
    elif LOSS == "l1":
        per = np.abs(d).sum(axis=-1)
    else:
        per = (d * d).sum(axis=-1) * {"half_sse": 0.5, "sse": 1.0, "mse": 1.0}[LOSS]
        if LOSS == "mse":
            per = per / a.shape[-1]
    return float(np.mean(per))
'''
