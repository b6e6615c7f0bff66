/**
 * The ARCH model and the search-space contract. Pure data: no tfjs anywhere in src/space.
 *
 * An ARCH is the user's format (see README "ARCH format"): a list of layers C (conv), P (pool),
 * FC (dense) and T (terminal softmax classifier). After parsing, every optional field is filled
 * with its default, so consumers (trainer, store) never see a missing field.
 */

export type Activation = 'relu' | 'elu' | 'selu' | 'tanh' | 'sigmoid' | 'linear';
export type Padding = 'same' | 'valid';
export type PoolKind = 'max' | 'avg' | 'global_avg';
export type Pair = [number, number];

export interface ConvLayer {
  type: 'C';
  num_output: number;
  kernel_size: Pair;
  stride: Pair;
  activation: Activation;
  /** Default 'same' (the seed's convention: stride 1 keeps the spatial size; output = ceil(in / stride)). */
  padding: Padding;
  /** Batch normalisation between the convolution and the activation. Default false. */
  batch_norm: boolean;
  /** Percent, in [0, 100). Applied after the activation. Default 0. */
  drop_out: number;
  /**
   * Residual input: index (0-based, into this ARCH) of an earlier layer whose output has exactly this
   * layer's output shape; it is added to this layer's pre-activation output (after batch norm).
   * -1 means the network input. Default null (no skip).
   */
  skip_from: number | null;
}

export interface PoolLayer {
  type: 'P';
  pool: PoolKind;
  /** Ignored (and canonicalised away) for global_avg. */
  kernel_size: Pair;
  stride: Pair;
  /** Default 'same'. */
  padding: Padding;
  drop_out: number;
}

export interface DenseLayer {
  type: 'FC';
  num_output: number;
  activation: Activation;
  batch_norm: boolean;
  drop_out: number;
}

/** The classifier: a dense layer with one unit per class and softmax. Always last; added when missing. */
export interface TerminalLayer {
  type: 'T';
}

export type Layer = ConvLayer | PoolLayer | DenseLayer | TerminalLayer;
export type Arch = Layer[];

/** [height, width, channels] */
export type Shape3 = [number, number, number];

export interface LayerCost {
  index: number;
  type: Layer['type'];
  /** [h, w, c] for C/P layers, [units] for FC/T. */
  outputShape: number[];
  params: number;
  macs: number;
}

export interface ArchCost {
  layers: LayerCost[];
  params: number;
  macs: number;
}

/**
 * What a controller sees of any search space: a sequence of categorical decisions.
 * Each decision belongs to a kind (one softmax head per kind in the controller); a kind has a fixed
 * number of choices. Feasibility masks say which choices keep the result valid.
 */
export interface DecisionKind {
  name: string;
  /** Human-readable label of each choice, e.g. ['16', '32', '64'] or ['C', 'P', 'FC', 'stop']. */
  labels: string[];
}

export interface NextDecision {
  /** Index into DecisionProcess.kinds. */
  kind: number;
  /** mask[i] is true when choice i is feasible; at least one is true. */
  mask: boolean[];
}

/** A search space bound to one problem (input shape, class count, optional parameter and MAC caps). */
export interface DecisionProcess {
  readonly spaceName: string;
  readonly kinds: DecisionKind[];
  /** Upper bound on the length of any decision sequence. */
  readonly maxDecisions: number;
  /** The next decision after `prefix`, or null when `prefix` is a complete sequence. */
  next(prefix: readonly number[]): NextDecision | null;
  /** The candidate (ARCH for layer spaces, arch string for NAS-Bench-201) of a complete sequence. */
  decode(decisions: readonly number[]): Candidate;
  /** The decision sequence of a candidate; throws ArchError / SpaceError when it is not in the space. */
  encode(candidate: Candidate): number[];
  /** Canonical hash of the decoded candidate (equal for equivalent candidates). */
  hash(decisions: readonly number[]): string;
  /** log10 of the number of complete decision sequences, where the space can tell (an estimate for layer spaces with skips). */
  log10Size?(): number;
}

export type Candidate = { kind: 'arch'; arch: Arch } | { kind: 'cell'; arch: string };

export interface ProblemSpec {
  input: Shape3;
  classes: number;
  /** Exclude ARCHs with more parameters than this (through the masks). */
  maxParams?: number;
  /** Exclude ARCHs with more multiply-accumulates per image than this (conv, FC and T layers; through the masks). */
  maxMacs?: number;
}

/** Layer kinds a layer space can add (T is always appended by the space). */
export type LayerKind = 'C' | 'P' | 'FC';

/** Choices of a C layer in a layer space; a field left out takes its single default value. */
export interface ConvChoices {
  num_output: number[];
  kernel_size: (number | Pair)[];
  /** Default [1]. */
  stride?: (number | Pair)[];
  /** Default ['same']. */
  padding?: Padding[];
  /** Default ['relu']. */
  activation?: Activation[];
  /** Default [false]. */
  batch_norm?: boolean[];
  /** Percent. Default [0]. */
  drop_out?: number[];
  /**
   * Residual choices as back offsets: 0 = no skip, n >= 1 = add the output of the layer n positions back
   * (layer i gets skip_from i - n; n = 1 is this layer's own input, i - n = -1 the network input). Must
   * contain 0; a non-zero choice is offered only where the shapes match. Default [0].
   */
  skip_back?: number[];
}

export interface PoolChoices {
  pool: PoolKind[];
  /** Required unless pool is only ['global_avg']. */
  kernel_size?: (number | Pair)[];
  /** Default: equal to the kernel (one choice per kernel) when left out; otherwise the listed strides. */
  stride?: (number | Pair)[];
  padding?: Padding[];
  drop_out?: number[];
}

export interface DenseChoices {
  num_output: number[];
  activation?: Activation[];
  batch_norm?: boolean[];
  drop_out?: number[];
}

/** A layer space file (experiments/spaces/*.json with "kind": "layers"). */
export interface LayerSpaceDefinition {
  kind: 'layers';
  name: string;
  description?: string;
  /** Number of C/P/FC layers (T not counted). */
  minLayers: number;
  maxLayers: number;
  /** At most this many FC layers (they come after the conv part). Default 2. */
  maxFC?: number;
  /**
   * The MAC cap (multiply-accumulates per image) that a search in this space uses when the user gives none:
   * a space meant for laptop CPUs can ship the budget it was designed for.
   */
  defaultMaxMacs?: number;
  /**
   * Which kinds may follow which: keys 'start', 'C', 'P', 'FC' and 'P.global_avg' (after a global average
   * pool; default: as after 'P'); values lists of 'C', 'P', 'FC', 'stop'. FC may only be followed by FC or
   * stop. Default: start [C]; C and P [C, P, FC, stop]; FC [FC, stop].
   */
  follows?: Partial<Record<'start' | LayerKind | 'P.global_avg', (LayerKind | 'stop')[]>>;
  layers: { C?: ConvChoices; P?: PoolChoices; FC?: DenseChoices };
}

export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export type Nb201Op = (typeof NB201_OPS)[number];

/** The NAS-Bench-201 cell space: 6 edges, each one op. */
export interface CellSpaceDefinition {
  kind: 'nb201';
  name: string;
  description?: string;
  /** Subset of NB201_OPS, in choice order. Default all five. */
  ops?: Nb201Op[];
}

export type SpaceDefinition = LayerSpaceDefinition | CellSpaceDefinition;
