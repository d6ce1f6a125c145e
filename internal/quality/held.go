package quality

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/ortaq/ortaq/internal/store"
)

// HeldCheck names the findings of held loads: full extracts refused for
// deleting too much of a source (see ingest.Options). Their kind is
// volume, as they are a change of volume caught before it was stored.
const HeldCheck = "held_load"

// HeldFinding is the work-list item of a held load: an error for the
// source's agency, which must confirm the deletions or send the whole
// extract. Its id is stable for the load, so that every quality run while
// the load is pending finds it again with its status.
func HeldFinding(h store.HeldLoad) store.Finding {
	sum := sha256.Sum256([]byte(h.Source + "\x00" + HeldCheck + "\x00held:" + strconv.FormatInt(h.ID, 10)))
	pct := strconv.FormatFloat(h.MaxShare*100, 'f', -1, 64) + "%"
	reason := msg("q.held.reason", h.Deletions, h.Live, pct, h.Rows, h.HeldAt.UTC().Format("2006-01-02 15:04"))
	fix := msg("q.held.fix", h.Deletions)
	return store.Finding{ID: hex.EncodeToString(sum[:8]), Source: h.Source, Agency: h.Agency, Check: HeldCheck,
		Kind: "volume", Severity: "error", Value: "held:" + strconv.FormatInt(h.ID, 10),
		Reason: reason.Render(DefaultLang), Suggestion: fix.Render(DefaultLang),
		ReasonKey: reason.Key, ReasonArgs: reason.Args, SuggestionKey: fix.Key, SuggestionArgs: fix.Args}
}

func init() {
	Messages["q.held.reason"] = map[string]string{
		"en": "a full extract was refused and nothing of it stored: it would have deleted %s of the %s live records (more than %s); it had %s rows (%s UTC)",
		"ru": "полная выгрузка отклонена и не сохранена: она удалила бы %s из %s действующих записей (больше %s); строк в ней: %s (%s UTC)",
		"kk": "толық үзінді қабылданбады және сақталмады: ол %[2]s қолданыстағы жазбаның %[1]s жазбасын жояр еді (%[3]s астам); жолдар саны: %[4]s (%[5]s UTC)",
	}
	Messages["q.held.fix"] = map[string]string{
		"en": "check whether the extract was cut short; send the whole extract, or confirm the %s deletions with ortaq ingest --allow-deletions or ?allow_deletions= on the push",
		"ru": "проверьте, не оборвана ли выгрузка; пришлите её целиком или подтвердите удаление %s записей: ortaq ingest --allow-deletions или ?allow_deletions= при отправке",
		"kk": "үзіндінің үзіліп қалмағанын тексеріңіз; оны толық жіберіңіз немесе %s жазбаны жоюды растаңыз: ortaq ingest --allow-deletions немесе жіберуде ?allow_deletions=",
	}
}
