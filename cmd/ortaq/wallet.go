package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/socialwallet"
)

var walletCommand = command{
	name:    "wallet",
	summary: "Run the Social Wallet: merchants, budget appropriations, monthly funding and voucher expiry.",
	usage: `SUBCOMMAND [flags]

subcommands:
  merchant add --name NAME --category LEDGER [--bin BIN] [--id ID] [--region KATO] [--owner IIN]
               [--member M --subsystem S]
      register a merchant on one category (food, school_meals, medicine, rehabilitation, utilities);
      --member/--subsystem name the exchange client whose credential speaks for it
  merchant list [--json]
  budget --programme P --ledger LEDGER --amount TENGE --ref REF
      appropriate money from the programme's budget line to its account (once per REF)
  fund [--month YYYY-MM]
      pay the month (default: this month) for every confirmed offer; a rerun changes nothing
  expire
      return what is left of expired vouchers to their programmes`,
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		return func(ctx context.Context, fs *flag.FlagSet, out io.Writer) error {
			return runWallet(ctx, fs.Args(), out)
		}
	},
}

func runWallet(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError{msg: "ortaq wallet: no subcommand given", hint: "run 'ortaq help wallet' for the subcommands"}
	}
	verb, args := args[0], args[1:]
	if verb == "merchant" && len(args) > 0 {
		verb, args = "merchant "+args[0], args[1:]
	}
	s := newSub("wallet "+verb, verb == "merchant list")
	switch verb {
	case "merchant add":
		var m socialwallet.Merchant
		s.fs.StringVar(&m.ID, "id", "", "merchant id (default: M + BIN)")
		s.fs.StringVar(&m.BIN, "bin", "", "business identification number")
		s.fs.StringVar(&m.Name, "name", "", "name (required)")
		s.fs.StringVar(&m.Region, "region", "", "KATO code prefix of its region")
		s.fs.StringVar(&m.OwnerIIN, "owner", "", "IIN of its owner")
		s.fs.StringVar(&m.Member, "member", "", "exchange member that speaks for it")
		s.fs.StringVar(&m.Subsystem, "subsystem", "", "exchange subsystem that speaks for it")
		cat := s.fs.String("category", "", "ledger it accepts (required)")
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return err
		}
		l, err := ledger.ParseLedger(*cat)
		if err != nil {
			return s.usage("--category: %v", err)
		}
		m.Category = l
		return withWallet(ctx, *s.db, func(w *socialwallet.Service) error {
			got, err := w.RegisterMerchant(ctx, m)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "merchant %s (%s) registered on %s, wallet %s\n", got.ID, got.Name, got.Category,
				socialwallet.MerchantAccount(got.ID))
			return nil
		})
	case "merchant list":
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return err
		}
		return withWallet(ctx, *s.db, func(w *socialwallet.Service) error {
			ms, err := w.Merchants(ctx)
			if err != nil {
				return err
			}
			if *s.json {
				return writeJSONLines(out, ms)
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tCATEGORY\tREGION\tCLIENT")
			for _, m := range ms {
				client := "-"
				if m.Member != "" {
					client = m.Member + "/" + m.Subsystem
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.ID, m.Name, m.Category, orDash(m.Region), client)
			}
			return tw.Flush()
		})
	case "budget":
		programme := s.fs.String("programme", "", "programme (required)")
		lname := s.fs.String("ledger", "", "ledger (required)")
		amount := s.fs.String("amount", "", "amount in tenge, e.g. 1250000.50 (required)")
		ref := s.fs.String("ref", "", "reference of the appropriation, e.g. the budget law's article (required)")
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return err
		}
		l, err := ledger.ParseLedger(*lname)
		if err != nil {
			return s.usage("--ledger: %v", err)
		}
		tiyn, err := socialwallet.ParseTenge(*amount)
		if err != nil || *programme == "" || *ref == "" {
			return s.usage("--programme, --ledger, --amount (tenge) and --ref are required")
		}
		return withWallet(ctx, *s.db, func(w *socialwallet.Service) error {
			if err := w.Appropriate(ctx, *programme, l, tiyn, *ref); err != nil {
				return err
			}
			fmt.Fprintf(out, "appropriated %s ₸ to %s on %s under %q\n", socialwallet.FormatTenge(tiyn), *programme, l, *ref)
			return nil
		})
	case "fund":
		month := s.fs.String("month", "", "month YYYY-MM (default: this month, Asia/Almaty)")
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return err
		}
		if *month == "" {
			*month = socialwallet.MonthOf(time.Now())
		}
		if _, err := socialwallet.ParseMonth(*month); err != nil {
			return s.usage("--month: %v", err)
		}
		// Paying a month before it begins would put vouchers in citizens'
		// hands early and leave the month's budget short.
		if now := socialwallet.MonthOf(time.Now()); *month > now {
			return s.usage("--month %s has not begun (this month is %s in Asia/Almaty)", *month, now)
		}
		return withWallet(ctx, *s.db, func(w *socialwallet.Service) error {
			start := time.Now()
			rep, err := fundWithProgress(ctx, w, *month)
			if err != nil {
				return err
			}
			printFund(out, rep, time.Since(start))
			return nil
		})
	case "expire":
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return err
		}
		return withWallet(ctx, *s.db, func(w *socialwallet.Service) error {
			n, tiyn, err := w.Expire(ctx, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%d vouchers expired, %s ₸ returned to their programmes\n", n, socialwallet.FormatTenge(tiyn))
			return nil
		})
	}
	return usageError{msg: "ortaq wallet: unknown subcommand " + verb, hint: "run 'ortaq help wallet' for the subcommands"}
}

func withWallet(ctx context.Context, dsn string, fn func(*socialwallet.Service) error) error {
	st, err := openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(socialwallet.New(st, socialwallet.Options{}))
}

// fundWithProgress funds month with a progress bar on progressOut.
func fundWithProgress(ctx context.Context, w *socialwallet.Service, month string) (socialwallet.FundReport, error) {
	var bar *progress.Bar
	last := 0
	rep, err := w.Fund(ctx, month, func(done, total int) {
		if bar == nil {
			bar = progress.New(progressOut, "fund "+month, int64(total))
		}
		bar.Add(int64(done - last))
		last = done
	})
	if bar != nil {
		bar.Finish()
	}
	return rep, err
}

func printFund(out io.Writer, rep socialwallet.FundReport, took time.Duration) {
	fmt.Fprintf(out, "funded %s: %d households, %d cash payouts (%s ₸), %d vouchers (%s ₸), %d made before, %s\n",
		rep.Month, rep.Households, rep.Payouts, socialwallet.FormatTenge(rep.Cash), rep.Vouchers,
		socialwallet.FormatTenge(rep.Earmarked), rep.Existing, took.Round(time.Millisecond))
	for _, k := range slices.Sorted(maps.Keys(rep.Refused)) {
		fmt.Fprintf(out, "  refused by the ledger: %d %s\n", rep.Refused[k], k)
	}
}
