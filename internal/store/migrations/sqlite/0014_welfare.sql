-- Welfare: what the benefits service keeps beside the decisions of 0013.

-- citizen_languages is the language each citizen last used to sign in to
-- the wallet, so that proactive SMS reach them in it.
CREATE TABLE citizen_languages (
    iin        TEXT PRIMARY KEY,
    lang       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
) WITHOUT ROWID;

-- benefit_wellbeing holds each household's well-being score as of the run
-- that last decided it: its level (A..E), the score c_i = units/den and
-- the indicators it is deprived in (bit j of mask is the model's j-th
-- indicator). It sets outreach priority and never denies a benefit.
CREATE TABLE benefit_wellbeing (
    household TEXT PRIMARY KEY,
    run_id    INTEGER NOT NULL,
    region    TEXT NOT NULL,
    level     TEXT NOT NULL,
    units     INTEGER NOT NULL,
    den       INTEGER NOT NULL,
    mask      INTEGER NOT NULL,
    poor      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX benefit_wellbeing_level ON benefit_wellbeing (level, region);

-- benefit_wellbeing_runs hold the Alkire–Foster aggregate of each mass
-- run (wellbeing.Result as JSON): M0 by region and by indicator.
CREATE TABLE benefit_wellbeing_runs (
    run_id INTEGER PRIMARY KEY,
    result TEXT NOT NULL
);

-- benefit_watermarks hold, for each mass or incremental run, the highest
-- ingest run whose records it had seen: the next incremental run reads
-- the records changed after it.
CREATE TABLE benefit_watermarks (
    run_id     INTEGER PRIMARY KEY,
    source_run INTEGER NOT NULL
);
