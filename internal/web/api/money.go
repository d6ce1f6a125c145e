package api

import (
	"errors"

	"github.com/ortaq/ortaq/internal/socialwallet"
)

// maxAmount bounds an amount the API accepts: a trillion tenge, far beyond
// any purchase, so that no sum of amounts nears int64.
const maxAmount = 1_000_000_000_000_00 - 1

// errAmount is the one reason an amount is refused; the API's problem
// names the field.
var errAmount = errors.New(`an amount is a string of tenge with at most two decimals, greater than zero: "1250.50"`)

// parseAmount reads an amount the API receives ("1250.50", "1250.5",
// "1250") as tiyn, with the wallet's exact parser, and refuses zero and
// anything beyond maxAmount.
func parseAmount(s string) (int64, error) {
	tiyn, err := socialwallet.ParseTenge(s)
	if err != nil || tiyn <= 0 || tiyn > maxAmount {
		return 0, errAmount
	}
	return tiyn, nil
}
