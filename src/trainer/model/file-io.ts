import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/**
 * A tfjs IOHandler over node:fs writing the LayersModel format (model.json + weights.bin). The file://
 * handler ships only with tfjs-node, which cannot be assumed.
 */
function fileHandler(folder: string): tf.io.IOHandler {
  return {
    save: async (artifacts) => saveArtifacts(folder, artifacts),
    load: async () => loadArtifacts(folder),
  };
}

export async function saveModel(model: tf.LayersModel, folder: string): Promise<string> {
  await model.save(fileHandler(folder));
  return folder;
}

export async function loadModel(folder: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileHandler(folder));
}

function saveArtifacts(folder: string, artifacts: tf.io.ModelArtifacts): tf.io.SaveResult {
  fs.mkdirSync(folder, { recursive: true });
  const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    trainingConfig: artifacts.trainingConfig,
    weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
  };
  fs.writeFileSync(path.join(folder, WEIGHTS_FILE), Buffer.from(weights));
  fs.writeFileSync(path.join(folder, MODEL_FILE), JSON.stringify(modelJson));
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

async function loadArtifacts(folder: string): Promise<tf.io.ModelArtifacts> {
  const modelJson = JSON.parse(fs.readFileSync(path.join(folder, MODEL_FILE), 'utf8')) as tf.io.ModelJSON;
  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    const buffers = manifest.flatMap((group) => group.paths.map((p) => fs.readFileSync(path.join(folder, p))));
    const joined = Buffer.concat(buffers);
    return [specs, joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength)];
  });
}
