package quality

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Msg is a text a person reads, kept as a key of Messages and its
// arguments so that it can be rendered in any of the reader's languages
// long after the check ran. Arguments are data (values, record ids,
// attribute names, dates) and are never translated.
type Msg struct {
	Key  string   `json:"key"`
	Args []string `json:"args,omitempty"`
}

// msg makes a Msg, writing each argument with fmt.Sprint.
func msg(key string, args ...any) Msg {
	m := Msg{Key: key}
	for _, a := range args {
		m.Args = append(m.Args, fmt.Sprint(a))
	}
	return m
}

// listKey joins other messages, each an argument written as JSON.
const listKey = "q.list"

// msgList joins messages with "; ", as one message.
func msgList(ms []Msg) Msg {
	if len(ms) == 1 {
		return ms[0]
	}
	l := Msg{Key: listKey}
	for _, m := range ms {
		b, _ := json.Marshal(m) // a struct of strings always marshals
		l.Args = append(l.Args, string(b))
	}
	return l
}

// DefaultLang is the language texts fall back to when the reader's
// language has no text for a key.
const DefaultLang = "en"

// Render writes a message in lang (kk, ru or en), falling back to English
// and, for a key it does not know, to the key and its arguments, so that
// nothing is ever lost.
func (m Msg) Render(lang string) string { return Render(lang, m.Key, m.Args) }

// Render writes the message key with args in lang: what a page or an
// export calls with a stored finding's ReasonKey and ReasonArgs (or its
// suggestion's, or a check result's description's).
func Render(lang, key string, args []string) string { return render(lang, key, args, nil) }

func render(lang, key string, args []string, names Names) string {
	if key == listKey {
		parts := make([]string, 0, len(args))
		for _, a := range args {
			var m Msg
			if json.Unmarshal([]byte(a), &m) != nil {
				parts = append(parts, a)
				continue
			}
			parts = append(parts, m.RenderIn(lang, names))
		}
		return strings.Join(parts, "; ")
	}
	as := make([]any, len(args))
	for i, a := range args {
		as[i] = arg(lang, a, names)
	}
	texts, ok := Messages[key]
	if !ok {
		return strings.TrimSpace(key + " " + strings.Join(args, " "))
	}
	t := texts[lang]
	if t == "" {
		t = texts[DefaultLang]
	}
	return fmt.Sprintf(t, as...)
}

// isWordKey reports whether key is one of the words (name parts, rules)
// that messages take as arguments written "@" and the key, to be rendered
// in the same language.
func isWordKey(key string) bool {
	_, ok := Messages[key]
	return ok && (strings.HasPrefix(key, "q.part.") || strings.HasPrefix(key, "q.keep.") || strings.HasPrefix(key, "q.qcode."))
}

// because sets the finding's reason, keyed and in English.
func (f *Finding) because(m Msg) {
	f.ReasonMsg, f.Reason = m, m.Render(DefaultLang)
}

// suggest sets the finding's suggested fix, keyed and in English.
func (f *Finding) suggest(m Msg) {
	f.SuggestionMsg, f.Suggestion = m, m.Render(DefaultLang)
}

// Messages holds the texts of finding reasons and suggested fixes: key ->
// language (kk, ru, en) -> fmt text whose verbs are all %s (or %[n]s),
// filled with Msg.Args. The words are those data officers of Kazakh and
// Russian state bodies use: ЖСН/ИИН, дереккөз/источник, выгрузка,
// карантин. The web layer registers this map in its catalogue.
var Messages = map[string]map[string]string{
	// Completeness.
	"q.missing.reason": {
		"en": "%s is empty",
		"ru": "Поле %s не заполнено",
		"kk": "%s өрісі толтырылмаған",
	},
	"q.missing.fix.entity": {
		"en": "fill in %s %s, which the other records of %s hold",
		"ru": "заполните %s значением %s из других записей объекта %s",
		"kk": "%s өрісіне %s мәнін жазыңыз: ол %s нысанының басқа жазбаларында бар",
	},
	"q.missing.fix": {
		"en": "fill in %s from the source document",
		"ru": "заполните поле %s по первичному документу",
		"kk": "%s өрісін бастапқы құжат бойынша толтырыңыз",
	},
	// Validity.
	"q.valid.reason": {
		"en": "%s %s is invalid: %s",
		"ru": "%s: значение %s недопустимо (%s)",
		"kk": "%s: %s мәні жарамсыз (%s)",
	},
	"q.valid.fix.entity": {
		"en": "the other records of %s give %s %s",
		"ru": "в других записях объекта %s указано %s: %s",
		"kk": "%s нысанының басқа жазбаларында %s: %s",
	},
	"q.valid.fix": {
		"en": "correct %s from the source document",
		"ru": "исправьте поле %s по первичному документу",
		"kk": "%s өрісін бастапқы құжат бойынша түзетіңіз",
	},
	"q.valid.fix.any": {
		"en": "correct the values from the source document",
		"ru": "исправьте значения по первичному документу",
		"kk": "мәндерді бастапқы құжат бойынша түзетіңіз",
	},
	"q.allowed.reason": {
		"en": "%s \"%s\" is not one of %s",
		"ru": "%s: значения «%s» нет в справочнике (%s)",
		"kk": "%s: «%s» мәні анықтамалықта жоқ (%s)",
	},
	"q.allowed.fix": {
		"en": "probably %s",
		"ru": "вероятно, %s",
		"kk": "мүмкін, %s",
	},
	"q.range.below": {
		"en": "%s %s is below the minimum %s",
		"ru": "%s: значение %s меньше допустимого минимума %s",
		"kk": "%s: %s мәні рұқсат етілген ең аз мәннен (%s) кіші",
	},
	"q.range.above": {
		"en": "%s %s is above the maximum %s",
		"ru": "%s: значение %s больше допустимого максимума %s",
		"kk": "%s: %s мәні рұқсат етілген ең үлкен мәннен (%s) үлкен",
	},
	"q.pattern.nomatch": {
		"en": "%s \"%s\" does not match %s",
		"ru": "%s: «%s» не соответствует формату %s",
		"kk": "%s: «%s» %s форматына сәйкес емес",
	},
	"q.pattern.match": {
		"en": "%s \"%s\" matches %s, which it must not",
		"ru": "%s: «%s» соответствует запрещённому формату %s",
		"kk": "%s: «%s» тыйым салынған %s форматына сәйкес келеді",
	},
	"q.case.upper": {
		"en": "%s \"%s\" is written in capitals",
		"ru": "%s: «%s» написано заглавными буквами",
		"kk": "%s: «%s» бас әріптермен жазылған",
	},
	"q.case.lower": {
		"en": "%s \"%s\" is written in small letters",
		"ru": "%s: «%s» написано строчными буквами",
		"kk": "%s: «%s» кіші әріптермен жазылған",
	},
	"q.case.notupper": {
		"en": "%s \"%s\" is not written in capitals",
		"ru": "%s: «%s» написано не заглавными буквами",
		"kk": "%s: «%s» бас әріптермен жазылмаған",
	},
	"q.case.haupper": {
		"en": "%s \"%s\" has capital letters",
		"ru": "%s: в «%s» есть заглавные буквы",
		"kk": "%s: «%s» ішінде бас әріптер бар",
	},
	"q.case.fix": {
		"en": "write it %s",
		"ru": "напишите так: %s",
		"kk": "былай жазыңыз: %s",
	},
	"q.script.other.cyrillic": {
		"en": "%s \"%s\" is written in Latin letters",
		"ru": "%s: «%s» написано латиницей",
		"kk": "%s: «%s» латын әріптерімен жазылған",
	},
	"q.script.other.latin": {
		"en": "%s \"%s\" is written in Cyrillic letters",
		"ru": "%s: «%s» написано кириллицей",
		"kk": "%s: «%s» кирилл әріптерімен жазылған",
	},
	"q.script.mixed": {
		"en": "%s \"%s\" mixes Cyrillic and Latin letters",
		"ru": "%s: в «%s» смешаны кириллица и латиница",
		"kk": "%s: «%s» ішінде кирилл және латын әріптері араласқан",
	},
	"q.script.fix.cyrillic": {
		"en": "write it in Cyrillic letters",
		"ru": "напишите кириллицей",
		"kk": "кирилл әріптерімен жазыңыз",
	},
	"q.script.fix.latin": {
		"en": "write it in Latin letters",
		"ru": "напишите латиницей",
		"kk": "латын әріптерімен жазыңыз",
	},
	"q.script.fix.cyrillic.entity": {
		"en": "write it in Cyrillic letters, as another record of %s does: %s",
		"ru": "напишите кириллицей, как в другой записи объекта %s: %s",
		"kk": "%s нысанының басқа жазбасындағыдай кирилл әріптерімен жазыңыз: %s",
	},
	"q.script.fix.latin.entity": {
		"en": "write it in Latin letters, as another record of %s does: %s",
		"ru": "напишите латиницей, как в другой записи объекта %s: %s",
		"kk": "%s нысанының басқа жазбасындағыдай латын әріптерімен жазыңыз: %s",
	},
	"q.age.future": {
		"en": "%s %s is after %s, the data's date",
		"ru": "%s: дата %s позже даты данных %s",
		"kk": "%s: %s күні деректер күнінен (%s) кейін",
	},
	"q.age.future.fix": {
		"en": "correct the date; a digit of the year is probably mistyped",
		"ru": "исправьте дату: вероятно, опечатка в годе",
		"kk": "күнді түзетіңіз: жылда қате теру болуы мүмкін",
	},
	"q.age.old": {
		"en": "%s %s means an age of %s full years, above the limit of %s",
		"ru": "%s: по дате %s возраст (полных лет) %s — больше предела %s",
		"kk": "%s: %s күні бойынша жасы %s жыл, шектен (%s) асады",
	},
	"q.age.old.by": {
		"en": "%s %s means an age of %s full years, above the limit of %s for %s %s",
		"ru": "%s: по дате %s возраст (полных лет) %s — больше предела %s (%s: %s)",
		"kk": "%s: %s күні бойынша жасы %s жыл, шектен (%s) асады (%s: %s)",
	},
	"q.age.old.fix": {
		"en": "correct the date, or close the record if it outlived its subject",
		"ru": "исправьте дату или закройте запись, если объекта учёта уже нет",
		"kk": "күнді түзетіңіз немесе есеп нысаны жоқ болса, жазбаны жабыңыз",
	},
	// Uniqueness.
	"q.unique.reason": {
		"en": "%s %s is shared by %s records",
		"ru": "%s %s повторяется в нескольких записях (всего: %s)",
		"kk": "%s %s бірнеше жазбада қайталанады (барлығы: %s)",
	},
	"q.unique.fix": {
		"en": "keep one record for %s and delete or correct the others",
		"ru": "оставьте одну запись для %s, остальные удалите или исправьте",
		"kk": "%s үшін бір жазбаны қалдырып, қалғандарын жойыңыз немесе түзетіңіз",
	},
	"q.duplicates.reason": {
		"en": "%s records of %s in %s: keep %s",
		"ru": "Дубликаты: записей объекта %[2]s в источнике %[3]s — %[1]s; основная запись — %[4]s",
		"kk": "Қайталанатын жазбалар: %[3]s дереккөзінде %[2]s нысанының жазбалары — %[1]s; негізгі жазба — %[4]s",
	},
	"q.duplicates.fix": {
		"en": "merge %s into %s (%s)",
		"ru": "объедините %s с основной записью %s (%s)",
		"kk": "%s жазбаларын негізгі %s жазбасына біріктіріңіз (%s)",
	},
	// The rule by which the record to keep was chosen.
	"q.keep.valid_iin": {
		"en": "the record with a valid IIN",
		"ru": "запись с корректным ИИН",
		"kk": "ЖСН дұрыс жазба",
	},
	"q.keep.complete": {
		"en": "the most complete record",
		"ru": "самая полная запись",
		"kk": "ең толық жазба",
	},
	"q.keep.recent": {
		"en": "the most recently updated record",
		"ru": "самая свежая запись",
		"kk": "ең соңғы жаңартылған жазба",
	},
	"q.keep.first": {
		"en": "the first record by id",
		"ru": "первая запись по номеру",
		"kk": "нөмірі бойынша бірінші жазба",
	},
	// Timeliness.
	"q.freshness.observed": {
		"en": "the newest record was observed on %[1]s, more than %[4]s before %[3]s (days since: %[2]s)",
		"ru": "последняя запись датирована %[1]s — более чем за %[4]s до %[3]s (прошло дней: %[2]s)",
		"kk": "ең соңғы жазба күні %[1]s — %[3]s күнінен %[4]s астам бұрын (өткен күн саны: %[2]s)",
	},
	"q.freshness.run": {
		"en": "the latest load finished on %[1]s, more than %[4]s before %[3]s (days since: %[2]s)",
		"ru": "последняя загрузка завершена %[1]s — более чем за %[4]s до %[3]s (прошло дней: %[2]s)",
		"kk": "соңғы жүктеу %[1]s аяқталды — %[3]s күнінен %[4]s астам бұрын (өткен күн саны: %[2]s)",
	},
	"q.freshness.fix": {
		"en": "ask %s for a current extract of %s",
		"ru": "запросите актуальную выгрузку источника «%[2]s» (ведомство: %[1]s)",
		"kk": "«%[2]s» дереккөзінің өзекті үзіндісін сұраңыз (мекеме: %[1]s)",
	},
	"q.volume.reason": {
		"en": "the latest load (run %s) has %s rows, %s against the median %s of the %s loads before it",
		"ru": "в последней загрузке (№ %s) строк: %s, изменение %s к медиане %s предыдущих загрузок (их %s)",
		"kk": "соңғы жүктеуде (№ %s) жолдар саны: %s, алдыңғы жүктеулердің (%[5]s) медианасына (%[4]s) қарағанда өзгеріс %[3]s",
	},
	"q.volume.fix": {
		"en": "check with %s that the extract is complete and not doubled",
		"ru": "уточните в ведомстве (%s), что выгрузка полная и не задвоена",
		"kk": "үзіндінің толық және екі еселенбегенін мекемемен (%s) нақтылаңыз",
	},
	// Integrity.
	"q.schema.gone": {
		"en": "column \"%s\" was in the previous extract and is gone",
		"ru": "столбец «%s» был в предыдущей выгрузке и пропал",
		"kk": "«%s» бағаны алдыңғы үзіндіде болған, енді жоқ",
	},
	"q.schema.gone.fix": {
		"en": "ask %s whether it was renamed, and update sources.yaml",
		"ru": "уточните в ведомстве (%s), не переименован ли он, и обновите sources.yaml",
		"kk": "мекемеден (%s) оның атауы өзгерген-өзгермегенін сұрап, sources.yaml файлын жаңартыңыз",
	},
	"q.schema.new": {
		"en": "column \"%s\" is new in this extract",
		"ru": "в выгрузке новый столбец «%s»",
		"kk": "үзіндіде жаңа «%s» бағаны бар",
	},
	"q.schema.new.fix": {
		"en": "map it in sources.yaml if it is worth keeping",
		"ru": "если он нужен, опишите его в sources.yaml",
		"kk": "қажет болса, оны sources.yaml файлына сипаттаңыз",
	},
	"q.quarantine.reason": {
		"en": "line %s could not be stored: %s",
		"ru": "строка %s не загружена: %s",
		"kk": "%s-жол жүктелмеді: %s",
	},
	"q.quarantine.fix": {
		"en": "fix the row in the extract (or at the agency) and load it again",
		"ru": "исправьте строку в выгрузке (или в системе ведомства) и загрузите её заново",
		"kk": "жолды үзіндіде (немесе ведомство жүйесінде) түзетіп, қайта жүктеңіз",
	},
	// Consistency.
	"q.reference.reason": {
		"en": "%s %s names no record of %s (by %s)",
		"ru": "%s: значение %s не найдено в источнике %s (по полю «%s»)",
		"kk": "%s: %s мәні %s дереккөзінде табылмады («%s» өрісі бойынша)",
	},
	"q.reference.fix": {
		"en": "correct %s, or add what it names to %s",
		"ru": "исправьте поле «%s» или внесите недостающую запись в источник %s",
		"kk": "«%s» өрісін түзетіңіз немесе жетіспейтін жазбаны %s дереккөзіне енгізіңіз",
	},
	"q.dead_active.reason": {
		"en": "the person died on %s, yet %s",
		"ru": "человек умер %s, однако %s",
		"kk": "адам %s қайтыс болған, алайда %s",
	},
	"q.dead_active.reason.after": {
		"en": "the person died on %s, yet %s and %s %s is after the death",
		"ru": "человек умер %s, однако %s, а %s %s — после смерти",
		"kk": "адам %s қайтыс болған, алайда %s, ал %s %s — қайтыс болғаннан кейін",
	},
	"q.dead_active.in": {
		"en": "the person died on %s, yet the record is still in %s",
		"ru": "человек умер %s, однако запись всё ещё числится в источнике %s",
		"kk": "адам %s қайтыс болған, алайда жазба әлі де %s дереккөзінде тұр",
	},
	"q.dead_active.in.after": {
		"en": "the person died on %s, yet the record is still in %s and %s %s is after the death",
		"ru": "человек умер %s, однако запись всё ещё числится в источнике %s, а %s %s — после смерти",
		"kk": "адам %s қайтыс болған, алайда жазба әлі де %s дереккөзінде тұр, ал %s %s — қайтыс болғаннан кейін",
	},
	"q.dead_active.fix": {
		"en": "close the record as of %s and review what happened on it since",
		"ru": "закройте запись датой %s и проверьте операции по ней после этой даты",
		"kk": "жазбаны %s күнімен жауып, сол күннен кейінгі операцияларды тексеріңіз",
	},
	"q.dead_reference.reason": {
		"en": "%s %s names a person who died on %s",
		"ru": "%s: ИИН %s принадлежит человеку, умершему %s",
		"kk": "%s: %s ЖСН-і %s қайтыс болған адамға тиесілі",
	},
	"q.dead_reference.fix": {
		"en": "re-register the record to the heir or new holder, or close it as of %s",
		"ru": "переоформите запись на наследника или нового владельца либо закройте её датой %s",
		"kk": "жазбаны мұрагерге немесе жаңа иесіне қайта рәсімдеңіз не %s күнімен жабыңыз",
	},
	"q.after_death.reason": {
		"en": "%s %s starts after the person died on %s",
		"ru": "%s: период %s начинается после смерти человека; дата смерти — %s",
		"kk": "%s: %s кезеңі адам қайтыс болғаннан кейін басталады; қайтыс болған күні — %s",
	},
	"q.after_death.fix": {
		"en": "withdraw the record, or correct the IIN if it names the wrong person",
		"ru": "отзовите запись или исправьте ИИН, если он указан ошибочно",
		"kk": "жазбаны кері қайтарыңыз немесе ЖСН қате көрсетілсе, түзетіңіз",
	},
	"q.group_size.reason": {
		"en": "%s %s has %s records, above the %s expected at most",
		"ru": "%s %s: записей %s, при допустимом максимуме %s",
		"kk": "%s %s: жазбалар саны %s, ал рұқсат етілген ең көбі %s",
	},
	"q.group_size.fix": {
		"en": "verify the group with the agency: a registration under the wrong %s or a fictitious entry",
		"ru": "проверьте группу с ведомством: ошибочно указан %s или запись фиктивная",
		"kk": "топты ведомствомен бірге тексеріңіз: %s қате көрсетілген немесе жазба жалған",
	},
	"q.name.letter": {
		"en": "%s %s differs by a letter from %s",
		"ru": "%s: %s отличается на одну букву от %s",
		"kk": "%s: %s мен %s бір әріппен ерекшеленеді",
	},
	"q.name.letters2": {
		"en": "%s %s differs by two letters from %s",
		"ru": "%s: %s отличается на две буквы от %s",
		"kk": "%s: %s мен %s екі әріппен ерекшеленеді",
	},
	"q.name.other": {
		"en": "%s %s is another name than %s",
		"ru": "%s: %s — другое имя, не %s",
		"kk": "%s: %s — басқа есім, %s емес",
	},
	"q.name.source": {
		"en": "as %s %s writes it",
		"ru": "по данным источника %s, запись %s",
		"kk": "%s дереккөзі бойынша, %s жазбасы",
	},
	"q.name.fix": {
		"en": "write the name as %s does: %s",
		"ru": "напишите имя как в источнике %s: %s",
		"kk": "есімді %s дереккөзіндегідей жазыңыз: %s",
	},
	"q.folded.reason": {
		"en": "written without Kazakh letters: %s for %s (%s %s)",
		"ru": "написано без казахских букв: %s вместо %s (%s, запись %s)",
		"kk": "қазақ әріптерінсіз жазылған: %[2]s орнына %[1]s (%[3]s, %[4]s жазбасы)",
	},
	"q.folded.fix": {
		"en": "write %s, in an encoding that holds Kazakh letters (UTF-8)",
		"ru": "напишите %s в кодировке с казахскими буквами (UTF-8)",
		"kk": "%s деп қазақ әріптерін сақтайтын кодировкада (UTF-8) жазыңыз",
	},
	// Name parts, as arguments.
	"q.part.surname": {"en": "surname", "ru": "фамилия", "kk": "тегі"},
	"q.part.first":   {"en": "first name", "ru": "имя", "kk": "аты"},
	"q.part.middle":  {"en": "middle name", "ru": "отчество", "kk": "әкесінің аты"},

	// A number of days, as an argument; written so that no plural is
	// needed.
	"q.days": {"en": "%s days", "ru": "%s дн.", "kk": "%s күн"},
	// A death, as an argument: the date and the record that gives it.
	"q.death": {
		"en": "%s (%s %s)",
		"ru": "%s (%s, запись %s)",
		"kk": "%s (%s, %s жазбасы)",
	},
	// Where conditions, as arguments.
	"q.where.is": {
		"en": "%s is %s",
		"ru": "%s: %s",
		"kk": "%s: %s",
	},
	"q.where.still": {
		"en": "%s is still %s",
		"ru": "%s всё ещё «%s»",
		"kk": "%s әлі де «%s»",
	},
	// Quarantine codes, as arguments (the ingest's codes).
	"q.quarantine.code": {
		"en": "line %s could not be stored: %s",
		"ru": "строку %s не удалось сохранить: %s",
		"kk": "%s-жол сақталмады: %s",
	},
	"q.qcode.column_count":     {"en": "wrong column count", "ru": "неверное число столбцов", "kk": "бағандар саны сәйкес емес"},
	"q.qcode.bad_quoting":      {"en": "broken quoting", "ru": "ошибка в кавычках", "kk": "тырнақшалар қате"},
	"q.qcode.not_utf8":         {"en": "not UTF-8", "ru": "байты не в UTF-8", "kk": "UTF-8 емес байттар"},
	"q.qcode.no_record_id":     {"en": "no record id", "ru": "нет идентификатора записи", "kk": "жазба идентификаторы жоқ"},
	"q.qcode.duplicate_id":     {"en": "duplicate id", "ru": "повторный идентификатор", "kk": "идентификатор қайталанды"},
	"q.qcode.required_missing": {"en": "required field empty", "ru": "обязательное поле пусто", "kk": "міндетті өріс бос"},
	"q.qcode.bad_json":         {"en": "not a JSON object", "ru": "не объект JSON", "kk": "JSON нысаны емес"},
	"q.qcode.bad_record_id": {
		"en": "hidden character in the record id", "ru": "скрытый символ в идентификаторе записи",
		"kk": "жазба идентификаторында жасырын таңба",
	},

	// Check descriptions: what a record (or load) must satisfy to pass.
	"q.desc.missing": {
		"en": "%s is filled in",
		"ru": "поле «%s» заполнено",
		"kk": "«%s» өрісі толтырылған",
	},
	"q.desc.valid": {
		"en": "%s was not flagged invalid at ingest (check digits, dates, types, allowed values)",
		"ru": "при загрузке поле «%s» не отмечено как некорректное (контрольные цифры, даты, типы, справочные значения)",
		"kk": "жүктеу кезінде «%s» өрісі жарамсыз деп белгіленбеген (бақылау сандары, күндер, түрлер, анықтамалық мәндер)",
	},
	"q.desc.valid.any": {
		"en": "no value was flagged invalid at ingest (check digits, dates, types, allowed values)",
		"ru": "при загрузке ни одно значение не отмечено как некорректное (контрольные цифры, даты, типы, справочные значения)",
		"kk": "жүктеу кезінде бірде-бір мән жарамсыз деп белгіленбеген (бақылау сандары, күндер, түрлер, анықтамалық мәндер)",
	},
	"q.desc.allowed": {
		"en": "%s is one of %s",
		"ru": "значение поля «%s» — одно из: %s",
		"kk": "«%s» өрісінің мәні мыналардың бірі: %s",
	},
	"q.desc.range": {
		"en": "%s is from %s to %s",
		"ru": "значение поля «%s» — от %s до %s",
		"kk": "«%s» өрісінің мәні %s мен %s аралығында",
	},
	"q.desc.range.min": {
		"en": "%s is at least %s",
		"ru": "значение поля «%s» — не меньше %s",
		"kk": "«%s» өрісінің мәні кемінде %s",
	},
	"q.desc.range.max": {
		"en": "%s is at most %s",
		"ru": "значение поля «%s» — не больше %s",
		"kk": "«%s» өрісінің мәні ең көбі %s",
	},
	"q.desc.pattern": {
		"en": "%s matches %s",
		"ru": "поле «%s» соответствует шаблону %s",
		"kk": "«%s» өрісі %s үлгісіне сай",
	},
	"q.desc.pattern.not": {
		"en": "%s does not match %s",
		"ru": "поле «%s» не соответствует шаблону %s",
		"kk": "«%s» өрісі %s үлгісіне сай емес",
	},
	"q.desc.case.upper": {
		"en": "%s is written in capitals",
		"ru": "поле «%s» написано заглавными буквами",
		"kk": "«%s» өрісі бас әріптермен жазылған",
	},
	"q.desc.case.lower": {
		"en": "%s is written in small letters",
		"ru": "поле «%s» написано строчными буквами",
		"kk": "«%s» өрісі кіші әріптермен жазылған",
	},
	"q.desc.case.title": {
		"en": "%s is written in title case, neither all capitals nor all small letters",
		"ru": "поле «%s» написано с заглавной буквы, а не целиком заглавными или строчными",
		"kk": "«%s» өрісі бас әріптен басталады: түгел бас әріппен де, түгел кіші әріппен де жазылмаған",
	},
	"q.desc.script.cyrillic": {
		"en": "%s is written in Cyrillic letters only",
		"ru": "поле «%s» написано только кириллицей",
		"kk": "«%s» өрісі тек кирилл әріптерімен жазылған",
	},
	"q.desc.script.latin": {
		"en": "%s is written in Latin letters only",
		"ru": "поле «%s» написано только латиницей",
		"kk": "«%s» өрісі тек латын әріптерімен жазылған",
	},
	"q.desc.age": {
		"en": "%s is not in the future",
		"ru": "дата «%s» не в будущем",
		"kk": "«%s» күні болашақта емес",
	},
	"q.desc.age.max": {
		"en": "%s is not in the future nor more than %s years back",
		"ru": "дата «%s» не в будущем, а возраст по ней (полных лет) — не больше %s",
		"kk": "«%s» күні болашақта емес, ол бойынша жас (толық жыл) ең көбі %s",
	},
	"q.desc.age.by": {
		"en": "%s is not in the future nor more years back than the limit for its %s",
		"ru": "дата «%s» не в будущем и не раньше предела, установленного для значения поля «%s»",
		"kk": "«%s» күні болашақта емес және «%s» өрісінің мәніне белгіленген шектен ерте емес",
	},
	"q.desc.unique": {
		"en": "no other record has the same %s",
		"ru": "ни у одной другой записи нет тех же значений полей: %s",
		"kk": "басқа бірде-бір жазбада мына өрістердің мәндері қайталанбайды: %s",
	},
	"q.desc.duplicates": {
		"en": "the record's entity (a patient, a pupil) has no other record in the source",
		"ru": "у объекта записи (пациента, ученика) нет другой записи в этом источнике",
		"kk": "жазба нысанының (науқас, оқушы) бұл дереккөзде басқа жазбасы жоқ",
	},
	"q.desc.freshness": {
		"en": "the newest record was observed within %s of the data's date",
		"ru": "самая свежая запись не старше %s на дату данных",
		"kk": "ең жаңа жазба деректер күніне қарай %s ішінде тіркелген",
	},
	"q.desc.freshness.run": {
		"en": "the source was loaded within %s of the data's date",
		"ru": "источник загружен не раньше чем за %s до даты данных",
		"kk": "дереккөз деректер күніне дейінгі %s ішінде жүктелген",
	},
	"q.desc.volume": {
		"en": "the latest load's row count is within %s of the median of the previous loads",
		"ru": "число строк последней загрузки отличается от медианы предыдущих загрузок не больше чем на %s",
		"kk": "соңғы жүктеудегі жолдар саны алдыңғы жүктеулердің медианасынан %s артық ауытқымайды",
	},
	"q.desc.schema": {
		"en": "the extract has the same columns as the load before it",
		"ru": "в выгрузке те же столбцы, что и в предыдущей загрузке",
		"kk": "үзіндіде алдыңғы жүктеудегідей бағандар бар",
	},
	"q.desc.quarantine": {
		"en": "every row of the latest load could be read and stored",
		"ru": "каждую строку последней загрузки удалось прочитать и сохранить",
		"kk": "соңғы жүктеудің әр жолы оқылып, сақталды",
	},
	"q.desc.reference": {
		"en": "%s names a record of %s (by %s)",
		"ru": "поле «%s» ссылается на запись источника %s (по полю «%s»)",
		"kk": "«%s» өрісі %s дереккөзінің жазбасына сілтейді («%s» өрісі бойынша)",
	},
	"q.desc.dead_active": {
		"en": "no record belongs to a person who died before the data's date",
		"ru": "нет записей о людях, умерших до даты данных",
		"kk": "деректер күніне дейін қайтыс болған адамдардың жазбалары жоқ",
	},
	"q.desc.dead_active.after": {
		"en": "no record belongs to a person who died before the data's date and has %s after the death",
		"ru": "нет записей о людях, умерших до даты данных, где «%s» позже смерти",
		"kk": "деректер күніне дейін қайтыс болған адамның «%s» күні қайтыс болғаннан кейін болатын жазбалары жоқ",
	},
	"q.desc.dead_active.where": {
		"en": "no record whose %s belongs to a person who died before the data's date",
		"ru": "нет записей с условием «%s» о людях, умерших до даты данных",
		"kk": "деректер күніне дейін қайтыс болған адамдардың «%s» шарты бар жазбалары жоқ",
	},
	"q.desc.dead_active.where.after": {
		"en": "no record whose %s belongs to a person who died before the data's date and has %s after the death",
		"ru": "нет записей с условием «%s» о людях, умерших до даты данных, где «%s» позже смерти",
		"kk": "деректер күніне дейін қайтыс болған адамның «%s» шарты бар және «%s» күні қайтыс болғаннан кейін болатын жазбалары жоқ",
	},
	"q.desc.dead_reference": {
		"en": "the person %s names had not died before the data's date",
		"ru": "человек, указанный в поле «%s», не умер до даты данных",
		"kk": "«%s» өрісінде көрсетілген адам деректер күніне дейін қайтыс болмаған",
	},
	"q.desc.after_death": {
		"en": "%s does not start after the person's death (the month of death itself is fine)",
		"ru": "дата «%s» не позже смерти человека (месяц смерти допустим)",
		"kk": "«%s» күні адам қайтыс болғаннан кейін басталмайды (қайтыс болған айы есептелмейді)",
	},
	"q.desc.group_size": {
		"en": "at most %s records share one value of %s",
		"ru": "записей с одним значением поля «%[2]s» — не больше %[1]s",
		"kk": "«%[2]s» өрісінің бір мәні ең көбі %[1]s жазбада кездеседі",
	},
	"q.desc.name_mismatch": {
		"en": "the name in %s is the one %s holds, up to case, script and Kazakh letters",
		"ru": "имя в полях «%s» совпадает с данными источника %s с точностью до регистра, алфавита и казахских букв",
		"kk": "«%s» өрістеріндегі есім %s дереккөзіндегімен сәйкес (әріп регистрі, әліпби және қазақ әріптері ескерілмейді)",
	},
	"q.desc.kazakh_folded": {
		"en": "the name in %s keeps the Kazakh letters (ә ғ қ ң ө ұ ү һ і) %s writes",
		"ru": "имя в полях «%s» сохраняет казахские буквы (ә ғ қ ң ө ұ ү һ і), как в источнике %s",
		"kk": "«%s» өрістеріндегі есім %s дереккөзіндегідей қазақ әріптерін (ә ғ қ ң ө ұ ү һ і) сақтайды",
	},
}
