package household

import (
	"os"
	"strconv"
)

// benchPeople is the size of the nation BenchmarkBuild builds:
// ORTAQ_BENCH_PEOPLE, else 20,000.
func benchPeople() int {
	if n, err := strconv.Atoi(os.Getenv("ORTAQ_BENCH_PEOPLE")); err == nil && n > 0 {
		return n
	}
	return 20000
}
