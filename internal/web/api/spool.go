package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// Defaults of how a push's body must arrive (see Options).
const (
	DefaultPushReadTimeout = 60 * time.Second
	DefaultPushMinRate     = 1 << 10 // bytes a second
	DefaultPushGrace       = 10 * time.Second
)

// spoolMemory is how much of a push is kept in memory; the rest goes to a
// temporary file.
const spoolMemory = 1 << 20

// errSlowBody refuses a push whose body arrives too slowly: answered 408.
var errSlowBody = errors.New("the body arrived too slowly")

// spooled is a push's body, read whole: from memory, or from a temporary
// file removed on Close.
type spooled struct {
	io.ReadSeeker
	f *os.File
}

// rewind goes back to the start of the body, to read it again.
func (b *spooled) rewind() error {
	_, err := b.Seek(0, io.SeekStart)
	return err
}

// Close removes the temporary file, if any.
func (b *spooled) Close() error {
	if b.f == nil {
		return nil
	}
	name := b.f.Name()
	return errors.Join(b.f.Close(), os.Remove(name))
}

// spool reads r's body whole, up to Options.MaxPushBytes (a larger body
// is a *http.MaxBytesError), before the push opens its store transaction:
// a store run holds the write lock while it stores, and must not hold it
// while a sender trickles bytes. The connection's read deadline bounds the
// whole body (Options.PushReadTimeout), and after Options.PushGrace it
// must have come at Options.PushMinRate bytes a second at least; either
// failing is errSlowBody.
func (s *Server) spool(w http.ResponseWriter, r *http.Request) (*spooled, error) {
	start := time.Now()
	rc := http.NewResponseController(w)
	// Not every connection supports deadlines (HTTP/2 streams through
	// some proxies, tests' recorders): the rate check still holds there.
	_ = rc.SetReadDeadline(start.Add(s.opts.PushReadTimeout))
	defer rc.SetReadDeadline(time.Time{})

	body := http.MaxBytesReader(w, r.Body, s.opts.MaxPushBytes)
	var (
		mem  bytes.Buffer
		f    *os.File
		n    int64
		buf  = make([]byte, 32<<10)
		fail = func(err error) (*spooled, error) {
			if f != nil {
				f.Close()
				os.Remove(f.Name())
			}
			return nil, err
		}
	)
	for {
		k, err := body.Read(buf)
		if k > 0 {
			n += int64(k)
			if f == nil && int64(mem.Len())+int64(k) > spoolMemory {
				if f, err = os.CreateTemp(s.opts.SpoolDir, "ortaq-push-*"); err != nil {
					return fail(fmt.Errorf("spool push: %w", err))
				}
				if _, err := f.Write(mem.Bytes()); err != nil {
					return fail(fmt.Errorf("spool push: %w", err))
				}
				mem = bytes.Buffer{}
			}
			if f != nil {
				if _, err := f.Write(buf[:k]); err != nil {
					return fail(fmt.Errorf("spool push: %w", err))
				}
			} else {
				mem.Write(buf[:k])
			}
		}
		if err == io.EOF {
			break
		}
		elapsed := time.Since(start)
		if err != nil {
			var tooBig *http.MaxBytesError
			if !errors.As(err, &tooBig) && elapsed >= s.opts.PushReadTimeout {
				err = fmt.Errorf("%w: not whole after %s", errSlowBody, s.opts.PushReadTimeout)
			}
			return fail(err)
		}
		if elapsed > s.opts.PushGrace && float64(n) < float64(s.opts.PushMinRate)*elapsed.Seconds() {
			return fail(fmt.Errorf("%w: %d bytes in %s, under %d bytes a second", errSlowBody, n,
				elapsed.Round(time.Second), s.opts.PushMinRate))
		}
	}
	if f == nil {
		return &spooled{ReadSeeker: bytes.NewReader(mem.Bytes())}, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(fmt.Errorf("spool push: %w", err))
	}
	return &spooled{ReadSeeker: f, f: f}, nil
}
