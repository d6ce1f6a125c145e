package console

import (
	"context"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// titleChecks labels a select box of checks, whose values are check names
// (identifiers their authors chose), with what each check judges in the
// reader's language: its kind and attributes, as the latest quality run
// describes them ("Missing value: IIN"). A check of source, when source is
// given, is titled as that source labels its attributes; a check no run
// describes keeps its name.
func (s *Server) titleChecks(ctx context.Context, ix view.SourceIndex, source string, opts []view.Option) error {
	qs, err := s.loadQuality(ctx)
	if err != nil || qs.Latest == nil {
		return err
	}
	results, err := s.st.CheckResults(ctx, qs.Latest.ID, source)
	if err != nil {
		return err
	}
	titles := map[string]string{}
	for _, c := range results {
		if _, ok := titles[c.Name]; !ok {
			titles[c.Name] = ix.CheckTitle(c)
		}
	}
	for i := range opts {
		if t, ok := titles[opts[i].Value]; ok && opts[i].Value != "" {
			opts[i].Label = t
		}
	}
	return nil
}

// localFindings writes each finding's reason and suggested fix in the
// reader's language (ix's), with names as the contracts label them, for an
// export that writes Reason and Suggestion as they are.
func localFindings(ix view.SourceIndex, fs []store.Finding) []store.Finding {
	out := make([]store.Finding, len(fs))
	for i, f := range fs {
		f.Reason, f.Suggestion = ix.Reason(f), ix.Suggestion(f)
		f.ReasonKey, f.ReasonArgs, f.SuggestionKey, f.SuggestionArgs = "", nil, "", nil
		out[i] = f
	}
	return out
}
