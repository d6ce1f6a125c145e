package scorecard

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/sheet"
	"github.com/ortaq/ortaq/internal/store"
)

// FindingID is a finding's stable id: the same check finding the same
// record (or quarantined line, or for checks of a whole extract such as
// schema drift, the same value) of the same source has the same id in every
// run, so that a data officer's decision on it carries over.
func FindingID(source, check, recordID string, line int, value string) string {
	key := recordID
	switch {
	case key != "":
	case line > 0:
		key = "line:" + strconv.Itoa(line)
	default:
		key = "value:" + value
	}
	sum := sha256.Sum256([]byte(source + "\x00" + check + "\x00" + key))
	return hex.EncodeToString(sum[:8])
}

// Notes the run leaves on findings whose status it changes.
const (
	noteReappeared = "reappeared: the data still shows it after it was marked fixed"
	noteReopened   = "reopened: the data shows it again"
)

// carryOver gives this run's findings the status their earlier selves had,
// and resolves the earlier findings the data no longer shows:
//
//   - new: open;
//   - open: stays open; not a defect: stays so;
//   - marked fixed but found again: open again, noted;
//   - resolved but found again: open again, noted;
//   - not found any more: resolved, whatever it was, keeping its note.
//
// It returns every finding to store and how many are open.
func carryOver(found []store.Finding, old map[string]store.Finding, now time.Time) (out []store.Finding, open int) {
	out = make([]store.Finding, 0, len(found)+len(old))
	for _, f := range found {
		f.Status = store.FindingOpen
		if prev, ok := old[f.ID]; ok {
			delete(old, f.ID)
			f.FirstRun, f.StatusAt, f.Note, f.DecidedBy = prev.FirstRun, prev.StatusAt, prev.Note, prev.DecidedBy
			switch prev.Status {
			case store.FindingNotDefect:
				f.Status = store.FindingNotDefect
			case store.FindingFixed:
				f.StatusAt, f.Note, f.DecidedBy = now, noteReappeared, ""
			case store.FindingResolved:
				f.StatusAt, f.Note, f.DecidedBy = now, noteReopened, ""
			}
		}
		if f.Status == store.FindingOpen {
			open++
		}
		out = append(out, f)
	}
	for _, prev := range old {
		if prev.Status != store.FindingResolved {
			prev.Status, prev.StatusAt = store.FindingResolved, now
		}
		out = append(out, prev)
	}
	return out, open
}

// worklistColumns are the columns of an exported work list, each the
// key of its header in Messages.
var worklistColumns = []string{"finding_id", "agency", "source", "check", "kind", "severity", "record_id", "line",
	"entity_id", "value", "reason", "suggestion", "related", "status", "first_run", "last_run", "status_at", "note",
	"decided_by"}

// WriteCSV writes findings as a work list in English: WriteCSVLang with
// "en".
func WriteCSV(w io.Writer, findings []store.Finding) error {
	return WriteCSVLang(w, findings, "en")
}

// WriteCSVLang writes findings as a work list a data officer can open in a
// spreadsheet, in lang (kk, ru or en): one row per finding, the header,
// reasons, suggested fixes and statuses in that language (a finding
// stored before its texts were keyed keeps its English text), through
// sheet.Writer: UTF-8 with a byte-order mark, formulas neutralised.
func WriteCSVLang(w io.Writer, findings []store.Finding, lang string) error {
	sw, err := sheet.NewWriter(w)
	if err != nil {
		return fmt.Errorf("work list: %w", err)
	}
	header := make([]string, len(worklistColumns))
	for i, c := range worklistColumns {
		header[i] = T(lang, "worklist.col."+c)
	}
	if err := sw.Write(header); err != nil {
		return fmt.Errorf("work list: %w", err)
	}
	for _, f := range findings {
		line := ""
		if f.Line > 0 {
			line = strconv.Itoa(f.Line)
		}
		reason, suggestion := f.Reason, f.Suggestion
		if f.ReasonKey != "" {
			reason = quality.Render(lang, f.ReasonKey, f.ReasonArgs)
		}
		if f.SuggestionKey != "" {
			suggestion = quality.Render(lang, f.SuggestionKey, f.SuggestionArgs)
		}
		err := sw.Write([]string{f.ID, f.Agency, f.Source, f.Check, f.Kind, T(lang, "severity."+f.Severity), f.RecordID, line,
			f.EntityID, f.Value, reason, suggestion, strings.Join(f.Related, " "), T(lang, "status."+f.Status),
			strconv.FormatInt(f.FirstRun, 10), strconv.FormatInt(f.LastRun, 10), f.StatusAt.UTC().Format(time.RFC3339), f.Note,
			f.DecidedBy})
		if err != nil {
			return fmt.Errorf("work list: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("work list: %w", err)
	}
	return nil
}

// RunLine says in lang how the run went: incremental or full (and why),
// how many golden records it rebuilt and how many units it redid.
func RunLine(lang string, sum *Summary) string {
	if sum.Incremental {
		return fmt.Sprintf(T(lang, "quality.run.incremental"), sum.Entities, sum.Units)
	}
	return fmt.Sprintf(T(lang, "quality.run.full"), T(lang, "quality.full."+sum.FullBecause), sum.Entities, sum.Units)
}

// T renders a key of Messages in lang, falling back to English, and to
// the part of the key after its last dot when there is no text (a status
// or severity the catalogue does not know yet).
func T(lang, key string) string {
	texts, ok := Messages[key]
	if !ok {
		return key[strings.LastIndex(key, ".")+1:]
	}
	if t := texts[lang]; t != "" {
		return t
	}
	return texts["en"]
}

// Messages are the work list export's words: column headers, statuses and
// severities, key -> language -> text. The web layer registers them in its
// catalogue.
var Messages = map[string]map[string]string{
	"quality.run.incremental": {
		"en": "incremental run: %d golden records rebuilt, %d units redone (entities and unresolved records changed since the last run, or depending on them)",
		"ru": "Инкрементальный запуск: перестроено золотых записей: %d, пересчитано единиц: %d (сущности и неразрешённые записи, изменённые с прошлого запуска или зависящие от них)",
		"kk": "Ішінара іске қосу: қайта құрылған алтын жазбалар: %d, қайта есептелген бірліктер: %d (соңғы іске қосудан бері өзгерген немесе соларға тәуелді нысандар мен анықталмаған жазбалар)",
	},
	"quality.run.full": {
		"en": "full run (%s): %d golden records rebuilt, %d units redone",
		"ru": "Полный запуск (%s): перестроено золотых записей: %d, пересчитано единиц: %d",
		"kk": "Толық іске қосу (%s): қайта құрылған алтын жазбалар: %d, қайта есептелген бірліктер: %d",
	},
	"quality.full." + FullAsked: {"en": "asked with --full", "ru": "запрошен флагом --full", "kk": "--full жалаушасымен сұралды"},
	"quality.full." + FullFirst: {"en": "no earlier run to start from", "ru": "нет предыдущего запуска, от которого можно отталкиваться",
		"kk": "бастауға болатын алдыңғы іске қосу жоқ"},
	"quality.full." + FullChanged: {"en": "the checks or a source's definition changed",
		"ru": "изменились проверки или описание источника", "kk": "тексерулер немесе дереккөз сипаттамасы өзгерді"},
	"quality.full." + FullDefaults: {
		"en": "the default checks changed with the data: a person source now holds, or no longer holds, one record per person",
		"ru": "проверки по умолчанию изменились вместе с данными: источник о людях стал или перестал быть реестром с одной записью на человека",
		"kk": "әдепкі тексерулер деректермен бірге өзгерді: адамдар туралы дереккөз бір адамға бір жазба тізіліміне айналды немесе одан шықты"},
	"quality.full." + FullAsOfBack: {"en": "the as-of date moved back", "ru": "дата отсчёта сдвинулась назад",
		"kk": "есеп күні артқа жылжыды"},
	"quality.full." + FullAsOfFar: {"en": "the as-of date moved forward by more than a year",
		"ru": "дата отсчёта сдвинулась вперёд больше чем на год", "kk": "есеп күні бір жылдан артық алға жылжыды"},
	"quality.full." + FullResolved: {"en": "entities were resolved again from scratch", "ru": "сущности заново разрешены с нуля",
		"kk": "нысандар басынан қайта анықталды"},
	"worklist.col.finding_id": {"en": "finding_id", "ru": "Номер замечания", "kk": "Ескертпе нөмірі"},
	"worklist.col.agency":     {"en": "agency", "ru": "Ведомство", "kk": "Мекеме"},
	"worklist.col.source":     {"en": "source", "ru": "Источник", "kk": "Дереккөз"},
	"worklist.col.check":      {"en": "check", "ru": "Проверка", "kk": "Тексеру"},
	"worklist.col.kind":       {"en": "kind", "ru": "Вид проверки", "kk": "Тексеру түрі"},
	"worklist.col.severity":   {"en": "severity", "ru": "Важность", "kk": "Маңыздылығы"},
	"worklist.col.record_id":  {"en": "record_id", "ru": "Номер записи", "kk": "Жазба нөмірі"},
	"worklist.col.line":       {"en": "line", "ru": "Строка", "kk": "Жол"},
	"worklist.col.entity_id":  {"en": "entity_id", "ru": "Объект учёта", "kk": "Есеп нысаны"},
	"worklist.col.value":      {"en": "value", "ru": "Значение", "kk": "Мәні"},
	"worklist.col.reason":     {"en": "reason", "ru": "Описание ошибки", "kk": "Қатенің сипаттамасы"},
	"worklist.col.suggestion": {"en": "suggestion", "ru": "Как исправить", "kk": "Қалай түзету керек"},
	"worklist.col.related":    {"en": "related", "ru": "Связанные записи", "kk": "Байланысты жазбалар"},
	"worklist.col.status":     {"en": "status", "ru": "Статус", "kk": "Мәртебесі"},
	"worklist.col.first_run":  {"en": "first_run", "ru": "Впервые выявлено (прогон)", "kk": "Алғаш анықталған (іске қосу)"},
	"worklist.col.last_run":   {"en": "last_run", "ru": "Последний прогон", "kk": "Соңғы іске қосу"},
	"worklist.col.status_at":  {"en": "status_at", "ru": "Дата статуса", "kk": "Мәртебе күні"},
	"worklist.col.note":       {"en": "note", "ru": "Комментарий", "kk": "Түсініктеме"},
	"worklist.col.decided_by": {"en": "decided_by", "ru": "Кто решил", "kk": "Кім шешті"},
	"status.open":             {"en": "open", "ru": "открыто", "kk": "ашық"},
	"status.fixed":            {"en": "fixed", "ru": "исправлено", "kk": "түзетілді"},
	"status.not_defect":       {"en": "not_defect", "ru": "не ошибка", "kk": "қате емес"},
	"status.resolved":         {"en": "resolved", "ru": "устранено", "kk": "жойылды"},
	"severity.error":          {"en": "error", "ru": "ошибка", "kk": "қате"},
	"severity.warning":        {"en": "warning", "ru": "предупреждение", "kk": "ескерту"},
	"severity.info":           {"en": "info", "ru": "к сведению", "kk": "мәлімет үшін"},
}
