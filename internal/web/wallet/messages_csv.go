package wallet

import "github.com/ortaq/ortaq/internal/web/view"

// csvMessages are the columns and sections of the citizen's CSV export,
// which a citizen opens in a spreadsheet.
var csvMessages = view.Messages{
	"csv.section":  {"kk": "Бөлім", "ru": "Раздел", "en": "Section"},
	"csv.agency":   {"kk": "Мекеме", "ru": "Ведомство", "en": "Agency"},
	"csv.source":   {"kk": "Ақпараттық жүйе", "ru": "Информационная система", "en": "Information system"},
	"csv.record":   {"kk": "Жазба нөмірі", "ru": "Номер записи", "en": "Record number"},
	"csv.version":  {"kk": "Нұсқа", "ru": "Версия", "en": "Version"},
	"csv.observed": {"kk": "Мәлімет күні", "ru": "Дата сведений", "en": "As of"},
	"csv.field":    {"kk": "Өріс", "ru": "Поле", "en": "Field"},
	"csv.value":    {"kk": "Мәні", "ru": "Значение", "en": "Value"},

	"csv.section.golden":    {"kk": "Жинақ жазба", "ru": "Сводная запись", "en": "Combined record"},
	"csv.section.record":    {"kk": "Мекеме жазбасы", "ru": "Запись ведомства", "en": "Agency record"},
	"csv.section.household": {"kk": "Үй шаруашылығы", "ru": "Домохозяйство", "en": "Household"},
	"csv.section.family":    {"kk": "Отбасы", "ru": "Семья", "en": "Family"},
	"csv.section.animal":    {"kk": "Жануар", "ru": "Животное", "en": "Animal"},
}

func init() { view.Register(csvMessages) }
