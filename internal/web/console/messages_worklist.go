package console

import (
	"fmt"

	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// worklistMessages are the texts of the work list's duplicate clusters,
// bulk decisions and unapplied corrections, the grouped virtual cows and
// the correction states an officer reads.
var worklistMessages = view.Messages{
	"worklist.officer.unnamed": {"kk": "қызметкер аты көрсетілмеген", "ru": "сотрудник не указан", "en": "officer not named"},
	"worklist.cluster.keep":    {"kk": "Қалдырылатын жазба", "ru": "Оставить запись", "en": "Record to keep"},
	"worklist.cluster.merge":   {"kk": "Оған біріктірілетіндер", "ru": "Объединить с ней", "en": "Records to merge into it"},
	"worklist.cluster.of":      {"kk": "Бір адамның жазбалары", "ru": "Записи одного лица", "en": "Records of one entity"},
	"worklist.search":          {"kk": "Жазба, нысан немесе мән", "ru": "Запись, объект или значение", "en": "Record, entity or value"},
	"worklist.impact":          {"kk": "Маңыздылығы", "ru": "Значимость", "en": "Impact"},
	"worklist.impact.help": {
		"kk": "Ашық ақаулар саны ауырлық салмағына көбейтілген: ең маңыздылары жоғарыда.",
		"ru": "Число открытых замечаний, умноженное на вес важности: самые значимые выше.",
		"en": "Open findings times the weight of their severity: the weightiest come first.",
	},
	"worklist.bulk.title": {"kk": "Сүзгідегі барлық ақау бойынша шешім", "ru": "Решение по всем замечаниям фильтра", "en": "Decide every finding of this filter"},
	"worklist.bulk.reason": {
		"kk": "Себебі (міндетті)", "ru": "Причина (обязательно)", "en": "Reason (required)",
	},
	"worklist.bulk.fixed":     {"kk": "Барлығын түзетілді деп белгілеу", "ru": "Отметить все исправленными", "en": "Mark all fixed"},
	"worklist.bulk.notdefect": {"kk": "Барлығын ақау емес деп белгілеу", "ru": "Отметить все как не дефект", "en": "Mark all not a defect"},
	"worklist.bulk.missing": {
		"kk": "Көп ақау бойынша шешімге себеп пен қызметкердің аты-жөні қажет. Ештеңе өзгертілмеді.",
		"ru": "Для решения по многим замечаниям нужны причина и ФИО сотрудника. Ничего не изменено.",
		"en": "A decision on many findings needs a reason and the officer's name. Nothing was changed.",
	},
	"worklist.unapplied.lead": {
		"kk": "Мекеме бұл түзетулерді қабылдады, бірақ оның жүйесінен келген соңғы деректерде әлі бұрынғы мән тұр. Жүйеңіз жаңартылғанша ortaq қабылданған мәнді көрсетеді.",
		"ru": "Ведомство приняло эти исправления, но в последней выгрузке из его системы всё ещё прежнее значение. Пока система не обновлена, ortaq показывает принятое значение.",
		"en": "The agency accepted these corrections, but the latest extract from its system still holds the old value. Until the system is updated, ortaq shows the accepted value.",
	},
	"worklist.unapplied.old":      {"kk": "Бұрынғы мәні", "ru": "Было", "en": "Old value"},
	"worklist.unapplied.accepted": {"kk": "Қабылданған мәні", "ru": "Принято", "en": "Accepted value"},
	"cows.group.title":            {"kk": "Иесі мен табыны бойынша", "ru": "По владельцам и стадам", "en": "By owner and herd"},
	"cows.group.lead": {
		"kk": "Бір иенің бір жердегі жануарлары бір жолда: ең үлкен топтар жоғарыда.",
		"ru": "Животные одного владельца в одном месте — одной строкой: крупнейшие группы выше.",
		"en": "The animals of one owner in one place are one line: the largest groups first.",
	},
	"cows.group.herd":     {"kk": "Табын (өңір)", "ru": "Стадо (регион)", "en": "Herd (region)"},
	"cows.group.animals":  {"kk": "Жануарлар", "ru": "Животные", "en": "Animals"},
	"cows.group.findings": {"kk": "Ашық ақаулар", "ru": "Открытые замечания", "en": "Open findings"},
	"cows.group.noherd":   {"kk": "Өңірі белгісіз", "ru": "Регион неизвестен", "en": "Region unknown"},
	"entity.correction.provenance": {
		"kk": "Азаматтың түзетуі, мекеме қабылдаған; мекеме жүйесіне енгізілуі күтілуде",
		"ru": "Исправление гражданина, принятое ведомством; ожидает внесения в систему ведомства",
		"en": "A citizen's correction the agency accepted; waiting for the agency's system",
	},
}

// worklistPlurals are the work list's counted texts.
var worklistPlurals = view.Plurals{
	"worklist.bulk.count": {
		"kk": {"other": "Бұл сүзгі %s ақауды таңдайды. Шешім бәріне бірдей жазылады."},
		"ru": {
			"one":   "Этот фильтр выбирает %s замечание. Решение будет записано для всех.",
			"few":   "Этот фильтр выбирает %s замечания. Решение будет записано для всех.",
			"many":  "Этот фильтр выбирает %s замечаний. Решение будет записано для всех.",
			"other": "Этот фильтр выбирает %s замечания. Решение будет записано для всех.",
		},
		"en": {
			"one":   "This filter selects %s finding. The decision is recorded for every one.",
			"other": "This filter selects %s findings. The decision is recorded for every one.",
		},
	},
	"worklist.bulk.done": {
		"kk": {"other": "Шешім %s ақауға жазылды."},
		"ru": {
			"one":   "Решение записано для %s замечания.",
			"few":   "Решение записано для %s замечаний.",
			"many":  "Решение записано для %s замечаний.",
			"other": "Решение записано для %s замечания.",
		},
		"en": {"one": "The decision was recorded for %s finding.", "other": "The decision was recorded for %s findings."},
	},
	"cows.group.more": {
		"kk": {"other": "және тағы %s"},
		"ru": {"one": "и ещё %s", "few": "и ещё %s", "many": "и ещё %s", "other": "и ещё %s"},
		"en": {"one": "and %s more", "other": "and %s more"},
	},
}

func init() {
	view.Register(worklistMessages)
	view.RegisterPlurals(worklistPlurals)
}

// walletText renders a key of wallet.Messages (the correction states and
// the unapplied-correction texts) in lang, with args, falling back to
// English. The domain's map is read directly rather than registered, so
// that its keys and the wallet's older texts of the same name cannot
// collide in the catalogue.
func walletText(lang, key string, args ...any) string {
	texts := wallet.Messages[key]
	t := texts[lang]
	if t == "" {
		t = texts["en"]
	}
	if t == "" {
		return key
	}
	if len(args) == 0 {
		return t
	}
	return fmt.Sprintf(t, args...)
}
