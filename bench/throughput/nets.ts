/** The two reference nets of the throughput benchmark, as tfjs-layers models (mirrored in torch_nets.py). */
import type { Tf } from '../../src/trainer/backends/index.js';

export interface NetSpec {
  name: 'A' | 'B';
  description: string;
  inputShape: [number, number, number];
  classes: number;
  build(tf: Tf): import('@tensorflow/tfjs').LayersModel;
}

const conv = (tf: Tf, filters: number) =>
  tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' });
const pool = (tf: Tf) => tf.layers.maxPooling2d({ poolSize: 2, strides: 2 });

export const NETS: NetSpec[] = [
  {
    name: 'A',
    description: '28x28x1, conv32-pool-conv64-pool-dense128-dense10',
    inputShape: [28, 28, 1],
    classes: 10,
    build: (tf) =>
      tf.sequential({
        layers: [
          tf.layers.inputLayer({ inputShape: [28, 28, 1] }),
          conv(tf, 32), pool(tf), conv(tf, 64), pool(tf),
          tf.layers.flatten(), tf.layers.dense({ units: 128, activation: 'relu' }), tf.layers.dense({ units: 10 }),
        ],
      }),
  },
  {
    name: 'B',
    description: '32x32x3, conv64-conv64-pool-conv128-conv128-pool-dense256-dense100',
    inputShape: [32, 32, 3],
    classes: 100,
    build: (tf) =>
      tf.sequential({
        layers: [
          tf.layers.inputLayer({ inputShape: [32, 32, 3] }),
          conv(tf, 64), conv(tf, 64), pool(tf), conv(tf, 128), conv(tf, 128), pool(tf),
          tf.layers.flatten(), tf.layers.dense({ units: 256, activation: 'relu' }), tf.layers.dense({ units: 100 }),
        ],
      }),
  },
];
