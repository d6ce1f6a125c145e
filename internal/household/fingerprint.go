package household

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// fingerprint hashes every value of p and its provenance (record ids and
// versions, dates), Inputs aside, in a canonical form: encoding/json
// writes struct fields in order and map keys sorted.
func fingerprint(p *Profile) string {
	q := *p
	q.Inputs = ""
	b, err := json.Marshal(&q)
	if err != nil { // only plain values: cannot happen
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
