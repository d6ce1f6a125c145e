package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/merkle/testonly"
	"github.com/transparency-dev/tessera/api/layout"
	"github.com/transparency-dev/tessera/client"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// serve mounts the log's handler where the web server does.
func serve(t *testing.T, l *Log) (*httptest.Server, *client.HTTPFetcher) {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/api/v1/audit/log/", http.StripPrefix("/api/v1/audit/log", l.Handler()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL + "/api/v1/audit/log/")
	if err != nil {
		t.Fatal(err)
	}
	f, err := client.NewHTTPFetcher(u, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return srv, f
}

// TestIndependentClient checks the log with tessera's client alone, as an
// auditor outside ortaq would: fetch and verify checkpoints, prove records
// included (in full and partial tiles, on both sides of tile boundaries),
// read entry bundles, and prove each checkpoint extends the one before.
func TestIndependentClient(t *testing.T) {
	// Tens of thousands of leaves: slow under the race detector, so it
	// shares the time with the other large tests.
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, v := mustKey(t, testOrigin)
		l := mustOpen(t, st, s, Options{MaxBatch: 1 << 16})
		_, f := serve(t, l)

		tracker, err := client.NewLogStateTracker(ctx, f.ReadTile, nil, v, testOrigin, client.UnilateralConsensus(f.ReadCheckpoint))
		if err != nil {
			t.Fatal(err)
		}
		var recs []Record
		for _, size := range []int{1, 255, 256, 257, 70000} {
			out, err := l.Append(ctx, testRecords(len(recs), size-len(recs))...)
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, out...)
			if _, err := l.Checkpoint(ctx); err != nil {
				t.Fatal(err)
			}
			// The tracker proves the new checkpoint consistent with the
			// last one it saw.
			if _, _, _, err := tracker.Update(ctx); err != nil {
				t.Fatalf("size %d: consistency: %v", size, err)
			}
			cp, _, _, err := client.FetchCheckpoint(ctx, f.ReadCheckpoint, v, testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			if cp.Size != uint64(size) || tracker.Latest().Size != cp.Size {
				t.Fatalf("checkpoint size %d, tracker %d, want %d", cp.Size, tracker.Latest().Size, size)
			}
			pb, err := client.NewProofBuilder(ctx, cp.Size, f.ReadTile)
			if err != nil {
				t.Fatal(err)
			}
			for _, idx := range []uint64{0, 1, 127, 254, 255, 256, 257, 65535, 65536, 69999} {
				if idx >= cp.Size {
					continue
				}
				p, err := pb.InclusionProof(ctx, idx)
				if err != nil {
					t.Fatalf("size %d index %d: %v", size, idx, err)
				}
				if err := proof.VerifyInclusion(rfc6962.DefaultHasher, idx, cp.Size, recs[idx].LeafHash(), p, cp.Hash); err != nil {
					t.Fatalf("size %d index %d: %v", size, idx, err)
				}
				b, err := client.GetEntryBundle(ctx, f.ReadEntryBundle, idx/layout.EntryBundleWidth, cp.Size)
				if err != nil {
					t.Fatalf("size %d bundle of %d: %v", size, idx, err)
				}
				if got := b.Entries[idx%layout.EntryBundleWidth]; !bytes.Equal(got, recs[idx].Commitment()) {
					t.Fatalf("size %d entry %d is %x, want the record's commitment", size, idx, got)
				}
			}
		}
	})
}

func TestHandlerResponses(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	s, _ := mustKey(t, testOrigin)
	l := mustOpen(t, st, s, Options{MaxBatch: 1 << 12, CheckpointInterval: time.Hour})
	srv, _ := serve(t, l)
	if _, err := l.Append(ctx, testRecords(0, 300)...); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	// Committed after the checkpoint: not served until the next one.
	if _, err := l.Append(ctx, testRecords(300, 300)...); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path string
		status       int
		ctype, cache string
		size         int
	}{
		{"GET", "checkpoint", 200, "text/plain; charset=utf-8", "no-cache", -1},
		{"GET", "tile/0/000", 200, "application/octet-stream", "public, max-age=31536000, immutable", 256 * 32},
		{"GET", "tile/0/001.p/44", 200, "application/octet-stream", "public, max-age=31536000, immutable", 44 * 32},
		{"GET", "tile/0/001.p/10", 200, "application/octet-stream", "public, max-age=31536000, immutable", 10 * 32},
		{"GET", "tile/1/000.p/1", 200, "application/octet-stream", "public, max-age=31536000, immutable", 32},
		{"GET", "tile/entries/000", 200, "application/octet-stream", "public, max-age=31536000, immutable", 256 * 34},
		{"GET", "tile/entries/001.p/44", 200, "application/octet-stream", "public, max-age=31536000, immutable", 44 * 34},
		{"HEAD", "tile/0/000", 200, "application/octet-stream", "public, max-age=31536000, immutable", 0},
		{"GET", "tile/0/001", 404, "", "", -1},      // beyond the checkpoint
		{"GET", "tile/0/001.p/45", 404, "", "", -1}, // ditto
		{"GET", "tile/entries/002.p/1", 404, "", "", -1},
		{"GET", "tile/1/000", 404, "", "", -1},
		{"GET", "tile/0/x000/000", 404, "", "", -1}, // not canonical
		{"GET", "tile/0/0", 404, "", "", -1},
		{"GET", "tile/9/000", 404, "", "", -1},
		{"GET", "nope", 404, "", "", -1},
		{"POST", "checkpoint", 405, "", "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequestWithContext(ctx, tt.method, srv.URL+"/api/v1/audit/log/"+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.status != 200 {
				return
			}
			if got := resp.Header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if got := resp.Header.Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control %q, want %q", got, tt.cache)
			}
			if tt.size >= 0 && len(body) != tt.size {
				t.Errorf("body is %d bytes, want %d", len(body), tt.size)
			}
		})
	}
}

// appendEntries puts arbitrary entries in the log through the writer, as
// if they were record commitments, so that the tree can be compared with
// published test vectors. The records stored beside them are placeholders.
func appendEntries(t *testing.T, l *Log, entries [][]byte) {
	t.Helper()
	req := &request{recs: make([]Record, len(entries)), leaves: entries, hashes: make([][]byte, len(entries)), done: make(chan error, 1)}
	for i, e := range entries {
		req.recs[i] = Record{Time: time.Now().UTC().Truncate(time.Microsecond), Salt: []byte{0}}
		req.hashes[i] = rfc6962.DefaultHasher.HashLeaf(e)
	}
	l.reqs <- req
	if err := <-req.done; err != nil {
		t.Fatal(err)
	}
}

// TestMerkleVectors checks the roots and proofs the log computes from its
// stored tiles against transparency-dev/merkle's RFC 6962 test vectors and,
// for trees with several tile levels, its reference implementation.
func TestMerkleVectors(t *testing.T) {
	// Tens of thousands of leaves: slow under the race detector, so it
	// shares the time with the other large tests.
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, _ := mustKey(t, testOrigin)
		l := mustOpen(t, st, s, Options{MaxBatch: 1 << 17})

		inputs := testonly.LeafInputs()
		roots := testonly.RootHashes()
		ref := testonly.New(rfc6962.DefaultHasher)
		for size := range uint64(len(inputs) + 1) {
			if size > 0 {
				appendEntries(t, l, inputs[size-1:size])
				ref.AppendData(inputs[size-1])
			}
			rng, err := loadRange(ctx, st, size)
			if err != nil {
				t.Fatal(err)
			}
			if got := rootOf(rng); !bytes.Equal(got, roots[size]) {
				t.Fatalf("size %d: root %x, vector %x", size, got, roots[size])
			}
			checkProofs(t, st, ref, size, rand.New(rand.NewPCG(1, size)), 100)
		}

		// Beyond the vectors: 70000 leaves span three tile levels.
		rnd := rand.New(rand.NewPCG(7, 7))
		var more [][]byte
		for i := range 70000 - len(inputs) {
			e := make([]byte, 32)
			binary.BigEndian.PutUint64(e, rnd.Uint64())
			e[31] = byte(i)
			more = append(more, e)
			ref.AppendData(e)
		}
		appendEntries(t, l, more)
		for _, size := range []uint64{9, 255, 256, 257, 511, 512, 65535, 65536, 65537, 69999, 70000} {
			rng, err := loadRange(ctx, st, size)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := rootOf(rng), ref.HashAt(size); !bytes.Equal(got, want) {
				t.Fatalf("size %d: root %x, reference %x", size, got, want)
			}
			checkProofs(t, st, ref, size, rnd, 20)
		}
	})
}

// checkProofs compares inclusion and consistency proofs built from the
// stored tiles with the reference tree's, at n random indices and sizes
// plus the edges.
func checkProofs(t *testing.T, st *store.Store, ref *testonly.Tree, size uint64, rnd *rand.Rand, n int) {
	t.Helper()
	if size == 0 {
		return
	}
	ctx := context.Background()
	nr := newNodeReader(st, size)
	idx := []uint64{0, size - 1}
	for range n {
		idx = append(idx, rnd.Uint64N(size))
	}
	for _, i := range idx {
		got, err := nr.inclusionProof(ctx, i)
		if err != nil {
			t.Fatalf("inclusion %d/%d: %v", i, size, err)
		}
		want, err := ref.InclusionProof(i, size)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("inclusion proof %d in %d (-reference +ours):\n%s", i, size, diff)
		}
		if err := proof.VerifyInclusion(rfc6962.DefaultHasher, i, size, ref.LeafHash(i), got, ref.HashAt(size)); err != nil {
			t.Fatal(err)
		}
		smaller := i + 1
		got, err = nr.consistencyProof(ctx, smaller)
		if err != nil {
			t.Fatalf("consistency %d-%d: %v", smaller, size, err)
		}
		want, err = ref.ConsistencyProof(smaller, size)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("consistency proof %d to %d (-reference +ours):\n%s", smaller, size, diff)
		}
	}
}

func FuzzParseTilePath(f *testing.F) {
	for _, s := range []string{
		"tile/0/000", "tile/0/x001/234", "tile/3/x123/x456/789.p/255", "tile/entries/001.p/1",
		"tile/entries/x001/x000/000", "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/x000/000", "tile/64/000",
		"tile/0/.p/3", "tile//000", "tile/entries/", "tile/0/000.p/", "tile/0/x1/000", "checkpoint",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		tp, err := parseTilePath(p)
		if err != nil {
			return
		}
		var again string
		if tp.entries {
			again = layout.EntriesPath(tp.index, tp.width)
		} else {
			again = layout.TilePath(tp.level, tp.index, tp.width)
		}
		if again != p {
			t.Fatalf("%q parsed as %+v, which prints as %q", p, tp, again)
		}
		if tp.level > maxTileLevel {
			t.Fatalf("%q: level %d", p, tp.level)
		}
	})
}

// TestCommitmentVector pins the version-1 commitment encoding: the record
// and digest below are the worked example in docs/audit.md, for anyone
// writing an independent client.
func TestCommitmentVector(t *testing.T) {
	r := Record{
		Time:       time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC),
		Member:     "GOV-MOH",
		Subsystem:  "clinics",
		Auth:       "cert:1A2B",
		User:       "officer7",
		Service:    "person-lookup",
		Subject:    "900101300123",
		Fields:     []string{"last_name", "birth_date"},
		Purpose:    "treatment",
		LegalBasis: "health-code-art-61",
		RequestID:  "req-1",
		Decision:   Allowed,
		Status:     200,
		Salt:       bytes.Repeat([]byte{0x5a}, 32),
	}
	enc := r.appendEncoding(nil)
	if !bytes.HasPrefix(enc, []byte("ortaq-audit-v1\x00\x00\x00\x20ZZZZ")) {
		t.Fatalf("encoding starts %q", enc[:24])
	}
	sum := sha256.Sum256(enc)
	if got := r.Commitment(); !bytes.Equal(got, sum[:]) {
		t.Fatal("Commitment is not SHA-256 of the encoding")
	}
	const want = "28af31a7c68b1cba682d38aaffe3de9e2019f85ef8ace8c636e43ceeac833c3e"
	if got := hex.EncodeToString(r.Commitment()); got != want {
		t.Fatalf("commitment %s, want %s (encoding %q)", got, want, enc)
	}
	// Index and nothing else may change without changing the commitment.
	r2 := r
	r2.Index = 99
	if !bytes.Equal(r2.Commitment(), r.Commitment()) {
		t.Fatal("Index changed the commitment")
	}
	for name, change := range map[string]func(*Record){
		"time":   func(r *Record) { r.Time = r.Time.Add(time.Microsecond) },
		"fields": func(r *Record) { r.Fields = []string{"last_name,birth_date"} },
		"status": func(r *Record) { r.Status = 403 },
		"salt":   func(r *Record) { r.Salt = bytes.Repeat([]byte{1}, 32) },
		"reason": func(r *Record) { r.Reason = " " },
		"shift":  func(r *Record) { r.Member, r.Subsystem = "GOV-MOHc", "linics" },
	} {
		r2 := r
		change(&r2)
		if bytes.Equal(r2.Commitment(), r.Commitment()) {
			t.Errorf("changing %s kept the commitment", name)
		}
	}
}

// TestCommitmentVectorV2 pins the version-2 encoding, used by any record
// with a kind, role or case: the version-1 fields under the tag
// "ortaq-audit-v2", then kind, role and case. The digest is the second
// worked example in docs/audit.md.
func TestCommitmentVectorV2(t *testing.T) {
	r := Record{
		Time:      time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC),
		Member:    "GOV-MOH",
		Subsystem: "console",
		Auth:      "official",
		User:      "official:aigerim",
		Service:   "entity",
		Subject:   "900101300123",
		Purpose:   "case-review",
		Decision:  Allowed,
		Status:    200,
		Kind:      KindOfficialRead,
		Role:      "data_officer",
		Case:      "MOH-2026-0042",
		Salt:      bytes.Repeat([]byte{0x5a}, 32),
	}
	enc := r.appendEncoding(nil)
	v1 := r
	v1.Kind, v1.Role, v1.Case = "", "", ""
	// The same bytes as version 1 after the tag, then the three new fields.
	tail := []byte("\x00\x00\x00\x0dofficial-read\x00\x00\x00\x0cdata_officer\x00\x00\x00\x0dMOH-2026-0042")
	if want := append(append([]byte("ortaq-audit-v2"), v1.appendEncoding(nil)[len("ortaq-audit-v1"):]...), tail...); !bytes.Equal(enc, want) {
		t.Fatalf("encoding\n%q, want\n%q", enc, want)
	}
	const want = "d9dad299a23be4d8fe84760a7953622a670686316ba560595ed83e868b7671b0"
	if got := hex.EncodeToString(r.Commitment()); got != want {
		t.Fatalf("commitment %s, want %s", got, want)
	}
	// Each of the three fields alone moves a record to version 2, and each
	// is committed to.
	for name, change := range map[string]func(*Record){
		"kind": func(r *Record) { r.Kind = KindBreakGlass },
		"role": func(r *Record) { r.Role = "auditor" },
		"case": func(r *Record) { r.Case = "MOH-2026-0043" },
		"shift": func(r *Record) {
			r.Role, r.Case = "data_officerM", "OH-2026-0042"
		},
	} {
		r2 := r
		change(&r2)
		if bytes.Equal(r2.Commitment(), r.Commitment()) {
			t.Errorf("changing %s kept the commitment", name)
		}
		r3 := v1
		change(&r3)
		if bytes.HasPrefix(r3.appendEncoding(nil), []byte("ortaq-audit-v1")) {
			t.Errorf("a record with only its %s set is still encoded as version 1", name)
		}
	}
}
