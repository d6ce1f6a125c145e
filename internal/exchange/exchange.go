// Package exchange lets one agency's information system query another
// agency's data through ortaq, X-Road style. Agencies are members with
// subsystems; members expose services; a legal-basis registry says which
// law article allows which purposes and fields; access rights bind a client
// subsystem to a service and a purpose. A request is answered only when
// every one of these agrees, and only with the fields its basis allows.
package exchange

// Title is a text in several languages, keyed by "kk", "ru" and "en".
type Title map[string]string

// Member is an agency (or another organisation) on the exchange.
type Member struct {
	Code  string `json:"code"`
	Title Title  `json:"title"`
	// RateLimit is requests per second across the member's subsystems,
	// refused with 429 past it; 0 means no limit.
	RateLimit  int         `json:"rate_limit"`
	Subsystems []Subsystem `json:"subsystems,omitempty"`
}

// Subsystem is one of a member's information systems; it is what a client
// certificate or API key identifies.
type Subsystem struct {
	Member string `json:"member"`
	Code   string `json:"code"`
	Title  Title  `json:"title"`
}

// Service is data a member exposes. It answers by key (Kind's KeyAttr,
// e.g. a person's national_id or an animal's tag) from the golden record
// when Source is empty, else from the subject's live records of Source.
type Service struct {
	Code    string   `json:"code"`
	Member  string   `json:"member"`
	Title   Title    `json:"title"`
	Kind    string   `json:"kind"`
	KeyAttr string   `json:"key_attr"`
	Source  string   `json:"source,omitempty"`
	Fields  []string `json:"fields"`
}

// Purpose is a reason for a query, such as a benefit decision.
type Purpose struct {
	Code  string `json:"code"`
	Title Title  `json:"title"`
}

// LegalBasis is a law article that allows some purposes to use some fields
// of some services (all services when Services is empty).
type LegalBasis struct {
	Code     string   `json:"code"`
	Title    Title    `json:"title"`
	Law      string   `json:"law"`
	Article  string   `json:"article"`
	Purposes []string `json:"purposes"`
	Services []string `json:"services,omitempty"`
	Fields   []string `json:"fields"`
	// ConsentRequired means the subject's consent must be on record.
	ConsentRequired bool `json:"consent_required"`
	// RetentionDays is how long the client may keep what it receives.
	RetentionDays int `json:"retention_days"`
}

// Right lets a client subsystem use a service for a purpose.
type Right struct {
	Member    string `json:"member"`
	Subsystem string `json:"subsystem"`
	Service   string `json:"service"`
	Purpose   string `json:"purpose"`
}
