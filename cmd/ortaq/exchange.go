package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/store"
)

const exchangeUsage = `SUBCOMMAND [flags]

subcommands:
  members [--json]                              list members and their subsystems
  member add CODE [--title T] [--title-kk T] [--title-ru T] [--rate N]
  member delete CODE
  subsystem add MEMBER CODE [--title T] [--title-kk T] [--title-ru T]
  subsystem delete MEMBER CODE
  services [--json]
  service add CODE --member M --kind person|animal [--key ATTR] [--source S] --fields a,b [--title T]
  service delete CODE
  purposes [--json]
  purpose add CODE [--title T] [--title-kk T] [--title-ru T]
  bases [--json]
  basis add CODE --law L --article A --purposes p,q [--services s,t] --fields a,b [--consent] [--retention-days N] [--title T]
  basis delete CODE
  rights [--json]
  grant MEMBER/SUBSYSTEM SERVICE PURPOSE
  revoke MEMBER/SUBSYSTEM SERVICE PURPOSE
  key create --member M [--subsystem S] [--scopes exchange,audit,admin,sources,merchant]   prints the token once
  key revoke ID
  seed                                          put the demo registry (idempotent)

every subcommand takes --db (default $ORTAQ_DB or ` + store.DefaultDSN + `).`

var exchangeCommand = command{
	name:    "exchange",
	summary: "Manage the exchange registry: members, subsystems, services, purposes, legal bases, access rights and API keys.",
	usage:   exchangeUsage,
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		return func(ctx context.Context, fs *flag.FlagSet, out io.Writer) error {
			return runExchange(ctx, fs.Args(), out)
		}
	},
}

// sub is one parsed subcommand: its flags, its positional arguments and
// the registry it works on.
type sub struct {
	name string // "exchange member add", for messages
	fs   *flag.FlagSet
	db   *string
	json *bool
}

// newSub starts a subcommand's flag set with --db (and --json for lists).
func newSub(name string, list bool) *sub {
	s := &sub{name: name, fs: flag.NewFlagSet(name, flag.ContinueOnError)}
	s.fs.SetOutput(io.Discard)
	s.db = dbFlag(s.fs)
	if list {
		s.json = s.fs.Bool("json", false, "print JSON")
	}
	return s
}

// parse reads flags wherever they stand among the positional arguments
// (flag stops at the first positional one), and checks their number.
func (s *sub) parse(args []string, want int, synopsis string) ([]string, error) {
	var pos []string
	for {
		if err := s.fs.Parse(args); err != nil {
			return nil, s.usage("%v", err)
		}
		if s.fs.NArg() == 0 {
			break
		}
		pos = append(pos, s.fs.Arg(0))
		args = s.fs.Args()[1:]
	}
	if len(pos) != want {
		return nil, s.usage("want %s, got %d arguments", synopsis, len(pos))
	}
	return pos, nil
}

func (s *sub) usage(format string, args ...any) error {
	cmd, _, _ := strings.Cut(s.name, " ")
	hint := fmt.Sprintf("run 'ortaq help %s' for the subcommands", cmd)
	return usageError{msg: fmt.Sprintf("ortaq %s: %s", s.name, fmt.Sprintf(format, args...)), hint: hint}
}

// titleFlags declares --title (English), --title-kk and --title-ru.
func titleFlags(fs *flag.FlagSet) func() exchange.Title {
	en := fs.String("title", "", "title in English")
	kk := fs.String("title-kk", "", "title in Kazakh")
	ru := fs.String("title-ru", "", "title in Russian")
	return func() exchange.Title {
		t := exchange.Title{}
		for lang, v := range map[string]string{"en": *en, "kk": *kk, "ru": *ru} {
			if v != "" {
				t[lang] = v
			}
		}
		return t
	}
}

// list splits a comma-separated flag value, dropping blanks.
func list(v string) []string {
	var out []string
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// withExchange opens the store and the registry for one change or listing.
func withExchange(ctx context.Context, dsn string, fn func(x *exchange.Exchange) error) error {
	st, err := openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	x, err := exchange.New(ctx, st, exchange.Options{})
	if err != nil {
		return err
	}
	defer x.Close()
	return fn(x)
}

func runExchange(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError{msg: "ortaq exchange: no subcommand given", hint: "run 'ortaq help exchange' for the subcommands"}
	}
	verb := args[0]
	if len(args) > 1 && (verb == "member" || verb == "subsystem" || verb == "service" || verb == "purpose" || verb == "basis" || verb == "key") {
		verb += " " + args[1]
		args = args[1:]
	}
	args = args[1:]
	name := "exchange " + verb
	switch verb {
	case "members", "services", "purposes", "bases", "rights":
		s := newSub(name, true)
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return err
		}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error { return printRegistry(out, x, verb, *s.json) })

	case "member add":
		s := newSub(name, false)
		title := titleFlags(s.fs)
		rate := s.fs.Int("rate", 0, "requests a second across the member's subsystems (0: no limit)")
		pos, err := s.parse(args, 1, "CODE")
		if err != nil {
			return err
		}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error {
			return done(out, x.PutMember(ctx, exchange.Member{Code: pos[0], Title: title(), RateLimit: *rate}), "member %s saved", pos[0])
		})
	case "member delete":
		s := newSub(name, false)
		pos, err := s.parse(args, 1, "CODE")
		if err != nil {
			return err
		}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error {
			return done(out, x.DeleteMember(ctx, pos[0]), "member %s deleted", pos[0])
		})
	case "subsystem add":
		s := newSub(name, false)
		title := titleFlags(s.fs)
		pos, err := s.parse(args, 2, "MEMBER CODE")
		if err != nil {
			return err
		}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error {
			return done(out, x.PutSubsystem(ctx, exchange.Subsystem{Member: pos[0], Code: pos[1], Title: title()}),
				"subsystem %s/%s saved", pos[0], pos[1])
		})
	case "subsystem delete":
		s := newSub(name, false)
		pos, err := s.parse(args, 2, "MEMBER CODE")
		if err != nil {
			return err
		}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error {
			return done(out, x.DeleteSubsystem(ctx, pos[0], pos[1]), "subsystem %s/%s deleted", pos[0], pos[1])
		})
	case "service add":
		s := newSub(name, false)
		title := titleFlags(s.fs)
		member := s.fs.String("member", "", "member exposing the service (required)")
		kind := s.fs.String("kind", "", "entity kind: person or animal (required)")
		key := s.fs.String("key", "", "key attribute (default: national_id for persons, tag for animals)")
		src := s.fs.String("source", "", "answer from this source's live records instead of the golden record")
		fields := s.fs.String("fields", "", "comma-separated fields the service exposes (required)")
		pos, err := s.parse(args, 1, "CODE")
		if err != nil {
			return err
		}
		if *member == "" || *kind == "" || *fields == "" {
			return s.usage("--member, --kind and --fields are required")
		}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error {
			return done(out, x.PutService(ctx, exchange.Service{Code: pos[0], Member: *member, Title: title(), Kind: *kind, KeyAttr: *key,
				Source: *src, Fields: list(*fields)}), "service %s saved", pos[0])
		})
	case "service delete":
		s := newSub(name, false)
		pos, err := s.parse(args, 1, "CODE")
		if err != nil {
			return err
		}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error {
			return done(out, x.DeleteService(ctx, pos[0]), "service %s deleted", pos[0])
		})
	case "purpose add":
		s := newSub(name, false)
		title := titleFlags(s.fs)
		pos, err := s.parse(args, 1, "CODE")
		if err != nil {
			return err
		}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error {
			return done(out, x.PutPurpose(ctx, exchange.Purpose{Code: pos[0], Title: title()}), "purpose %s saved", pos[0])
		})
	case "basis add":
		s := newSub(name, false)
		title := titleFlags(s.fs)
		law := s.fs.String("law", "", "the law, e.g. \"Social Code of the Republic of Kazakhstan\" (required)")
		article := s.fs.String("article", "", "the article, e.g. \"art. 11\" (required)")
		purposes := s.fs.String("purposes", "", "comma-separated purposes it allows (required)")
		services := s.fs.String("services", "", "comma-separated services it covers (default: all)")
		fields := s.fs.String("fields", "", "comma-separated fields it allows (required)")
		consent := s.fs.Bool("consent", false, "the subject's consent must be on record")
		retention := s.fs.Int("retention-days", 0, "how long a client may keep what it receives")
		pos, err := s.parse(args, 1, "CODE")
		if err != nil {
			return err
		}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error {
			return done(out, x.PutLegalBasis(ctx, exchange.LegalBasis{Code: pos[0], Title: title(), Law: *law, Article: *article,
				Purposes: list(*purposes), Services: list(*services), Fields: list(*fields), ConsentRequired: *consent,
				RetentionDays: *retention}), "legal basis %s saved", pos[0])
		})
	case "basis delete":
		s := newSub(name, false)
		pos, err := s.parse(args, 1, "CODE")
		if err != nil {
			return err
		}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error {
			return done(out, x.DeleteLegalBasis(ctx, pos[0]), "legal basis %s deleted", pos[0])
		})
	case "grant", "revoke":
		s := newSub(name, false)
		pos, err := s.parse(args, 3, "MEMBER/SUBSYSTEM SERVICE PURPOSE")
		if err != nil {
			return err
		}
		member, subsystem, ok := strings.Cut(pos[0], "/")
		if !ok {
			return s.usage("%q is not MEMBER/SUBSYSTEM", pos[0])
		}
		r := exchange.Right{Member: member, Subsystem: subsystem, Service: pos[1], Purpose: pos[2]}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error {
			if verb == "grant" {
				return done(out, x.Grant(ctx, r), "granted %s %s for %s", pos[0], r.Service, r.Purpose)
			}
			return done(out, x.Revoke(ctx, r), "revoked %s %s for %s", pos[0], r.Service, r.Purpose)
		})
	case "key create":
		s := newSub(name, false)
		member := s.fs.String("member", "", "member the key belongs to (required)")
		subsystem := s.fs.String("subsystem", "", "subsystem it speaks for (default: any of the member's, named in Ortaq-Client)")
		scopes := s.fs.String("scopes", exchange.ScopeExchange, "comma-separated scopes: exchange, audit, admin, sources, merchant")
		s.fs.Func("scope", "the same as --scopes", func(v string) error { *scopes = v; return nil })
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return err
		}
		if *member == "" {
			return s.usage("--member is required")
		}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error {
			token, id, err := x.CreateKey(ctx, *member, *subsystem, list(*scopes))
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "key %s created for %s; its token, shown only now:\n%s\n", id, strings.TrimSuffix(*member+"/"+*subsystem, "/"), token)
			return nil
		})
	case "key revoke":
		s := newSub(name, false)
		pos, err := s.parse(args, 1, "ID")
		if err != nil {
			return err
		}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error {
			return done(out, x.RevokeKey(ctx, pos[0]), "key %s revoked", pos[0])
		})
	case "seed":
		s := newSub(name, false)
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return err
		}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error {
			if err := exchange.SeedDemo(ctx, x); err != nil {
				return err
			}
			fmt.Fprintf(out, "demo registry: %d members, %d services, %d purposes, %d legal bases, %d rights\n",
				len(x.Members()), len(x.Services()), len(x.Purposes()), len(x.LegalBases()), len(x.Rights()))
			return nil
		})
	}
	return usageError{msg: fmt.Sprintf("ortaq exchange: unknown subcommand %q", verb), hint: "run 'ortaq help exchange' for the subcommands"}
}

// done prints what a change did, or returns why it was refused (a
// *exchange.Refusal reads "code: detail").
func done(out io.Writer, err error, format string, args ...any) error {
	if err != nil {
		return err
	}
	fmt.Fprintf(out, format+"\n", args...)
	return nil
}

// printRegistry lists one part of the registry as a table or as JSON.
func printRegistry(out io.Writer, x *exchange.Exchange, what string, asJSON bool) error {
	var v any
	switch what {
	case "members":
		v = x.Members()
	case "services":
		v = x.Services()
	case "purposes":
		v = x.Purposes()
	case "bases":
		v = x.LegalBases()
	case "rights":
		v = x.Rights()
	}
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	switch l := v.(type) {
	case []exchange.Member:
		fmt.Fprintln(tw, "MEMBER\tRATE/S\tSUBSYSTEMS\tTITLE")
		for _, m := range l {
			var subs []string
			for _, s := range m.Subsystems {
				subs = append(subs, s.Code)
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", m.Code, m.RateLimit, strings.Join(subs, ","), m.Title["en"])
		}
	case []exchange.Service:
		fmt.Fprintln(tw, "SERVICE\tMEMBER\tKIND\tKEY\tSOURCE\tFIELDS")
		for _, s := range l {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Code, s.Member, s.Kind, s.KeyAttr, orDash(s.Source), strings.Join(s.Fields, ","))
		}
	case []exchange.Purpose:
		fmt.Fprintln(tw, "PURPOSE\tTITLE")
		for _, p := range l {
			fmt.Fprintf(tw, "%s\t%s\n", p.Code, p.Title["en"])
		}
	case []exchange.LegalBasis:
		fmt.Fprintln(tw, "BASIS\tCONSENT\tRETENTION\tPURPOSES\tSERVICES\tLAW")
		for _, b := range l {
			fmt.Fprintf(tw, "%s\t%v\t%dd\t%s\t%s\t%s, %s\n", b.Code, b.ConsentRequired, b.RetentionDays, strings.Join(b.Purposes, ","),
				orDash(strings.Join(b.Services, ",")), b.Law, b.Article)
		}
	case []exchange.Right:
		fmt.Fprintln(tw, "CLIENT\tSERVICE\tPURPOSE")
		for _, r := range l {
			fmt.Fprintf(tw, "%s/%s\t%s\t%s\n", r.Member, r.Subsystem, r.Service, r.Purpose)
		}
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
