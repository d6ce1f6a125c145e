-- Welfare: what the benefits service keeps beside the decisions of 0013.

-- citizen_languages is the language each citizen last used to sign in to
-- the wallet, so that proactive SMS reach them in it.
CREATE TABLE citizen_languages (
    iin        TEXT COLLATE "C" PRIMARY KEY,
    lang       TEXT COLLATE "C" NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- benefit_wellbeing holds each household's well-being score as of the run
-- that last decided it: its level (A..E), the score c_i = units/den and
-- the indicators it is deprived in (bit j of mask is the model's j-th
-- indicator). It sets outreach priority and never denies a benefit.
CREATE TABLE benefit_wellbeing (
    household TEXT COLLATE "C" PRIMARY KEY,
    run_id    BIGINT NOT NULL,
    region    TEXT COLLATE "C" NOT NULL,
    level     TEXT COLLATE "C" NOT NULL,
    units     BIGINT NOT NULL,
    den       BIGINT NOT NULL,
    mask      BIGINT NOT NULL,
    poor      INTEGER NOT NULL
);
CREATE INDEX benefit_wellbeing_level ON benefit_wellbeing (level, region);

-- benefit_wellbeing_runs hold the Alkire–Foster aggregate of each mass
-- run (wellbeing.Result as JSON): M0 by region and by indicator.
CREATE TABLE benefit_wellbeing_runs (
    run_id BIGINT PRIMARY KEY,
    result TEXT NOT NULL
);

-- benefit_watermarks hold, for each mass or incremental run, the highest
-- ingest run whose records it had seen: the next incremental run reads
-- the records changed after it.
CREATE TABLE benefit_watermarks (
    run_id     BIGINT PRIMARY KEY,
    source_run BIGINT NOT NULL
);
