package view

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ortaq/ortaq/internal/store"
)

// A status form carries a status, a short note and where to return; a
// body larger than this is not a form the console sent.
const (
	MaxFormBytes = 16 << 10
	MaxNoteRunes = 1000
)

// SettableStatus reports whether a data officer may set status by hand:
// resolved is the quality run's to decide.
func SettableStatus(status string) bool {
	return status == store.FindingOpen || status == store.FindingFixed || status == store.FindingNotDefect
}

// CheckNote validates a data officer's note.
func CheckNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	if !utf8.ValidString(note) || utf8.RuneCountInString(note) > MaxNoteRunes {
		return "", fmt.Errorf("note: want at most %d characters of UTF-8 text", MaxNoteRunes)
	}
	return note, nil
}
