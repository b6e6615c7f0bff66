import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { batches, loadDataset } from '../../src/data/index.js';
import type { ImageSet, Normalisation } from '../../src/data/types.js';
import type { Arch } from '../../src/space/types.js';
import { Store } from '../../src/store/index.js';
import { buildModel, loadModel, NORMALISE_LAYER } from '../../src/trainer/index.js';
import { shippedFile } from '../../src/util/paths.js';
import type { Preprocessing } from '../../src/app/index.js';
import { CHROMIUM, serveFiles, withChromium } from './browser.js';
import { assertOneLineError, errors, listFiles, runCli, tmpDir, TINY_SPACE } from './cli.js';

const FASHION = '/usr/share/datasets/fashion-mnist';
const skip = !fs.existsSync(FASHION)
  ? `Debian's dataset-fashion-mnist is not installed (${FASHION})`
  : !fs.existsSync(CHROMIUM)
    ? `Debian's chromium is not installed (${CHROMIUM}; .ci/run installs it)`
    : false;
const IMAGES = 200;
const TF_JS = shippedFile('node_modules', '@tensorflow', 'tfjs', 'dist', 'tf.min.js');

/** The web page: stock tfjs, the exported folder, raw pixels; nothing else. */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>nas export in a browser</title>
<script src="/tf.min.js"></script>
<script>
async function classify() {
  const preprocessing = await (await fetch('/model/preprocessing.json')).json();
  const labels = await (await fetch('/model/labels.json')).json();
  const model = await tf.loadLayersModel('/model/model.json');
  const pixels = new Uint8Array(await (await fetch('/images.bin')).arrayBuffer());
  const [height, width, channels] = preprocessing.input.shape;
  const count = pixels.length / (height * width * channels);
  const x = tf.tensor4d(Float32Array.from(pixels), [count, height, width, channels]);
  const classes = Array.from(await model.predict(x).argMax(1).data());
  return { classes, names: classes.map((k) => labels[k]), backend: tf.getBackend() };
}
</script>
`;

/**
 * The classes nas predicts in Node: the network built from the ARCH by nas, holding the exported weights, fed the
 * images as nas's training batches normalise them (with the statistics the replay record keeps).
 */
async function predictedByNas(exported: string, arch: Arch, test: ImageSet, norm: Normalisation): Promise<{ nas: number[]; guess: number[] }> {
  await tf.setBackend('cpu');
  const raw = await loadModel(exported);
  const net = buildModel(arch, test.shape, 10, { seed: 0 });
  try {
    const trainedLayers = raw.layers.slice(1).filter((layer) => layer.name !== NORMALISE_LAYER);
    const builtLayers = net.layers.slice(1);
    assert.deepEqual(builtLayers.map((l) => l.getClassName()), trainedLayers.map((l) => l.getClassName()));
    builtLayers.forEach((layer, i) => layer.setWeights(trainedLayers[i].getWeights()));
    const indices = Int32Array.from({ length: IMAGES }, (_, i) => i);
    const classesOf = (x: Float32Array): number[] =>
      tf.tidy(() => Array.from((net.predict(tf.tensor4d(x, [IMAGES, ...test.shape])) as tf.Tensor).argMax(1).dataSync()));
    const [batch] = batches(test, indices, norm, { batchSize: IMAGES, shuffle: false, seed: 0 });
    // What a user who guessed pixel / 255 would feed the network.
    const [guessed] = batches(test, indices, { mean: [0], std: [1] }, { batchSize: IMAGES, shuffle: false, seed: 0 });
    return { nas: classesOf(batch.x), guess: classesOf(guessed.x) };
  } finally {
    net.dispose();
    raw.dispose();
  }
}

describe('nas export: a replayed model that runs in a web page', { skip }, () => {
  const dir = tmpDir();
  const db = path.join(dir, 'results.db');
  const exported = path.join(dir, 'web', 'model');

  before(async () => {
    const search = ['search', '--dataset', 'fashion-mnist', '--space', TINY_SPACE, '--trials', '2', '--epochs', '1', '--train-limit', '500', '--backend', 'cpu', '--seed', '1'];
    const searched = await runCli(search, { cwd: dir, env: { NAS_TEST_EVALUATOR: 'fake' } });
    assert.equal(searched.code, 0, searched.stderr);
    const replay = await runCli(['replay', '1', '--epochs', '1', '--train-limit', '1000', '--backend', 'wasm', '--threads', '2'], { cwd: dir });
    assert.equal(replay.code, 0, replay.stderr);
    assert.equal(errors(replay), '');
  });

  it('the replay saves a self-describing model, and its record keeps the statistics and what they were computed on', () => {
    const store = Store.openReadOnly(db);
    try {
      const [replay] = store.replays.forTrial(1);
      const folder = replay!.modelPath!;
      assert.deepEqual(fs.readdirSync(folder).sort(), ['labels.json', 'model.json', 'preprocessing.json', 'weights.bin']);
      const written = JSON.parse(fs.readFileSync(path.join(folder, 'preprocessing.json'), 'utf8')) as Preprocessing;
      assert.deepEqual(replay!.settings.preprocessing, written);
      assert.deepEqual(written.input, { shape: [28, 28, 1], channelOrder: 'HWC', colour: 'grayscale', dtype: 'float32', pixels: 'raw', range: [0, 255], normalisedInModel: true });
      assert.deepEqual(written.normalisation.computedOn, {
        dataset: 'fashion-mnist', labelMode: 'default', split: 'train + validation', images: 1111, trainLimit: 1000, valFraction: 0.1, splitSeed: 1,
      });
      const [mean] = written.normalisation.mean;
      const [std] = written.normalisation.std;
      assert.ok(Math.abs(mean! - 0.286) < 0.01 && Math.abs(std! - 0.353) < 0.01, `Fashion-MNIST's statistics on 1,111 images: ${mean}, ${std}`);
      assert.equal(written.resize, null);
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(folder, 'labels.json'), 'utf8')), replay!.settings.labels);
      assert.equal((replay!.settings.labels as string[])[9], 'Ankle boot');
    } finally {
      store.close();
    }
  });

  it('refuses a trial never replayed and a folder that is not empty, writing nothing', async () => {
    const before = listFiles(dir);
    assertOneLineError(await runCli(['export', '2', '--out', 'never'], { cwd: dir }), /trial 2 has never been replayed with a saved model: nas replay 2/);
    assertOneLineError(await runCli(['export', '7', '--out', 'never'], { cwd: dir }), /no trial 7/);
    assertOneLineError(await runCli(['export', '1', '--out', 'models'], { cwd: dir }), /--out models is not empty/);
    assert.deepEqual(listFiles(dir), before);
  });

  it('nas export writes the model, labels.json and preprocessing.json; chromium predicts from raw pixels as nas does in Node (200 of 200)', async (t) => {
    const exportRun = await runCli(['export', '1', '--out', exported], { cwd: dir });
    assert.equal(exportRun.code, 0, exportRun.stderr);
    assert.match(exportRun.stdout, /^exported replay 1 of trial 1 \(fashion-mnist, 1 epochs, test accuracy \d+\.\d\d%\) to .*model\.json, weights\.bin, labels\.json, preprocessing\.json\n$/);
    assert.deepEqual(fs.readdirSync(exported).sort(), ['labels.json', 'model.json', 'preprocessing.json', 'weights.bin']);

    const { test } = await loadDataset('fashion-mnist', { download: false });
    const store = Store.openReadOnly(db);
    const replay = store.replays.forTrial(1)[0]!;
    store.close();
    const { mean, std } = (replay.settings.preprocessing as Preprocessing).normalisation;
    const { nas: expected, guess } = await predictedByNas(exported, replay.arch as Arch, test, { mean, std });
    assert.ok(new Set(expected).size >= 3, `a model that tells classes apart: ${expected.join(',')}`);
    const guessedRight = guess.filter((k, i) => k === expected[i]).length;
    assert.ok(guessedRight < IMAGES, 'the check can fail: inputs of pixel / 255 change some of the predictions');

    const pixels = path.join(dir, 'images.bin');
    fs.writeFileSync(pixels, test.images.subarray(0, IMAGES * 28 * 28));
    const page = path.join(dir, 'index.html');
    fs.writeFileSync(page, PAGE);
    const server = await serveFiles({ '/index.html': page, '/tf.min.js': TF_JS, '/images.bin': pixels, '/model/': exported });
    try {
      const { result, blocked } = await withChromium(server.origin, async (context, blocked) => {
        const tab = await context.newPage();
        const pageErrors: string[] = [];
        tab.on('pageerror', (error) => pageErrors.push(error.message));
        await tab.goto(`${server.origin}/index.html`);
        const result = (await tab.evaluate('classify()')) as { classes: number[]; names: string[]; backend: string };
        assert.deepEqual(pageErrors, []);
        return { result, blocked };
      });
      assert.deepEqual(blocked, [], 'the page reached nothing but the local server');
      assert.deepEqual(server.missing.filter((p) => p !== '/favicon.ico'), []);
      const same = result.classes.filter((k, i) => k === expected[i]).length;
      assert.equal(same, IMAGES, `the browser (tfjs backend ${result.backend}) agrees with nas on ${same} of ${IMAGES} images`);
      t.diagnostic(`chromium (tfjs ${result.backend}) agrees with nas on ${same} of ${IMAGES} images; pixel / 255 would agree on ${guessedRight}`);
      assert.equal(result.names[0], replay.settings.labels && (replay.settings.labels as string[])[expected[0]!]);
    } finally {
      await server.close();
    }
  });
});
