import { positiveInteger } from '../../checks.js';
import type { Argv, CommandModule } from 'yargs';
import seedrandom from 'seedrandom';
import { ConfigError } from '../../errors.js';
import {
  bindSpace,
  defaultMaxMacs,
  describeArch,
  inferCost,
  listShippedSpaces,
  loadSpace,
  sampleDecisions,
  type DecisionProcess,
  type ProblemSpec,
  type SpaceDefinition,
} from '../../space/index.js';
import { spaceProblem } from '../../app/options/default-spaces.js';
import { problemFrom, problemOptions, type ProblemArgs } from './arch.js';
import { writeLines, writeOut } from './stdout.js';

interface SpaceArgs extends ProblemArgs {
  space: string;
  json?: boolean;
}

const showCommand: CommandModule<ProblemArgs, SpaceArgs> = {
  command: 'show <space>',
  describe: 'Print the decisions of a search space, their choices and the size of the space',
  builder: (yargs) =>
    problemOptions(yargs)
      .positional('space', { type: 'string', demandOption: true, describe: 'A shipped space name or a space file' })
      .option('json', { type: 'boolean', describe: 'Print JSON' }) as Argv<SpaceArgs>,
  handler: (args) => {
    const space = loadSpace(args.space);
    const problem = withSpaceCap(problemFrom(args, spaceProblem(space.name)), space, args);
    const process_ = bindSpace(space, problem);
    const log10 = process_.log10Size?.() ?? NaN;
    const info = {
      name: space.name,
      kind: space.kind,
      description: space.description ?? '',
      problem,
      decisions: process_.kinds.map((kind) => ({ name: kind.name, choices: kind.labels.length, labels: kind.labels })),
      maxDecisions: process_.maxDecisions,
      log10Size: log10,
    };
    writeOut(args.json ? `${JSON.stringify(info, null, 2)}\n` : human(space, info));
  },
};

interface SampleArgs extends SpaceArgs {
  count: number;
  seed: string;
}

const sampleCommand: CommandModule<ProblemArgs, SampleArgs> = {
  command: 'sample <space>',
  describe: 'Print candidates drawn uniformly through the feasibility masks (what a random search would try)',
  builder: (yargs) =>
    problemOptions(yargs)
      .positional('space', { type: 'string', demandOption: true, describe: 'A shipped space name or a space file' })
      .option('count', { type: 'number', default: 5, describe: 'How many candidates' })
      .option('seed', { type: 'string', default: '1', describe: 'Random seed' })
      .option('json', { type: 'boolean', describe: 'Print one JSON object per line: decisions, hash, candidate' }) as Argv<SampleArgs>,
  handler: async (args) => {
    positiveInteger('--count', args.count);
    const definition = loadSpace(args.space);
    const problem = withSpaceCap(problemFrom(args, spaceProblem(definition.name)), definition, args);
    await writeLines(sampleLines(bindSpace(definition, problem), problem, args));
  },
};

/** The lines of `nas space sample`, made one at a time: --count may be far more than anyone reads. */
function* sampleLines(space: DecisionProcess, problem: ProblemSpec, args: SampleArgs): Generator<string> {
  const random = seedrandom(args.seed);
  for (let i = 0; i < args.count; i++) {
    const decisions = sampleDecisions(space, random);
    const candidate = space.decode(decisions);
    const hash = space.hash(decisions);
    if (args.json) {
      yield `${JSON.stringify({ decisions, hash, candidate })}\n`;
    } else if (candidate.kind === 'cell') {
      yield `${hash}  ${candidate.arch}\n`;
    } else {
      const { params, macs } = inferCost(candidate.arch, problem.input, problem.classes);
      const figures = `${params.toLocaleString('en-US').padStart(12)} params ${macs.toLocaleString('en-US').padStart(13)} MACs`;
      yield `${hash}  ${figures}  ${describeArch(candidate.arch)}\n`;
    }
  }
}

/** Without --max-macs, a space's own default MAC cap applies, as it does in `nas search`. */
function withSpaceCap(problem: ProblemSpec, space: SpaceDefinition, args: ProblemArgs): ProblemSpec {
  const cap = defaultMaxMacs(space);
  return args['max-macs'] !== undefined || cap === undefined ? problem : { ...problem, maxMacs: cap };
}

const listCommand: CommandModule<ProblemArgs, ProblemArgs> = {
  command: 'list',
  describe: 'List the shipped search spaces',
  handler: () => {
    writeOut(listShippedSpaces().map((name) => `${name}\n`).join(''));
  },
};

export const spaceCommand: CommandModule<ProblemArgs, ProblemArgs> = {
  command: 'space',
  describe: 'Show a search space (its decisions and size), sample from it, or list the shipped ones',
  builder: (yargs) =>
    yargs
      .command(showCommand as unknown as CommandModule<ProblemArgs, ProblemArgs>)
      .command(sampleCommand as unknown as CommandModule<ProblemArgs, ProblemArgs>)
      .command(listCommand)
      .demandCommand(1, 'Name an action: show, sample or list.')
      .epilogue(`Shipped spaces: ${listShippedSpaces().join(', ')}. Example: nas space show seed-cnn --input 28x28x1 --classes 10`),
  handler: () => {},
};

function human(
  space: SpaceDefinition,
  info: { problem: { input: number[]; classes: number; maxParams?: number; maxMacs?: number }; decisions: { name: string; choices: number; labels: string[] }[]; maxDecisions: number; log10Size: number },
): string {
  const width = Math.max(...info.decisions.map((d) => d.name.length));
  const structure =
    space.kind === 'layers'
      ? [
          `layers ${space.minLayers} to ${space.maxLayers} (T not counted), at most ${space.maxFC ?? 2} FC`,
          `follows: ${Object.entries(space.follows ?? {}).map(([key, list]) => `${key} -> ${list.join(' ')}`).join('; ')}`,
        ]
      : ['6 edges |op~0|+|op~0|op~1|+|op~0|op~1|op~2|'];
  const caps = [
    info.problem.maxParams !== undefined ? `at most ${info.problem.maxParams} parameters` : '',
    info.problem.maxMacs !== undefined ? `at most ${info.problem.maxMacs} MACs` : '',
  ].filter(Boolean);
  const cap = caps.length ? `, ${caps.join(', ')}` : '';
  const count = 10 ** info.log10Size;
  const size = !Number.isFinite(info.log10Size)
    ? 'unknown'
    : space.kind === 'nb201'
      ? `${Math.round(count).toLocaleString('en-US')} cells`
      : `about 10^${info.log10Size.toFixed(1)} (${count < 1e9 ? Math.round(count).toLocaleString('en-US') : count.toExponential(2)}) ` +
        'decision sequences feasible for this input (skip choices estimated; caps only partly counted)';
  const scope = space.kind === 'nb201' ? 'size' : `size for input ${info.problem.input.join('x')}, ${info.problem.classes} classes${cap}`;
  return [
    `space ${space.name} (${space.kind})${space.description ? ': ' + space.description : ''}`,
    ...structure,
    `decisions (${info.decisions.length} kinds, at most ${info.maxDecisions} per candidate):`,
    ...info.decisions.map((d) => `  ${d.name.padEnd(width)}  ${String(d.choices).padStart(2)} choices: ${d.labels.join(', ')}`),
    `${scope}: ${size}`,
    '',
  ].join('\n');
}
