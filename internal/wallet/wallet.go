package wallet

import (
	"errors"
	"sync"
	"time"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/store"
)

// Options configure a Wallet. Zero values take the defaults named.
type Options struct {
	// CodeTTL is how long a sign-in code stays valid: 5 minutes.
	CodeTTL time.Duration
	// CodeAttempts is how many wrong codes end a challenge: 5.
	CodeAttempts int
	// CodeLimit codes may be sent for one IIN per CodeWindow: 3 per 15
	// minutes, so that no one can flood a citizen's phone.
	CodeLimit  int
	CodeWindow time.Duration
	// CodeClientLimit codes may be asked for from one client address
	// (an IPv6 network's /64) per CodeWindow, whatever the IINs: 20, so
	// that no one address can cycle through citizens' phones, while
	// a household or an office behind one address can still sign in.
	CodeClientLimit int
	// CodeTotalLimit codes may be sent in all per CodeWindow: 5,000, so
	// that a flood from many addresses runs up neither the state's bill
	// nor the gateway's queue. Past it everyone waits.
	CodeTotalLimit int
	// SMSTimeout bounds one delivery to the SMS gateway: 30 seconds.
	SMSTimeout time.Duration
	// SessionIdle ends a session left unused this long: 15 minutes.
	SessionIdle time.Duration
	// SessionMax ends any session this long after sign-in: 12 hours.
	SessionMax time.Duration
	// SMS delivers sign-in codes; nil keeps them in the store's outbox,
	// which is what the demo shows.
	SMS SMSSender
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func (o *Options) defaults() {
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&o.CodeTTL, 5*time.Minute)
	set(&o.CodeWindow, 15*time.Minute)
	set(&o.SessionIdle, 15*time.Minute)
	set(&o.SessionMax, 12*time.Hour)
	if o.CodeAttempts <= 0 {
		o.CodeAttempts = 5
	}
	if o.CodeLimit <= 0 {
		o.CodeLimit = 3
	}
	if o.CodeClientLimit <= 0 {
		o.CodeClientLimit = 20
	}
	if o.CodeTotalLimit <= 0 {
		o.CodeTotalLimit = 5000
	}
	set(&o.SMSTimeout, 30*time.Second)
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Wallet signs citizens in and reads what the state holds about them. It
// is safe for concurrent use.
type Wallet struct {
	st   *store.Store
	log  *audit.Log
	opts Options
	// sending counts the sign-in codes on their way to the SMS gateway.
	sending sync.WaitGroup
}

// New returns a wallet over st. log is the audit log the citizen's access
// history comes from; without it the history is empty.
func New(st *store.Store, log *audit.Log, opts Options) *Wallet {
	opts.defaults()
	if opts.SMS == nil {
		opts.SMS = Outbox{st: st}
	}
	return &Wallet{st: st, log: log, opts: opts}
}

// now is the wallet's clock in UTC, at the stores' precision.
func (w *Wallet) now() time.Time { return w.opts.Now().UTC().Truncate(time.Microsecond) }

// Sign-in failures a citizen can cause. The page says each in plain words.
var (
	ErrCodeWrong       = errors.New("the code is not right")
	ErrCodeExpired     = errors.New("the code has expired")
	ErrCodeUsed        = errors.New("the code has already been used")
	ErrTooManyAttempts = errors.New("too many wrong codes")
	ErrRateLimited     = errors.New("too many codes were asked for")
	ErrNoSession       = errors.New("not signed in")
)
