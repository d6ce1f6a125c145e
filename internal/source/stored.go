package source

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"
)

// Stored returns a source's contract entry as the store keeps it: id and
// definition are a registered source's ID and Definition (store.SourceDef,
// store.SourceStats), which ingest.Register wrote as the JSON of a *Source.
//
// The entry is decoded once and cached by id and a hash of definition, so a
// source registered again with a changed contract is decoded afresh and
// every later call sees the new one. The returned *Source is shared between
// callers and goroutines: it MUST NOT be modified (copy it first, as
// ingest.Push does to override the format).
func Stored(id int64, definition []byte) (*Source, error) {
	sum := sha256.Sum256(definition)
	storedCache.Lock()
	e, ok := storedCache.m[id]
	storedCache.Unlock()
	if ok && e.sum == sum {
		return e.src, nil
	}
	src := &Source{}
	if err := json.Unmarshal(definition, src); err != nil {
		return nil, fmt.Errorf("stored definition: %w", err)
	}
	storedCache.Lock()
	// One entry per source id: the cache is as small as the registry.
	storedCache.m[id] = storedEntry{sum: sum, src: src}
	storedCache.Unlock()
	return src, nil
}

type storedEntry struct {
	sum [sha256.Size]byte
	src *Source
}

var storedCache = struct {
	sync.Mutex
	m map[int64]storedEntry
}{m: map[int64]storedEntry{}}
