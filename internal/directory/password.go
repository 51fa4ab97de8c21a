package directory

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"liandong/internal/apperr"
)

// argon2id parameters: the OWASP baseline (19 MiB, 2 passes, 1 lane). They
// are stored in each hash (PHC string), so raising them later only affects
// new hashes.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches a hash made by
// HashPassword (with whatever parameters the hash records).
func VerifyPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, fmt.Errorf("verify password: not an argon2id PHC string")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, fmt.Errorf("verify password: unsupported argon2 version %q", parts[2])
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, fmt.Errorf("verify password: bad parameters %q: %w", parts[3], err)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("verify password: bad salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("verify password: bad key: %w", err)
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// MinPasswordLength is the shortest password graded protection level 3
// practice accepts.
const MinPasswordLength = 8

// CheckPasswordStrength enforces the complexity rule: at least 8 characters
// from at least three of the four classes (lower case, upper case, digits,
// other characters), and not containing the username.
func CheckPasswordStrength(password, username string) error {
	if n := utf8.RuneCountInString(password); n < MinPasswordLength {
		return apperr.Invalidf("password", "password.too_short", "密码至少 %d 位，当前只有 %d 位", MinPasswordLength, n)
	}
	if len(password) > 128 {
		return apperr.Invalidf("password", "password.too_long", "密码不能超过 128 个字节")
	}
	var lower, upper, digit, other bool
	for _, r := range password {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsSpace(r) || unicode.IsControl(r):
			return apperr.Invalidf("password", "password.char", "密码不能包含空白或控制字符")
		default:
			other = true
		}
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	if classes < 3 {
		return apperr.Invalidf("password", "password.classes", "密码须包含小写字母、大写字母、数字、符号中的至少三类，当前只有 %d 类", classes)
	}
	if username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)) {
		return apperr.Invalidf("password", "password.contains_username", "密码不能包含用户名")
	}
	return nil
}
