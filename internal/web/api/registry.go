package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/web/view"
)

// maxRegistryBody caps a registry entry's body: a legal basis with its
// field list is a few kilobytes.
const maxRegistryBody = 256 << 10

// The registry is public: which agencies may ask what, for which purpose
// and under which law is exactly what citizens and auditors should be able
// to read. Changing it takes a credential with the admin scope.

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) {
	s.readRegistry(w, r, func(x *exchange.Exchange) any { return map[string]any{"members": orEmpty(x.Members())} })
}

func (s *Server) listServices(w http.ResponseWriter, r *http.Request) {
	s.readRegistry(w, r, func(x *exchange.Exchange) any { return map[string]any{"services": orEmpty(x.Services())} })
}

func (s *Server) listPurposes(w http.ResponseWriter, r *http.Request) {
	s.readRegistry(w, r, func(x *exchange.Exchange) any { return map[string]any{"purposes": orEmpty(x.Purposes())} })
}

func (s *Server) listLegalBases(w http.ResponseWriter, r *http.Request) {
	s.readRegistry(w, r, func(x *exchange.Exchange) any { return map[string]any{"legal_bases": orEmpty(x.LegalBases())} })
}

func (s *Server) listRights(w http.ResponseWriter, r *http.Request) {
	s.readRegistry(w, r, func(x *exchange.Exchange) any { return map[string]any{"rights": orEmpty(x.Rights())} })
}

func (s *Server) getLegalBasis(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("basis")
	s.readRegistry(w, r, func(x *exchange.Exchange) any {
		if b, ok := x.LegalBasis(code); ok {
			return b
		}
		return &exchange.Refusal{Status: http.StatusNotFound, Code: "not_found", Detail: "no legal basis " + code}
	})
}

// Every change names the members whose entries it touches: an admin key
// may change them only when they are all its own member, unless its
// member is the national administrator. Entries of no member (purposes,
// legal bases) are the national administrator's alone.

func (s *Server) putMember(w http.ResponseWriter, r *http.Request) {
	adminPut(s, w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client, m exchange.Member) (any, error) {
		m.Code = r.PathValue("member")
		if err := s.manages(c, m.Code); err != nil {
			return nil, err
		}
		return m, x.PutMember(ctx, m)
	})
}

func (s *Server) deleteMember(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client) (any, error) {
		if err := s.manages(c, r.PathValue("member")); err != nil {
			return nil, err
		}
		return nil, x.DeleteMember(ctx, r.PathValue("member"))
	})
}

func (s *Server) putSubsystem(w http.ResponseWriter, r *http.Request) {
	adminPut(s, w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client, sub exchange.Subsystem) (any, error) {
		sub.Member, sub.Code = r.PathValue("member"), r.PathValue("subsystem")
		if err := s.manages(c, sub.Member); err != nil {
			return nil, err
		}
		return sub, x.PutSubsystem(ctx, sub)
	})
}

func (s *Server) deleteSubsystem(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client) (any, error) {
		if err := s.manages(c, r.PathValue("member")); err != nil {
			return nil, err
		}
		return nil, x.DeleteSubsystem(ctx, r.PathValue("member"), r.PathValue("subsystem"))
	})
}

// serviceOwners are the members a change of service code touches: the
// one that provides it now and the ones named. A service that does not
// exist names no provider (""): only the national administrator learns
// so from the exchange's 404.
func serviceOwners(x *exchange.Exchange, code string, named ...string) []string {
	if svc, ok := x.Service(code); ok {
		return append(named, svc.Member)
	}
	if len(named) == 0 {
		return []string{""}
	}
	return named
}

func (s *Server) putService(w http.ResponseWriter, r *http.Request) {
	adminPut(s, w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client, svc exchange.Service) (any, error) {
		svc.Code = r.PathValue("service")
		if err := s.manages(c, serviceOwners(x, svc.Code, svc.Member)...); err != nil {
			return nil, err
		}
		return svc, x.PutService(ctx, svc)
	})
}

func (s *Server) deleteService(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client) (any, error) {
		code := r.PathValue("service")
		if err := s.manages(c, serviceOwners(x, code)...); err != nil {
			return nil, err
		}
		return nil, x.DeleteService(ctx, code)
	})
}

func (s *Server) putPurpose(w http.ResponseWriter, r *http.Request) {
	adminPut(s, w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client, p exchange.Purpose) (any, error) {
		p.Code = r.PathValue("purpose")
		if err := s.manages(c, ""); err != nil {
			return nil, err
		}
		return p, x.PutPurpose(ctx, p)
	})
}

func (s *Server) putLegalBasis(w http.ResponseWriter, r *http.Request) {
	adminPut(s, w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client, b exchange.LegalBasis) (any, error) {
		b.Code = r.PathValue("basis")
		if err := s.manages(c, ""); err != nil {
			return nil, err
		}
		return b, x.PutLegalBasis(ctx, b)
	})
}

func (s *Server) deleteLegalBasis(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client) (any, error) {
		if err := s.manages(c, ""); err != nil {
			return nil, err
		}
		return nil, x.DeleteLegalBasis(ctx, r.PathValue("basis"))
	})
}

// rightFromPath reads a right from /registry/rights/{member}/{subsystem}/{service}/{purpose}.
func rightFromPath(r *http.Request) exchange.Right {
	return exchange.Right{Member: r.PathValue("member"), Subsystem: r.PathValue("subsystem"),
		Service: r.PathValue("service"), Purpose: r.PathValue("purpose")}
}

// grantRight gives a right to a service: its provider decides who may ask
// it, never the client, which could otherwise grant itself anything. An
// unknown service is left to the exchange to refuse (404), for the
// national administrator only.
func (s *Server) grantRight(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client) (any, error) {
		right := rightFromPath(r)
		if err := s.manages(c, serviceOwners(x, right.Service)...); err != nil {
			return nil, err
		}
		return right, x.Grant(ctx, right)
	})
}

// revokeRight takes a right away: the service's provider may, and so may
// the holder, giving up its own right.
func (s *Server) revokeRight(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client) (any, error) {
		right := rightFromPath(r)
		if right.Member != c.Member {
			if err := s.manages(c, serviceOwners(x, right.Service)...); err != nil {
				return nil, err
			}
		}
		return nil, x.Revoke(ctx, right)
	})
}

// keyRequest asks for a new API key.
type keyRequest struct {
	Member    string   `json:"member"`
	Subsystem string   `json:"subsystem"`
	Scopes    []string `json:"scopes"`
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request) {
	adminPut(s, w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client, k keyRequest) (any, error) {
		if err := s.manages(c, k.Member); err != nil {
			return nil, err
		}
		token, id, err := x.CreateKey(ctx, k.Member, k.Subsystem, k.Scopes)
		return map[string]any{"id": id, "token": token, "member": k.Member, "subsystem": k.Subsystem, "scopes": k.Scopes}, err
	})
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client) (any, error) {
		id := r.PathValue("key")
		// An unknown key is the exchange's to refuse (404), but only to
		// the national administrator: others learn nothing of keys not
		// their member's.
		member, _ := x.KeyMember(id)
		if err := s.manages(c, member); err != nil {
			return nil, err
		}
		return nil, x.RevokeKey(ctx, id)
	})
}

func (s *Server) revokeCert(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client) (any, error) {
		serial := r.PathValue("serial")
		member, _ := x.CertMember(serial)
		if err := s.manages(c, member); err != nil {
			return nil, err
		}
		return nil, x.RevokeCert(ctx, serial)
	})
}

// manages refuses c unless it may change entries of every member named:
// its own member, or any ("" included) as the national administrator.
func (s *Server) manages(c exchange.Client, members ...string) error {
	if c.Member == s.opts.NationalAdmin {
		return nil
	}
	for _, m := range members {
		if m != c.Member {
			detail := "only the national administrator may change this entry"
			if m != "" {
				detail = "member " + c.Member + "'s admin credential may change only its own member's entries, not " + m + "'s"
			}
			return &exchange.Refusal{Status: http.StatusForbidden, Code: "not_owner", Detail: detail}
		}
	}
	return nil
}

// orEmpty makes an empty list encode as [] rather than null.
func orEmpty[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

// readRegistry answers a public read of the registry; read may return a
// *exchange.Refusal to refuse.
func (s *Server) readRegistry(w http.ResponseWriter, r *http.Request, read func(*exchange.Exchange) any) {
	if s.opts.Exchange == nil {
		writeRefusal(w, r, errNoExchange, nil)
		return
	}
	v := read(s.opts.Exchange)
	if rf, ok := v.(*exchange.Refusal); ok {
		writeRefusal(w, r, rf, nil)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, v)
}

// admin runs a registry change for a caller holding the admin scope and
// answers with its result: the entry as stored, or 204 when there is none.
// A caller without a valid credential is refused as every API route
// refuses one (Server.system).
func (s *Server) admin(w http.ResponseWriter, r *http.Request, change func(context.Context, *exchange.Exchange, exchange.Client) (any, error)) {
	s.system(exchange.ScopeAdmin, func(w http.ResponseWriter, r *http.Request, c exchange.Client) {
		v, err := change(r.Context(), s.opts.Exchange, c)
		switch {
		case err != nil:
			writeRefusal(w, r, err, nil)
		case v == nil:
			w.WriteHeader(http.StatusNoContent)
		default:
			view.WriteJSON(w, r, http.StatusOK, v)
		}
	})(w, r)
}

// adminPut is admin for a change that carries a JSON body.
func adminPut[T any](s *Server, w http.ResponseWriter, r *http.Request,
	change func(context.Context, *exchange.Exchange, exchange.Client, T) (any, error)) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange, c exchange.Client) (any, error) {
		var v T
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRegistryBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			return nil, &exchange.Refusal{Status: http.StatusBadRequest, Code: "bad_request", Detail: "body: " + err.Error()}
		}
		return change(ctx, x, c, v)
	})
}
