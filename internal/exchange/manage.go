package exchange

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/ident"
	"github.com/ortaq/ortaq/internal/store"
)

// Entity kinds a service answers about, and the key each is looked up by.
const (
	KindPerson    = "person"
	KindAnimal    = "animal"
	KeyNationalID = "national_id"
	KeyTag        = "tag"
)

// keyOf is the key attribute of each kind a service may answer about: a
// person by IIN, an animal by ear tag, the two lookups the store indexes.
var keyOf = map[string]string{KindPerson: KeyNationalID, KindAnimal: KeyTag}

// Registry changes: each validates against the registry, writes the store
// and applies at once. A validation failure is a *Refusal 400 (bad_request)
// naming what is wrong; a reference to something missing is a *Refusal 404
// (not_found).

// PutMember creates a member or updates its title and rate limit; its
// subsystems are kept (Subsystems is ignored: use PutSubsystem).
func (x *Exchange) PutMember(ctx context.Context, m Member) error {
	if err := checkCode("member", m.Code); err != nil {
		return err
	}
	if err := checkTitle("member "+m.Code, m.Title); err != nil {
		return err
	}
	if m.RateLimit < 0 || m.RateLimit > 1_000_000 {
		return refuse(400, CodeBadRequest, "member %s: rate limit %d must be 0 (none) to 1000000 requests a second", m.Code, m.RateLimit)
	}
	return x.change(ctx, func(*registry) error {
		return x.st.PutExchangeMember(ctx, store.ExchangeMember{Code: m.Code, Title: m.Title, RateLimit: m.RateLimit})
	})
}

// DeleteMember deletes a member with its subsystems, their access rights,
// keys' and certificates' use; it is refused while the member exposes
// services.
func (x *Exchange) DeleteMember(ctx context.Context, code string) error {
	return x.change(ctx, func(r *registry) error {
		if r.members[code] == nil {
			return refuse(404, CodeNotFound, "no member %q", clip(code))
		}
		var owned []string
		for _, s := range r.serviceList {
			if s.Member == code {
				owned = append(owned, s.Code)
			}
		}
		if len(owned) > 0 {
			return refuse(400, CodeBadRequest, "member %s still exposes services %s; delete them first", code,
				strings.Join(owned, ", "))
		}
		return x.st.DeleteExchangeMember(ctx, code)
	})
}

// PutSubsystem creates a subsystem of an existing member or updates its
// title.
func (x *Exchange) PutSubsystem(ctx context.Context, s Subsystem) error {
	if err := checkCode("subsystem", s.Code); err != nil {
		return err
	}
	if err := checkTitle("subsystem "+s.Member+"/"+s.Code, s.Title); err != nil {
		return err
	}
	return x.change(ctx, func(r *registry) error {
		if err := r.needSubsystem(s.Member, "", true); err != nil {
			return err
		}
		return x.st.PutExchangeSubsystem(ctx, store.ExchangeSubsystem{Member: s.Member, Code: s.Code, Title: s.Title})
	})
}

// DeleteSubsystem deletes a subsystem and its access rights.
func (x *Exchange) DeleteSubsystem(ctx context.Context, member, code string) error {
	return x.change(ctx, func(*registry) error { return x.st.DeleteExchangeSubsystem(ctx, member, code) })
}

// PutService creates or replaces a service. Kind is "person" (keyed by
// national_id) or "animal" (keyed by tag); KeyAttr may be left empty to
// take the kind's key. A golden-backed service (Source "") may expose only
// attributes golden records keep; a source-backed one names the source's
// attributes, and the source, when it is registered already, must hold
// entities of Kind.
func (x *Exchange) PutService(ctx context.Context, s Service) error {
	if err := checkCode("service", s.Code); err != nil {
		return err
	}
	if err := checkTitle("service "+s.Code, s.Title); err != nil {
		return err
	}
	key, ok := keyOf[s.Kind]
	if !ok {
		return refuse(400, CodeBadRequest, "service %s: kind %q must be %s or %s", s.Code, clip(s.Kind), KindPerson, KindAnimal)
	}
	if s.KeyAttr == "" {
		s.KeyAttr = key
	}
	if s.KeyAttr != key {
		return refuse(400, CodeBadRequest, "service %s: a %s service is keyed by %s, not %q", s.Code, s.Kind, key, clip(s.KeyAttr))
	}
	if err := checkFieldList("service "+s.Code, s.Fields); err != nil {
		return err
	}
	if s.Source == "" {
		if keep := golden.Attributes(s.Kind); keep != nil {
			for _, f := range s.Fields {
				if !slices.Contains(keep, f) {
					return refuse(400, CodeBadRequest, "service %s: golden records of %s keep no field %q; they keep %s",
						s.Code, s.Kind, f, strings.Join(keep, ", "))
				}
			}
		}
	} else {
		kind, agency, err := x.st.SourceEntity(ctx, s.Source)
		switch {
		case errors.Is(err, store.ErrNotFound):
			// The agency may register the source after its service; until
			// then, and if another agency registers it, Fetch reads nothing.
		case err != nil:
			return err
		case agency != s.Member:
			// A member publishes its own sources only: otherwise one
			// agency's admin could serve another agency's register.
			return refuse(403, CodeNotOwner, "service %s: source %s is %s's, not %s's", s.Code, s.Source, agency, s.Member)
		case kind != s.Kind:
			return refuse(400, CodeBadRequest, "service %s: source %s holds %s records, not %s", s.Code, s.Source, kind, s.Kind)
		}
	}
	return x.change(ctx, func(r *registry) error {
		if r.members[s.Member] == nil {
			return refuse(404, CodeNotFound, "no member %q", clip(s.Member))
		}
		return x.st.PutExchangeService(ctx, store.ExchangeService{Code: s.Code, Member: s.Member, Title: s.Title, Kind: s.Kind,
			KeyAttr: s.KeyAttr, Source: s.Source, Fields: s.Fields})
	})
}

// DeleteService deletes a service and every access right to it. Legal
// bases that name it keep the name, harmlessly.
func (x *Exchange) DeleteService(ctx context.Context, code string) error {
	return x.change(ctx, func(*registry) error { return x.st.DeleteExchangeService(ctx, code) })
}

// PutPurpose creates a purpose or updates its title.
func (x *Exchange) PutPurpose(ctx context.Context, p Purpose) error {
	if err := checkCode("purpose", p.Code); err != nil {
		return err
	}
	if err := checkTitle("purpose "+p.Code, p.Title); err != nil {
		return err
	}
	return x.change(ctx, func(*registry) error {
		return x.st.PutExchangePurpose(ctx, store.ExchangePurpose{Code: p.Code, Title: p.Title})
	})
}

// PutLegalBasis creates or replaces a legal basis. Its purposes and
// services must exist; it must name a law, an article, a purpose and a
// field.
func (x *Exchange) PutLegalBasis(ctx context.Context, b LegalBasis) error {
	if err := checkCode("legal basis", b.Code); err != nil {
		return err
	}
	what := "legal basis " + b.Code
	if err := checkTitle(what, b.Title); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(b.Law) == "" || strings.TrimSpace(b.Article) == "":
		return refuse(400, CodeBadRequest, "%s: law and article are required", what)
	case len(b.Law) > 500 || len(b.Article) > 200:
		return refuse(400, CodeBadRequest, "%s: law (at most 500 bytes) or article (at most 200) is too long", what)
	case len(b.Purposes) == 0:
		return refuse(400, CodeBadRequest, "%s: at least one purpose is required", what)
	case b.RetentionDays < 0:
		return refuse(400, CodeBadRequest, "%s: retention days %d must not be negative", what, b.RetentionDays)
	}
	if err := checkFieldList(what, b.Fields); err != nil {
		return err
	}
	return x.change(ctx, func(r *registry) error {
		for _, p := range b.Purposes {
			if _, ok := r.purposes[p]; !ok {
				return refuse(404, CodeNotFound, "%s: no purpose %q", what, clip(p))
			}
		}
		for _, s := range b.Services {
			if r.services[s] == nil {
				return refuse(404, CodeNotFound, "%s: no service %q", what, clip(s))
			}
		}
		return x.st.PutLegalBasis(ctx, store.LegalBasisRow{Code: b.Code, Title: b.Title, Law: b.Law, Article: b.Article,
			Purposes: b.Purposes, Services: b.Services, Fields: b.Fields, ConsentRequired: b.ConsentRequired,
			RetentionDays: b.RetentionDays})
	})
}

// DeleteLegalBasis deletes a legal basis; requests citing it are refused
// from then on.
func (x *Exchange) DeleteLegalBasis(ctx context.Context, code string) error {
	return x.change(ctx, func(*registry) error { return x.st.DeleteLegalBasis(ctx, code) })
}

// Grant gives a subsystem the right to use a service for a purpose; all
// three must exist. Granting a right twice changes nothing.
func (x *Exchange) Grant(ctx context.Context, a Right) error {
	return x.change(ctx, func(r *registry) error {
		if err := r.needSubsystem(a.Member, a.Subsystem, false); err != nil {
			return err
		}
		if r.services[a.Service] == nil {
			return refuse(404, CodeNotFound, "no service %q", clip(a.Service))
		}
		if _, ok := r.purposes[a.Purpose]; !ok {
			return refuse(404, CodeNotFound, "no purpose %q", clip(a.Purpose))
		}
		return x.st.PutAccessRight(ctx, store.AccessRight{Member: a.Member, Subsystem: a.Subsystem, Service: a.Service,
			Purpose: a.Purpose})
	})
}

// Revoke takes a right away at once; a right not held is refused with 404.
func (x *Exchange) Revoke(ctx context.Context, a Right) error {
	return x.change(ctx, func(*registry) error {
		return x.st.DeleteAccessRight(ctx, store.AccessRight{Member: a.Member, Subsystem: a.Subsystem, Service: a.Service,
			Purpose: a.Purpose})
	})
}

func checkCode(what, code string) error {
	if !ValidCode(code) {
		return refuse(400, CodeBadRequest, "%s code %q must be 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit",
			what, clip(code))
	}
	return nil
}

// checkTitle accepts titles in Kazakh, Russian and English, the languages
// the platform speaks.
func checkTitle(what string, t Title) error {
	for lang, text := range t {
		if lang != "kk" && lang != "ru" && lang != "en" {
			return refuse(400, CodeBadRequest, "%s: title language %q must be kk, ru or en", what, clip(lang))
		}
		if !utf8.ValidString(text) || strings.TrimSpace(text) == "" || len(text) > 500 {
			return refuse(400, CodeBadRequest, "%s: %s title must be 1 to 500 bytes of UTF-8", what, lang)
		}
		// Kazakh, Russian and English need no direction controls; in a
		// title they would reorder the page that names the member.
		if err := ident.Check(text); err != nil {
			return refuse(400, CodeBadRequest, "%s: %s title %v", what, lang, err)
		}
	}
	return nil
}

// checkFieldList checks a non-empty list of distinct attribute names.
func checkFieldList(what string, fields []string) error {
	if len(fields) == 0 {
		return refuse(400, CodeBadRequest, "%s: at least one field is required", what)
	}
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		if !validAttr(f) {
			return refuse(400, CodeBadRequest, "%s: field %q must be 1 to 64 of a-z, 0-9 and '_', starting with a letter", what, clip(f))
		}
		if seen[f] {
			return refuse(400, CodeBadRequest, "%s: field %s is listed twice", what, f)
		}
		seen[f] = true
	}
	return nil
}

func validAttr(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
