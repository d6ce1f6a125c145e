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

func (s *Server) putMember(w http.ResponseWriter, r *http.Request) {
	adminPut(s, w, r, func(ctx context.Context, x *exchange.Exchange, m exchange.Member) (any, error) {
		m.Code = r.PathValue("member")
		return m, x.PutMember(ctx, m)
	})
}

func (s *Server) deleteMember(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange) (any, error) {
		return nil, x.DeleteMember(ctx, r.PathValue("member"))
	})
}

func (s *Server) putSubsystem(w http.ResponseWriter, r *http.Request) {
	adminPut(s, w, r, func(ctx context.Context, x *exchange.Exchange, sub exchange.Subsystem) (any, error) {
		sub.Member, sub.Code = r.PathValue("member"), r.PathValue("subsystem")
		return sub, x.PutSubsystem(ctx, sub)
	})
}

func (s *Server) deleteSubsystem(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange) (any, error) {
		return nil, x.DeleteSubsystem(ctx, r.PathValue("member"), r.PathValue("subsystem"))
	})
}

func (s *Server) putService(w http.ResponseWriter, r *http.Request) {
	adminPut(s, w, r, func(ctx context.Context, x *exchange.Exchange, svc exchange.Service) (any, error) {
		svc.Code = r.PathValue("service")
		return svc, x.PutService(ctx, svc)
	})
}

func (s *Server) deleteService(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange) (any, error) {
		return nil, x.DeleteService(ctx, r.PathValue("service"))
	})
}

func (s *Server) putPurpose(w http.ResponseWriter, r *http.Request) {
	adminPut(s, w, r, func(ctx context.Context, x *exchange.Exchange, p exchange.Purpose) (any, error) {
		p.Code = r.PathValue("purpose")
		return p, x.PutPurpose(ctx, p)
	})
}

func (s *Server) putLegalBasis(w http.ResponseWriter, r *http.Request) {
	adminPut(s, w, r, func(ctx context.Context, x *exchange.Exchange, b exchange.LegalBasis) (any, error) {
		b.Code = r.PathValue("basis")
		return b, x.PutLegalBasis(ctx, b)
	})
}

func (s *Server) deleteLegalBasis(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange) (any, error) {
		return nil, x.DeleteLegalBasis(ctx, r.PathValue("basis"))
	})
}

// rightFromPath reads a right from /registry/rights/{member}/{subsystem}/{service}/{purpose}.
func rightFromPath(r *http.Request) exchange.Right {
	return exchange.Right{Member: r.PathValue("member"), Subsystem: r.PathValue("subsystem"),
		Service: r.PathValue("service"), Purpose: r.PathValue("purpose")}
}

func (s *Server) grantRight(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange) (any, error) {
		right := rightFromPath(r)
		return right, x.Grant(ctx, right)
	})
}

func (s *Server) revokeRight(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange) (any, error) {
		return nil, x.Revoke(ctx, rightFromPath(r))
	})
}

// keyRequest asks for a new API key.
type keyRequest struct {
	Member    string   `json:"member"`
	Subsystem string   `json:"subsystem"`
	Scopes    []string `json:"scopes"`
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request) {
	adminPut(s, w, r, func(ctx context.Context, x *exchange.Exchange, k keyRequest) (any, error) {
		token, id, err := x.CreateKey(ctx, k.Member, k.Subsystem, k.Scopes)
		return map[string]any{"id": id, "token": token, "member": k.Member, "subsystem": k.Subsystem, "scopes": k.Scopes}, err
	})
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange) (any, error) {
		return nil, x.RevokeKey(ctx, r.PathValue("key"))
	})
}

func (s *Server) revokeCert(w http.ResponseWriter, r *http.Request) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange) (any, error) {
		return nil, x.RevokeCert(ctx, r.PathValue("serial"))
	})
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
func (s *Server) admin(w http.ResponseWriter, r *http.Request, change func(context.Context, *exchange.Exchange) (any, error)) {
	if _, err := s.authorize(r, exchange.ScopeAdmin); err != nil {
		writeRefusal(w, r, err, nil)
		return
	}
	v, err := change(r.Context(), s.opts.Exchange)
	switch {
	case err != nil:
		writeRefusal(w, r, err, nil)
	case v == nil:
		w.WriteHeader(http.StatusNoContent)
	default:
		view.WriteJSON(w, r, http.StatusOK, v)
	}
}

// adminPut is admin for a change that carries a JSON body.
func adminPut[T any](s *Server, w http.ResponseWriter, r *http.Request, change func(context.Context, *exchange.Exchange, T) (any, error)) {
	s.admin(w, r, func(ctx context.Context, x *exchange.Exchange) (any, error) {
		var v T
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRegistryBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil {
			return nil, &exchange.Refusal{Status: http.StatusBadRequest, Code: "bad_request", Detail: "body: " + err.Error()}
		}
		return change(ctx, x, v)
	})
}
