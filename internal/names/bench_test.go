package names

import "testing"

// benchNames mixes the scripts a register holds, in the proportions of a
// typical load: mostly Cyrillic, some passport and informal Latin.
var benchNames = []string{
	"Назарбаев Нұрсұлтан Әбішұлы",
	"НАЗАРБАЕВ НУРСУЛТАН АБИШЕВИЧ",
	"Ахметова Айгүл Серікқызы",
	"Иванова Мария Петровна",
	"Щербаков Пётр Фёдорович",
	"Сейтқалиев Бауыржан Қуанышұлы",
	"NAZARBAYEV NURSULTAN ABISHULY",
	"Akhmetova Aigul",
	"Nūrsūltan Äbışūly",
	"Ким Ольга",
}

var (
	sinkString string
	sinkParts  Parts
)

func BenchmarkFold(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkString = Fold(benchNames[i%len(benchNames)])
	}
}

func BenchmarkBase(b *testing.B) {
	tokens := []string{"nurlanovich", "ahmetova", "serikbayuli", "kim", "pokrovskaya"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkString = Base(tokens[i%len(tokens)])
	}
}

func BenchmarkSplit(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkParts = Split(benchNames[i%len(benchNames)])
	}
}
