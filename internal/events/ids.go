package events

import "slices"

// sortedUnique sorts ids and drops repeats, in place: a resolve run names
// the same entity in several of its changes.
func sortedUnique(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}
