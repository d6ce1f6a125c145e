package store

import (
	"bytes"
	"fmt"
)

// How golden_records keeps a golden record's document. The document is
// JSON that repeats its member records' source, agency and observation
// time once per member, so zstd keeps it in about a third of its size; a
// country's golden records are the store's largest table otherwise
// (docs/benchmarks.md, "Golden records on disk"). Each document is
// compressed on its own, because one is read at a time: an entity's page,
// a wallet, an exchange answer. Documents stored before migration 25 stay
// JSON text until their entity is rebuilt; a zstd frame starts with bytes
// no JSON document does, so a read tells the two apart.

// zstdMagic starts every zstd frame.
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// packDocs compresses the documents of rows, in order.
func packDocs(rows []GoldenRow) ([][]byte, error) {
	enc, err := zstdEncoder()
	if err != nil {
		return nil, fmt.Errorf("compress golden records: %w", err)
	}
	out := make([][]byte, len(rows))
	for i := range rows {
		out[i] = enc.EncodeAll(rows[i].Doc, make([]byte, 0, len(rows[i].Doc)/2))
	}
	return out, nil
}

// docValue scans a stored golden document into its JSON.
type docValue struct{ b *[]byte }

func (v docValue) Scan(src any) error {
	var stored []byte
	switch x := src.(type) {
	case string:
		stored = []byte(x) // a copy already
	case []byte:
		stored = x
		if !bytes.HasPrefix(stored, zstdMagic) {
			stored = bytes.Clone(x) // the driver reuses x
		}
	default:
		return fmt.Errorf("scan golden document: unexpected %T", src)
	}
	if !bytes.HasPrefix(stored, zstdMagic) {
		*v.b = stored
		return nil
	}
	dec, err := zstdDecoder()
	if err == nil {
		*v.b, err = dec.DecodeAll(stored, make([]byte, 0, 3*len(stored)))
	}
	if err != nil {
		return fmt.Errorf("decompress golden document: %w", err)
	}
	return nil
}
