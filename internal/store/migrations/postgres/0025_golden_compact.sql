-- Golden records in a compact layout (issue 17: a country's golden
-- records must fit on one server). doc holds each document compressed
-- (zstd, see internal/store/golden_doc.go); documents stored before stay
-- JSON text, as bytes, until their entity is rebuilt, and reads tell the
-- two apart. PostgreSQL compresses only values over about 2 KB itself,
-- and with a weaker method.

ALTER TABLE golden_records ALTER COLUMN doc TYPE BYTEA USING convert_to(doc, 'UTF8');
