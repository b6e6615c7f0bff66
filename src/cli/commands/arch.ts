import { positiveInteger } from '../../checks.js';
import { writeOut } from './stdout.js';
import type { Argv, CommandModule } from 'yargs';
import { ConfigError } from '../../errors.js';
import { DATASET_NAMES, datasetInfo, type DatasetName } from '../../data/index.js';
import {
  archHash,
  describeArch,
  loadArchFile,
  parseShape,
  validateArch,
  type Arch,
  type ArchCost,
  type Layer,
  type ProblemSpec,
  type Shape3,
} from '../../space/index.js';

export interface ProblemArgs {
  input?: string;
  classes?: number;
  dataset?: DatasetName;
  'max-params'?: number;
  'max-macs'?: number;
}
interface ArchArgs extends ProblemArgs {
  file: string;
  json?: boolean;
}

const DEFAULT_INPUT = '32x32x3';
const DEFAULT_CLASSES = 10;

/** --input / --classes / --dataset / --max-params / --max-macs, shared with `nas space show` and `nas space sample`. */
export function problemOptions<T>(yargs: Argv<T>): Argv<T & ProblemArgs> {
  return yargs
    .option('input', { type: 'string', describe: `Input shape HxWxC [default: the dataset's; for a shipped space, that of the datasets it is made for; else ${DEFAULT_INPUT}]` })
    .option('classes', { type: 'number', describe: `Number of classes [default: the dataset's, or the space's as for --input; else ${DEFAULT_CLASSES}]` })
    .option('dataset', { choices: DATASET_NAMES, describe: 'Take input shape and class count from this dataset' })
    .option('max-params', { type: 'number', describe: 'Parameter cap' })
    .option('max-macs', { type: 'number', describe: 'Cap on multiply-accumulates per image' }) as Argv<T & ProblemArgs>;
}

/** The problem the options describe; `own` is what a space is made for, taken where --dataset does not say. */
export function problemFrom(args: ProblemArgs, own: { input?: Shape3; classes?: number } = {}): ProblemSpec {
  const info = args.dataset ? datasetInfo(args.dataset) : undefined;
  const input = args.input !== undefined ? parseShape(args.input) : (info?.inputShape ?? own.input ?? parseShape(DEFAULT_INPUT));
  const classes = args.classes ?? info?.numClasses ?? own.classes ?? DEFAULT_CLASSES;
  if (!Number.isInteger(classes) || classes < 2) throw new ConfigError(`--classes must be an integer of at least 2, not ${args.classes}`);
  const maxParams = positiveCap('--max-params', args['max-params']);
  const maxMacs = positiveCap('--max-macs', args['max-macs']);
  return { input, classes, ...(maxParams !== undefined ? { maxParams } : {}), ...(maxMacs !== undefined ? { maxMacs } : {}) };
}

function positiveCap(option: string, value: number | undefined): number | undefined {
  if (value !== undefined) positiveInteger(option, value);
  return value;
}

function archOptions(yargs: Argv<ProblemArgs>): Argv<ArchArgs> {
  return problemOptions(yargs)
    .positional('file', { type: 'string', demandOption: true, describe: 'ARCH file: JSON or Python-literal (ARCH = [...])' })
    .option('json', { type: 'boolean', describe: 'Print JSON: the normalised ARCH, its hash and its costs' }) as Argv<ArchArgs>;
}

const showCommand: CommandModule<ProblemArgs, ArchArgs> = {
  command: 'show <file>',
  describe: 'Print the layer table: kind, output shape, parameters and MACs per layer, and the totals',
  builder: archOptions,
  handler: (args) => {
    const { arch, problem, cost } = checked(args);
    if (args.json) {
      writeOut(`${JSON.stringify({ arch, hash: archHash(arch), problem, ...cost }, null, 2)}\n`);
      return;
    }
    writeOut(layerTable(arch, cost, problem));
  },
};

const checkCommand: CommandModule<ProblemArgs, ArchArgs> = {
  command: 'check <file>',
  describe: 'Validate an ARCH for an input shape and class count (exit code 2 and one line when it is invalid)',
  builder: archOptions,
  handler: (args) => {
    const { arch, problem, cost } = checked(args);
    const summary = { ok: true, file: args.file, hash: archHash(arch), summary: describeArch(arch), params: cost.params, macs: cost.macs };
    writeOut(
      args.json
        ? `${JSON.stringify(summary)}\n`
        : `${args.file}: ok for input ${problem.input.join('x')}, ${problem.classes} classes: ${describeArch(arch)}, ` +
            `${group(cost.params)} parameters, ${group(cost.macs)} MACs, hash ${summary.hash}\n`,
    );
  },
};

export const archCommand: CommandModule<ProblemArgs, ProblemArgs> = {
  command: 'arch',
  describe: 'Show or check an ARCH file (JSON or Python-literal notation)',
  builder: (yargs) =>
    yargs
      .command(showCommand as unknown as CommandModule<ProblemArgs, ProblemArgs>)
      .command(checkCommand as unknown as CommandModule<ProblemArgs, ProblemArgs>)
      .demandCommand(1, 'Name an action: show or check.')
      .epilogue(
        "Padding defaults to 'same' (output = ceil(input / stride)); drop_out is a percentage; a missing T layer is added. " +
          'Example: nas arch show experiments/archs/seed-baseline.json --input 32x32x3 --classes 100',
      ),
  handler: () => {},
};

function checked(args: ArchArgs): { arch: Arch; problem: ProblemSpec; cost: ArchCost } {
  const problem = problemFrom(args);
  const arch = loadArchFile(args.file);
  return { arch, problem, cost: validateArch(arch, problem) };
}

function layerTable(arch: Arch, cost: ArchCost, problem: ProblemSpec): string {
  const rows = cost.layers.map((layer) => [
    String(layer.index),
    layer.type,
    layerSummary(arch[layer.index]),
    layer.outputShape.join('x'),
    group(layer.params),
    group(layer.macs),
  ]);
  const header = ['#', 'kind', 'layer', 'output', 'params', 'MACs'];
  const total = ['', '', 'total', '', group(cost.params), group(cost.macs)];
  const all = [header, ...rows, total];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c >= 4 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [
    `input ${problem.input.join('x')}, ${problem.classes} classes; hash ${archHash(arch)}`,
    line(header),
    ...rows.map(line),
    line(total),
    '',
  ].join('\n');
}

function layerSummary(layer: Layer): string {
  return describeArch([layer]);
}

function group(n: number): string {
  return n.toLocaleString('en-US');
}
