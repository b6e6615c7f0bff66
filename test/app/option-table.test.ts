import assert from 'node:assert/strict';
import { test } from 'node:test';
import yargs, { type Argv } from 'yargs';
import {
  SEARCH_OPTIONS,
  configDifferences,
  declareSearchOptions,
  flagName,
  helpText,
  nonNegativeInteger,
  printableName,
  resolveRunOptions,
  resolveSearchConfig,
  searchInputFromArgs,
  type OptionSpec,
  type SearchConfig,
  type SearchOptionSpec,
  type SearchOptions,
  text,
} from '../../src/app/options/index.js';
import { ConfigError } from '../../src/errors.js';

interface Declared {
  type: string;
  describe: string;
}

/** The options yargs declared, by name, with their type and describe text ('help' and 'version' are yargs' own). */
function declared(parser: Argv): Map<string, Declared> {
  const options = (parser as unknown as { getOptions(): Record<'string' | 'number' | 'boolean', string[]> & { key: Record<string, unknown> } }).getOptions();
  const describe = (parser as unknown as { getInternalMethods(): { getUsageInstance(): { getDescriptions(): Record<string, string> } } })
    .getInternalMethods()
    .getUsageInstance()
    .getDescriptions();
  const typeOf = (key: string): string => (['string', 'number', 'boolean'] as const).find((type) => options[type].includes(key)) ?? 'none';
  const keys = Object.keys(options.key).filter((key) => key !== 'help' && key !== 'version');
  return new Map(keys.map((key) => [key, { type: typeOf(key), describe: describe[key] ?? '' }]));
}

function refusedNaming(run: () => unknown, flag: string): void {
  assert.throws(run, (error) => error instanceof ConfigError && error.message.startsWith(`${flag} `), `a ConfigError naming ${flag}`);
}

// Compile-time: a stored row's checked value fits its SearchConfig field.
type GenericStoredSpec = Exclude<SearchOptionSpec, { scope: 'run' } | { special: true }>;
type CheckedValues = { [S in GenericStoredSpec as S['key']]: ReturnType<S['check']> };
const checkedValuesFitTheConfig: CheckedValues extends Pick<Required<SearchConfig>, keyof CheckedValues> ? true : false = true;

test('every row has a flag, a key, help, a check and a scope, and no flag or key is used twice', () => {
  assert.ok(checkedValuesFitTheConfig);
  for (const spec of SEARCH_OPTIONS as readonly OptionSpec[]) {
    assert.match(spec.flag, /^[a-z]+(-[a-z]+)*$/, spec.flag);
    assert.match(spec.key, /^[a-z][A-Za-z]*$/, spec.key);
    assert.ok(spec.help.trim().length > 0, `${spec.flag}: help`);
    assert.equal(typeof spec.check, 'function', `${spec.flag}: check`);
    assert.ok(['experiment', 'experiment-mutable', 'run'].includes(spec.scope), `${spec.flag}: scope`);
    assert.ok(['string', 'number', 'boolean'].includes(spec.type), `${spec.flag}: type`);
  }
  assert.equal(new Set(SEARCH_OPTIONS.map((spec) => spec.flag)).size, SEARCH_OPTIONS.length);
  assert.equal(new Set(SEARCH_OPTIONS.map((spec) => spec.key)).size, SEARCH_OPTIONS.length);
  const scopeOf = (scope: string): string[] => SEARCH_OPTIONS.filter((spec) => spec.scope === scope).map((spec) => spec.flag);
  assert.deepEqual(scopeOf('experiment-mutable'), ['trials', 'backend', 'data-dir']);
  assert.deepEqual(scopeOf('run').sort(), ['concurrency', 'db', 'gpus', 'json', 'name', 'queue', 'quiet', 'resume', 'threads', 'time-limit']);
});

/** A value that each row's check refuses (a number where text is due, text where a number is, ...). */
function badValue(spec: OptionSpec): unknown {
  if (spec.type === 'number') return Number.NaN;
  if (spec.type === 'boolean') return 'yes';
  return spec.check === text || spec.check === printableName ? 42 : 'no-such-value';
}

test('each option\'s bad value is a ConfigError naming its flag, where the option is resolved', () => {
  const runResolved: readonly string[] = ['concurrency', 'threads', 'gpus', 'timeLimitSeconds', 'name', 'queue'];
  for (const spec of SEARCH_OPTIONS as readonly OptionSpec[]) {
    const bad = badValue(spec);
    refusedNaming(() => spec.check(flagName(spec), bad), flagName(spec));
    if (spec.scope !== 'run') {
      const base: SearchOptions = spec.key === 'dataset' ? {} : { dataset: 'synthetic' };
      refusedNaming(() => resolveSearchConfig({ ...base, [spec.key]: bad } as SearchOptions), flagName(spec));
    } else if (runResolved.includes(spec.key)) {
      const value = spec.key === 'gpus' ? ['gpu0'] : bad;
      refusedNaming(() => resolveRunOptions({ [spec.key]: value }, () => 1), flagName(spec));
    }
  }
  refusedNaming(() => resolveSearchConfig({}), '--dataset');
  assert.throws(() => resolveSearchConfig({ dataset: 'imagenet' }), /^ConfigError: --dataset must be one of .*, not 'imagenet'$/);
  assert.throws(() => resolveSearchConfig({ dataset: 'synthetic', trials: 0 }), /--trials must be a positive integer, not 0/);
});

test('the CLI builder declares exactly the table\'s options, with the table\'s types and help', async () => {
  const { searchCommand } = await import('../../src/cli/commands/search.js');
  const build = searchCommand.builder as (parser: Argv) => Argv;
  const options = declared(build(yargs([])));
  assert.deepEqual([...options.keys()], SEARCH_OPTIONS.map((spec) => spec.flag));
  for (const spec of SEARCH_OPTIONS) assert.deepEqual(options.get(spec.flag), { type: spec.type, describe: helpText(spec) }, spec.flag);
  const help = (flag: string): string => options.get(flag)!.describe;
  assert.equal(help('trials'), 'Architectures to evaluate [default: 50]');
  assert.equal(help('max-macs'), "Only propose architectures with at most this many multiply-accumulates per image (bounds training time) [default: the space's defaultMaxMacs, if it has one; fashion: 2000000]");
  assert.equal(help('train-limit'), 'Train each trial on at most this many examples (a cheap proxy)');
  assert.equal(help('json'), 'Print one JSON object per event (for scripts)', 'a flag\'s false default goes without saying');
});

test('parsed arguments become options and run options by the table, with nothing per option', async () => {
  const argv = ['--dataset', 'synthetic', '--lr', '0.01', '--train-limit', '500', '--controller-options', '{"a":1}', '--gpus', '0, 1', '--resume', '--db', 'x.db'];
  const parsed = await declareSearchOptions(yargs(argv)).parseAsync();
  const { options, run } = searchInputFromArgs(parsed);
  assert.deepEqual(options, { dataset: 'synthetic', learningRate: 0.01, trainLimit: 500, controllerOptions: '{"a":1}' });
  assert.deepEqual(run, { concurrency: 1, gpus: ['0', '1'], resume: true, dbFile: 'x.db', json: false, quiet: false });
  const nothing = searchInputFromArgs(await declareSearchOptions(yargs([])).parseAsync());
  assert.deepEqual(nothing, { options: {}, run: { concurrency: 1, resume: false, dbFile: 'results.db', json: false, quiet: false } });
});

test('a row added to a copy of the table is declared, parsed, resolved, checked and compared with no other change', async () => {
  const warmup: OptionSpec = { flag: 'warmup-epochs', key: 'warmupEpochs', type: 'number', scope: 'experiment', default: 0, check: nonNegativeInteger, help: 'Epochs of warm-up' };
  const table: readonly OptionSpec[] = [...SEARCH_OPTIONS, warmup];
  const parser = declareSearchOptions(yargs(['--dataset', 'synthetic', '--warmup-epochs', '2']), table);
  assert.deepEqual(declared(parser).get('warmup-epochs'), { type: 'number', describe: 'Epochs of warm-up [default: 0]' });
  const { options } = searchInputFromArgs(await parser.parseAsync(), table);
  const config = resolveSearchConfig(options, undefined, table) as SearchConfig & { warmupEpochs?: number };
  assert.equal(config.warmupEpochs, 2);
  assert.equal((resolveSearchConfig({ dataset: 'synthetic' }, undefined, table) as typeof config).warmupEpochs, 0);
  assert.equal((resolveSearchConfig({}, config, table) as typeof config).warmupEpochs, 2, 'kept on resume');
  refusedNaming(() => resolveSearchConfig({ dataset: 'synthetic', warmupEpochs: -1 } as SearchOptions, undefined, table), '--warmup-epochs');
  const changed = resolveSearchConfig({ warmupEpochs: 3 } as SearchOptions, config, table);
  assert.deepEqual(configDifferences(config, changed, table), ['warmupEpochs: 2 -> 3']);
  const mutableTable = [...SEARCH_OPTIONS, { ...warmup, scope: 'experiment-mutable' as const }];
  assert.deepEqual(configDifferences(config, changed, mutableTable), []);
});

test('sizes and counts have an upper bound no sane search exceeds: a slip such as 1e12 is refused, naming the bound', () => {
  const bounds: [string, number][] = [
    ['trials', 100_000], ['controller-batch', 1000], ['epochs', 10_000], ['train-limit', 10_000_000], ['val-limit', 10_000_000],
    ['batch-size', 65_536], ['concurrency', 1024], ['threads', 256], ['seed', 2_147_483_647], ['prune-min-trials', 100_000],
    ['max-consecutive-failures', 100_000],
  ];
  for (const [flag, max] of bounds) {
    const spec = (SEARCH_OPTIONS as readonly OptionSpec[]).find((row) => row.flag === flag)!;
    assert.equal(spec.check(`--${flag}`, max), max, `--${flag} ${max} is allowed`);
    assert.throws(() => spec.check(`--${flag}`, max + 1), new RegExp(`^ConfigError: --${flag} must be at most ${max.toLocaleString('en-US')}, not ${max + 1}$`));
    assert.throws(() => spec.check(`--${flag}`, 1e12), /must be at most/);
  }
  assert.throws(() => resolveSearchConfig({ dataset: 'synthetic', batchSize: 1e12 }), /^ConfigError: --batch-size must be at most 65,536, not 1000000000000$/);
  assert.throws(() => resolveSearchConfig({ dataset: 'synthetic', controllerBatch: 5000 }), /^ConfigError: --controller-batch must be at most 1,000, not 5000$/);
});
