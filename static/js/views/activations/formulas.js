/**
 * The activations' formulas as LaTeX (the lab writes z for the pre-activation), and lecture 001's table of
 * activations and their gradients in the lecture's own notation (x, σ, sign), with where the engine's
 * conventions differ from it.
 */

/** name → [title, g, g′] as LaTeX; `slope`: leaky ReLU's slope for z ≤ 0. */
export function activationTex(slope) {
  const s = String(slope);
  return {
    step: ["Step (Heaviside)", "g(z)=\\begin{cases}1 & z\\ge 0\\\\ 0 & z<0\\end{cases}", "g'(z)=0\\quad(\\text{also at } z=0)"],
    sigmoid: ["Sigmoid", "g(z)=\\sigma(z)=\\dfrac{1}{1+e^{-z}}", "g'(z)=\\sigma(z)\\,\\bigl(1-\\sigma(z)\\bigr)"],
    tanh: ["tanh", "g(z)=\\tanh z=\\dfrac{e^{z}-e^{-z}}{e^{z}+e^{-z}}", "g'(z)=1-\\tanh^2 z"],
    relu: ["ReLU", "g(z)=\\max(0,z)", "g'(z)=\\begin{cases}1 & z>0\\\\ 0 & z\\le 0\\end{cases}"],
    leaky_relu: [
      "Leaky ReLU",
      `g(z)=\\begin{cases}z & z>0\\\\ ${s}\\,z & z\\le 0\\end{cases}`,
      `g'(z)=\\begin{cases}1 & z>0\\\\ ${s} & z\\le 0\\end{cases}`,
    ],
    gelu: [
      "GELU (tanh form)",
      "g(z)=\\tfrac12 z\\,(1+\\tanh u),\\ u=\\sqrt{2/\\pi}\\,(z+0.044715\\,z^3)",
      "g'(z)=\\tfrac12(1+\\tanh u)+\\tfrac12 z\\,(1-\\tanh^2 u)\\sqrt{2/\\pi}\\,(1+0.134145\\,z^2)",
    ],
    linear: ["Linear", "g(z)=z", "g'(z)=1"],
    softmax: ["Softmax (output only)", "a_k=\\dfrac{e^{z_k}}{\\sum_j e^{z_j}}", "\\dfrac{\\partial a_k}{\\partial z_j}=a_k(\\delta_{kj}-a_j)"],
  };
}

/** Lecture 001's "Common Activation Functions": [name, function, gradient] in its notation. */
export const LECTURE_001 = [
  ["Binary step", "\\text{sign}(x)", "\\begin{cases}0 & x\\ne 0\\\\ \\text{N/A} & x=0\\end{cases}"],
  ["sigmoid", "\\sigma(x)=\\dfrac{1}{1+\\exp(-x)}", "\\sigma(x)\\,(1-\\sigma(x))"],
  ["Tanh", "\\tanh(x)=\\dfrac{\\exp(x)-\\exp(-x)}{\\exp(x)+\\exp(-x)}", "1-\\tanh^2(x)"],
  ["Rectified Linear (ReLU)", "\\text{relu}(x)=\\max(x,0)", "\\begin{cases}1 & x\\ge 0\\\\ 0 & x<0\\end{cases}"],
];

/** Where the engine's conventions differ from the lecture's table. */
export const LECTURE_001_NOTES = [
  "The lecture writes x for a node's weighted sum (s in its network); the lab writes z.",
  "The lab's step is 1 for z ≥ 0 and 0 below (Heaviside, not sign), and its g′ is 0 everywhere, z = 0 included.",
  "The lab's ReLU takes g′(0) = 0 (the lecture: 1 at x = 0); only z exactly 0 differs.",
];
