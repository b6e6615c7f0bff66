/**
 * Shape, parameter and MAC inference. Parameter counts follow what tfjs's model.countParams() reports for the
 * model the trainer builds: a conv or dense layer has a bias unless it has batch norm, which instead adds
 * gamma, beta, moving mean and moving variance (4 per channel).
 */
import { ArchError } from '../errors.js';
import { checkOrder, parseArch } from './parse.js';
import type { Arch, ArchCost, Layer, LayerCost, Pair, Padding, ProblemSpec, Shape3 } from './types.js';

/**
 * The most values one weight tensor may hold: 2^28 (1 GiB of float32). Training keeps four tensors of that
 * size per weight (the weights, their gradient and Adam's two moments), 4 GiB: all the memory the wasm backend
 * has, and more than one allocation may take on the others. A layer over it is refused before training.
 */
export const MAX_TENSOR_VALUES = 2 ** 28;

/** Output size along one axis; below 1 means the layer does not fit its input. */
export function outputSize(input: number, kernel: number, stride: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(input / stride) : Math.floor((input - kernel) / stride) + 1;
}

export function convParams(kernel: Pair, inChannels: number, filters: number, batchNorm: boolean): number {
  return kernel[0] * kernel[1] * inChannels * filters + (batchNorm ? 4 * filters : filters);
}

export function denseParams(inputs: number, units: number, batchNorm: boolean): number {
  return inputs * units + (batchNorm ? 4 * units : units);
}

export function inferCost(arch: Arch, input: Shape3, classes: number): ArchCost {
  checkShape(input, classes);
  checkOrder(arch);
  const shapes: number[][] = [];
  let current: number[] = [...input];
  const layers: LayerCost[] = arch.map((layer, index) => {
    const cost = layerCost(layer, index, current, classes, (k) => (k === -1 ? [...input] : shapes[k]));
    shapes.push(cost.outputShape);
    current = cost.outputShape;
    return cost;
  });
  if (arch.length === 0) throw new ArchError('the ARCH has no layers');
  if (arch[arch.length - 1].type !== 'T') throw new ArchError('the ARCH must end with a T layer', arch.length - 1, 'type');
  return {
    layers,
    params: layers.reduce((sum, layer) => sum + layer.params, 0),
    macs: layers.reduce((sum, layer) => sum + layer.macs, 0),
  };
}

/** Parses (when needed), then checks the ARCH against a problem: shapes, skips and the parameter and MAC caps. */
export function validateArch(arch: Arch | unknown, problem: ProblemSpec): ArchCost {
  const cost = inferCost(parseArch(arch), problem.input, problem.classes);
  if (problem.maxParams !== undefined && cost.params > problem.maxParams) {
    throw new ArchError(`the ARCH has ${cost.params} parameters, over the cap of ${problem.maxParams}`);
  }
  if (problem.maxMacs !== undefined && cost.macs > problem.maxMacs) {
    throw new ArchError(`the ARCH needs ${cost.macs} MACs per image, over the cap of ${problem.maxMacs}`);
  }
  return cost;
}

/** Refuses a layer whose kernel (or one image's output) holds more than MAX_TENSOR_VALUES values, naming its shape. */
function checkTensor(index: number, what: string, dims: readonly number[], field: string | undefined): void {
  const values = dims.reduce((a, b) => a * b, 1);
  if (values <= MAX_TENSOR_VALUES) return;
  const size = `${values.toLocaleString('en-US')} values (${dims.join('x')})`;
  throw new ArchError(`its ${what} would hold ${size}, over the ${MAX_TENSOR_VALUES.toLocaleString('en-US')} (2^28) that one tensor may hold`, index, field);
}

function layerCost(
  layer: Layer,
  index: number,
  input: number[],
  classes: number,
  shapeOf: (index: number) => number[],
): LayerCost {
  const flat = input.reduce((a, b) => a * b, 1);
  switch (layer.type) {
    case 'T':
      checkTensor(index, 'weight tensor', [flat, classes], undefined);
      return { index, type: 'T', outputShape: [classes], params: denseParams(flat, classes, false), macs: flat * classes };
    case 'FC':
      checkTensor(index, 'weight tensor', [flat, layer.num_output], 'num_output');
      return {
        index,
        type: 'FC',
        outputShape: [layer.num_output],
        params: denseParams(flat, layer.num_output, layer.batch_norm),
        macs: flat * layer.num_output,
      };
    case 'P': {
      if (layer.pool === 'global_avg') return { index, type: 'P', outputShape: [1, 1, input[2]], params: 0, macs: 0 };
      const [h, w] = spatialOutput(index, input, layer.kernel_size, layer.stride, layer.padding);
      return { index, type: 'P', outputShape: [h, w, input[2]], params: 0, macs: 0 };
    }
    case 'C': {
      const [h, w] = spatialOutput(index, input, layer.kernel_size, layer.stride, layer.padding);
      checkTensor(index, 'weight tensor', [...layer.kernel_size, input[2], layer.num_output], 'num_output');
      const outputShape = [h, w, layer.num_output];
      checkTensor(index, 'output for one image', outputShape, 'num_output');
      if (layer.skip_from !== null) checkSkip(index, layer.skip_from, shapeOf(layer.skip_from), outputShape);
      return {
        index,
        type: 'C',
        outputShape,
        params: convParams(layer.kernel_size, input[2], layer.num_output, layer.batch_norm),
        macs: h * w * layer.kernel_size[0] * layer.kernel_size[1] * input[2] * layer.num_output,
      };
    }
  }
}

function spatialOutput(index: number, input: number[], kernel: Pair, stride: Pair, padding: Padding): [number, number] {
  const h = outputSize(input[0], kernel[0], stride[0], padding);
  const w = outputSize(input[1], kernel[1], stride[1], padding);
  if (h < 1 || w < 1) {
    throw new ArchError(
      `kernel ${kernel.join('x')} is larger than its input ${input[0]}x${input[1]} under 'valid' padding (spatial collapse)`,
      index,
      'kernel_size',
    );
  }
  return [h, w];
}

function checkSkip(index: number, from: number, source: number[], output: number[]): void {
  if (source.length !== output.length || source.some((n, i) => n !== output[i])) {
    const where = from === -1 ? 'the network input' : `layer ${from}`;
    throw new ArchError(
      `skip from ${where} of shape [${source.join(', ')}] does not match this layer's output [${output.join(', ')}]`,
      index,
      'skip_from',
    );
  }
}

function checkShape(input: Shape3, classes: number): void {
  if (!Array.isArray(input) || input.length !== 3 || !input.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new ArchError(`the input shape must be three positive integers [height, width, channels], not ${JSON.stringify(input)}`);
  }
  if (input[0] * input[1] * input[2] > MAX_TENSOR_VALUES) {
    throw new ArchError(`the input shape ${input.join('x')} holds more than the ${MAX_TENSOR_VALUES.toLocaleString('en-US')} (2^28) values that one tensor may hold`);
  }
  if (!Number.isInteger(classes) || classes < 2) {
    throw new ArchError(`the class count must be an integer of at least 2, not ${JSON.stringify(classes)}`);
  }
}
