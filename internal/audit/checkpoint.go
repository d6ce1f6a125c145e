package audit

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// checkpoint is a signed checkpoint as the log keeps it in memory.
type checkpoint struct {
	size uint64
	root []byte
	note []byte // the signed note, as served
}

// checkpointBody is the C2SP tlog-checkpoint body: origin, size and root,
// one per line.
func checkpointBody(origin string, size uint64, root []byte) string {
	return origin + "\n" + strconv.FormatUint(size, 10) + "\n" + base64.StdEncoding.EncodeToString(root) + "\n"
}

// signCheckpoint signs the checkpoint of the tree of size leaves with root.
func signCheckpoint(signer note.Signer, origin string, size uint64, root []byte) ([]byte, error) {
	msg, err := note.Sign(&note.Note{Text: checkpointBody(origin, size, root)}, signer)
	if err != nil {
		return nil, fmt.Errorf("sign checkpoint %d: %w", size, err)
	}
	return msg, nil
}

// parseCheckpoint reads a tlog-checkpoint body (a note's text): origin,
// size, root, then any extension lines, which it ignores.
func parseCheckpoint(text string) (origin string, size uint64, root []byte, err error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		return "", 0, nil, errors.New("checkpoint: want origin, size and root lines")
	}
	origin = lines[0]
	if origin == "" {
		return "", 0, nil, errors.New("checkpoint: empty origin")
	}
	size, err = strconv.ParseUint(lines[1], 10, 64)
	if err != nil || lines[1] != strconv.FormatUint(size, 10) {
		return "", 0, nil, fmt.Errorf("checkpoint: bad size %q", lines[1])
	}
	root, err = base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != 32 {
		return "", 0, nil, fmt.Errorf("checkpoint: bad root %q", lines[2])
	}
	return origin, size, root, nil
}

// openCheckpoint checks a signed checkpoint note with v and parses it.
func openCheckpoint(msg []byte, v note.Verifier) (origin string, size uint64, root []byte, err error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return "", 0, nil, err
	}
	return parseCheckpoint(n.Text)
}

// peekCheckpoint parses a signed checkpoint note without checking its
// signatures, to learn what it claims.
func peekCheckpoint(msg []byte) (origin string, size uint64, root []byte, err error) {
	// A note is its text, a blank line, then signature lines; the text
	// ends with the newline before the blank line.
	i := bytes.LastIndex(msg, []byte("\n\n"))
	if i < 0 {
		return "", 0, nil, errors.New("checkpoint: not a signed note")
	}
	return parseCheckpoint(string(msg[:i+1]))
}
