"""The W3/W4 network (2-h-h-1, tanh, sigmoid output, mean cross-entropy) in JAX, over the flat
parameter vector in hesse's layout (per layer W row-major, then b): one definition for the
peer scripts. Import after JAX is configured (x64, CPU)."""
import jax.numpy as jnp


def j_mlp(h, X, Y):
    def f(w):
        W1, b1 = w[:2 * h].reshape(2, h), w[2 * h:3 * h]
        o = 3 * h
        W2, b2 = w[o:o + h * h].reshape(h, h), w[o + h * h:o + h * h + h]
        o += h * h + h
        W3, b3 = w[o:o + h].reshape(h, 1), w[o + h]
        H1 = jnp.tanh(X @ W1 + b1)
        H2 = jnp.tanh(H1 @ W2 + b2)
        p = 1 / (1 + jnp.exp(-(H2 @ W3)[:, 0] - b3))
        return -jnp.mean(Y * jnp.log(p) + (1 - Y) * jnp.log(1 - p))
    return f
