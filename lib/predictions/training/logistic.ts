import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";

/**
 * L2-regularised logistic regression fitted with TensorFlow.js (tfjs-core on its pure-JavaScript CPU backend: no
 * native binary to download), full-batch Adam on the mean log-loss. The gradient is written out (Xᵀ(σ(Xw+b) − y)/n
 * + 2λw) rather than taken by autodiff, because tfjs-core alone registers no gradients; Adam and the tensor maths
 * are the library's.
 *
 * Why this and not the alternatives measured (ARCHITECTURE.md, Predictions): ml-logistic-regression@2.0.0 has no
 * regularisation and no intercept and sums (not averages) its gradient, so it needs a learning rate tuned to the
 * data size; on 20,000 × 60 it took 55 s for 300 steps. tfjs-core fitted 200,000 × 60 in 150 Adam steps.
 */

export const LIBRARY = "@tensorflow/tfjs-core@4.22.0";

export type LogisticParams = { l2: number; epochs: number; learningRate: number };
export const DEFAULT_PARAMS: LogisticParams = { l2: 1e-3, epochs: 150, learningRate: 0.1 };

let ready: Promise<void> | undefined;
function backend(): Promise<void> {
  ready ??= (async () => {
    tf.env().set("IS_TEST", true); // silences the "install tfjs-node" banner; changes no maths
    await tf.setBackend("cpu");
  })();
  return ready;
}

/** Fits weights and an intercept on standardised features `x` (n × d, row-major) and 0/1 labels `y`. */
export async function fitLogistic(
  x: Float32Array,
  y: Float32Array,
  d: number,
  params: LogisticParams = DEFAULT_PARAMS,
): Promise<{ weights: number[]; intercept: number }> {
  await backend();
  const n = y.length;
  if (n === 0 || x.length !== n * d) throw new Error(`fitLogistic: ${n} labels for ${x.length / Math.max(d, 1)} rows.`);
  const xs = tf.tensor2d(x, [n, d]);
  const ys = tf.tensor2d(y, [n, 1]);
  const W = tf.variable(tf.zeros([d, 1]), true, `w${Math.random()}`);
  const rate = y.reduce((s, v) => s + v, 0) / n;
  // start at the base rate so early steps learn the features, not the intercept
  const b = tf.variable(
    tf.scalar(Math.log(Math.max(rate, 1e-6) / Math.max(1 - rate, 1e-6))),
    true,
    `b${Math.random()}`,
  );
  const optimizer = tf.train.adam(params.learningRate);
  try {
    for (let epoch = 0; epoch < params.epochs; epoch++) {
      const grads = tf.tidy(() => {
        const err = tf.sub(tf.sigmoid(tf.add(tf.matMul(xs, W), b)), ys);
        return [
          { name: W.name, tensor: tf.add(tf.div(tf.matMul(xs, err, true, false), n), tf.mul(2 * params.l2, W)) },
          { name: b.name, tensor: tf.mean(err) },
        ];
      });
      optimizer.applyGradients(grads);
      tf.dispose(grads.map((g) => g.tensor));
    }
    return { weights: Array.from(W.dataSync()), intercept: b.dataSync()[0] };
  } finally {
    tf.dispose([xs, ys, W, b]);
    optimizer.dispose();
  }
}
