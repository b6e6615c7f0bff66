/**
 * The database schema as ordered migrations. A migration is applied once, in order, inside one transaction
 * with the schema_version row that records it; never edit a released migration, append a new one.
 */
export const APPLICATION_ID = 0x6e617331; // 'nas1': marks a SQLite file as a nas database

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE experiments (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    dataset       TEXT NOT NULL,
    space         TEXT NOT NULL,
    strategy      TEXT NOT NULL,
    seed          INTEGER NOT NULL,
    config        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('running', 'stopped', 'completed', 'failed')),
    message       TEXT,
    wall_seconds  REAL NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    finished_at   TEXT
  );

  CREATE TABLE trials (
    id             INTEGER PRIMARY KEY,
    experiment_id  INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    batch          INTEGER NOT NULL,
    decisions      TEXT NOT NULL,
    arch           TEXT NOT NULL,
    hash           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'pruned', 'duplicate')),
    reward         REAL,
    val_acc        REAL,
    val_loss       REAL,
    train_acc      REAL,
    params         INTEGER,
    macs           INTEGER,
    epochs_run     INTEGER,
    duration_s     REAL,
    backend        TEXT,
    worker         TEXT,
    error          TEXT,
    duplicate_of   INTEGER,
    hyper          TEXT NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    started_at     TEXT,
    finished_at    TEXT,
    UNIQUE (experiment_id, seq)
  );
  CREATE INDEX trials_by_hash ON trials (experiment_id, hash);
  CREATE INDEX trials_by_reward ON trials (experiment_id, reward);

  CREATE TABLE epochs (
    trial_id    INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
    epoch       INTEGER NOT NULL,
    train_loss  REAL,
    train_acc   REAL,
    val_loss    REAL,
    val_acc     REAL,
    seconds     REAL,
    PRIMARY KEY (trial_id, epoch)
  );

  CREATE TABLE controller_updates (
    id               INTEGER PRIMARY KEY,
    experiment_id    INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    batch            INTEGER NOT NULL,
    trials_consumed  INTEGER NOT NULL,
    step             INTEGER,
    mean_reward      REAL,
    baseline         REAL,
    entropy          REAL,
    diagnostics      TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    UNIQUE (experiment_id, batch)
  );

  CREATE TABLE controller_states (
    id               INTEGER PRIMARY KEY,
    experiment_id    INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    batch            INTEGER NOT NULL,
    phase            TEXT NOT NULL CHECK (phase IN ('initial', 'asked', 'told')),
    trials_consumed  INTEGER NOT NULL,
    strategy         TEXT NOT NULL,
    state            BLOB NOT NULL,
    created_at       TEXT NOT NULL
  );
  CREATE INDEX controller_states_latest ON controller_states (experiment_id, id);

  CREATE TABLE replays (
    id           INTEGER PRIMARY KEY,
    trial_id     INTEGER REFERENCES trials(id) ON DELETE SET NULL,
    arch         TEXT NOT NULL,
    dataset      TEXT NOT NULL,
    epochs       INTEGER NOT NULL,
    hyper        TEXT NOT NULL,
    test_acc     REAL NOT NULL,
    test_loss    REAL,
    confusion    TEXT NOT NULL,
    per_class    TEXT NOT NULL,
    model_path   TEXT,
    backend      TEXT,
    seconds      REAL,
    created_at   TEXT NOT NULL
  );
  `,
  // 2: the stored config's version, and per-trial leases (lease_expires_at in epoch milliseconds).
  `
  ALTER TABLE experiments ADD COLUMN config_version INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE trials ADD COLUMN lease_owner TEXT;
  ALTER TABLE trials ADD COLUMN lease_expires_at INTEGER;
  `,
  // 3: the backend the experiment's last run trained on, as its header printed it (e.g. "wasm on the CPU, 4 threads per worker").
  `
  ALTER TABLE experiments ADD COLUMN backend TEXT;
  `,
  // 4: an evaluator's state after a trial (the shared weights of --evaluator shared), the latest few per experiment.
  `
  CREATE TABLE evaluator_checkpoints (
    experiment_id  INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    after_seq      INTEGER NOT NULL,
    steps          INTEGER NOT NULL,
    state          BLOB NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (experiment_id, after_seq)
  );
  `,
];
