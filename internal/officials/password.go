package officials

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// MinPassword is the shortest password accepted, in characters.
const MinPassword = 12

// maxPassword bounds what is hashed: argon2 takes any length, but a
// megabyte of "password" is only a way to burn the server's time.
const maxPassword = 1024

// kdfParams are argon2id's cost parameters.
type kdfParams struct {
	time    uint32
	memory  uint32 // KiB
	threads uint8
	saltLen int
	keyLen  uint32
}

// defaultKDF is RFC 9106's second recommended option (section 4): t=3
// passes over 64 MiB with 4 lanes, a 128-bit salt and a 256-bit tag.
var defaultKDF = kdfParams{time: 3, memory: 64 * 1024, threads: 4, saltLen: 16, keyLen: 32}

// hash returns password's argon2id hash in the PHC string format:
// $argon2id$v=19$m=65536,t=3,p=4$SALT$HASH, base64 without padding.
func (p kdfParams) hash(password string) (string, error) {
	salt := make([]byte, p.saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, p.keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// errHash is a stored hash this code cannot read.
var errHash = errors.New("unreadable password hash")

// verifyHash reports whether password matches a PHC argon2id hash, with
// the parameters the hash names (so that hashes made with older costs keep
// working). Costs beyond sane bounds are refused rather than run.
func verifyHash(phc, password string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return false, errHash
	}
	var m, t, p uint64
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil {
			return false, errHash
		}
		switch k {
		case "m":
			m = n
		case "t":
			t = n
		case "p":
			p = n
		default:
			return false, errHash
		}
	}
	if m < 8 || m > 1<<21 || t < 1 || t > 16 || p < 1 || p > 16 {
		return false, errHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return false, errHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, errHash
	}
	got := argon2.IDKey([]byte(password), salt, uint32(t), uint32(m), uint8(p), uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// checkPassword accepts MinPassword to maxPassword characters.
func checkPassword(pw string) error {
	if n := len([]rune(pw)); n < MinPassword {
		return fmt.Errorf("%w password: %d characters; want at least %d", ErrInvalid, n, MinPassword)
	}
	if len(pw) > maxPassword {
		return fmt.Errorf("%w password: longer than %d bytes", ErrInvalid, maxPassword)
	}
	return nil
}

// GeneratePassword returns a random password of 20 characters from a
// 32-letter alphabet (100 bits), for officials who are given one.
func GeneratePassword() string {
	return strings.ToLower(rand.Text()[:20])
}
