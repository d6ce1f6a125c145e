package quality

import "github.com/ortaq/ortaq/internal/store"

// The texts of a held load's finding (store.HeldFinding): the finding is
// built in the store, which ingest calls, so that ingest need not import
// this package; the catalogue of its texts lives here with the others.
func init() {
	Messages["q.held.reason"] = map[string]string{
		"en": store.HeldReasonEN,
		"ru": "полная выгрузка отклонена и не сохранена: она удалила бы %s из %s действующих записей (больше %s); строк в ней: %s (%s UTC)",
		"kk": "толық үзінді қабылданбады және сақталмады: ол %[2]s қолданыстағы жазбаның %[1]s жазбасын жояр еді (%[3]s астам); жолдар саны: %[4]s (%[5]s UTC)",
	}
	Messages["q.held.fix"] = map[string]string{
		"en": store.HeldFixEN,
		"ru": "проверьте, не оборвана ли выгрузка; пришлите её целиком или подтвердите удаление %s записей: ortaq ingest --allow-deletions или ?allow_deletions= при отправке",
		"kk": "үзіндінің үзіліп қалмағанын тексеріңіз; оны толық жіберіңіз немесе %s жазбаны жоюды растаңыз: ortaq ingest --allow-deletions немесе жіберуде ?allow_deletions=",
	}
}
