import type { SqliteDatabase } from './open.js';
import type { NewReplay, ReplayRecord, StoredArch } from './types.js';

interface ReplayRow {
  id: number;
  trial_id: number | null;
  arch: string;
  dataset: string;
  epochs: number;
  hyper: string;
  test_acc: number;
  test_loss: number | null;
  confusion: string;
  per_class: string;
  model_path: string | null;
  backend: string | null;
  seconds: number | null;
  created_at: string;
}

/** The replays table: full trainings of an ARCH evaluated on the test set. */
export class Replays {
  constructor(private readonly db: SqliteDatabase) {}

  record(replay: NewReplay): ReplayRecord {
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO replays (trial_id, arch, dataset, epochs, hyper, test_acc, test_loss, confusion, per_class,
                              model_path, backend, seconds, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        replay.trialId,
        JSON.stringify(replay.arch),
        replay.dataset,
        replay.epochs,
        JSON.stringify(replay.settings),
        replay.evaluation.accuracy,
        Number.isFinite(replay.evaluation.loss) ? replay.evaluation.loss : null,
        JSON.stringify(replay.evaluation.confusion),
        JSON.stringify(replay.evaluation.perClass),
        replay.modelPath,
        replay.backend,
        replay.seconds,
        new Date().toISOString(),
      );
    return this.byId(Number(lastInsertRowid))!;
  }

  byId(id: number): ReplayRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM replays WHERE id = ?`).get(id) as ReplayRow | undefined;
    return row && toRecord(row);
  }

  forTrial(trialId: number): ReplayRecord[] {
    const rows = this.db.prepare(`SELECT * FROM replays WHERE trial_id = ? ORDER BY id`).all(trialId) as ReplayRow[];
    return rows.map(toRecord);
  }
}

function toRecord(row: ReplayRow): ReplayRecord {
  return {
    id: row.id,
    trialId: row.trial_id,
    arch: JSON.parse(row.arch) as StoredArch,
    dataset: row.dataset,
    epochs: row.epochs,
    // The column keeps its first name: replays stored their hyperparameters there.
    settings: JSON.parse(row.hyper) as Record<string, unknown>,
    evaluation: {
      accuracy: row.test_acc,
      loss: row.test_loss ?? Number.NaN,
      confusion: JSON.parse(row.confusion) as number[][],
      perClass: JSON.parse(row.per_class) as ReplayRecord['evaluation']['perClass'],
    },
    modelPath: row.model_path,
    backend: row.backend,
    seconds: row.seconds,
    createdAt: row.created_at,
  };
}
