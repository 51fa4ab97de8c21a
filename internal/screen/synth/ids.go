package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"

	"liandong/internal/ident"
	"liandong/internal/screen"
)

// regionCodes are the county-level codes of ident's GB/T 2260 table,
// current and retired, found by asking LookupRegion for every code under
// each province (ident exports lookups only).
type regionCodes struct {
	current, retired, zhoukou []string
	xinjiang, tibet           []string
}

var regions = sync.OnceValue(func() *regionCodes {
	rc := &regionCodes{}
	for _, p := range []int{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65} {
		for rest := 101; rest < 10000; rest++ {
			if rest%100 == 0 {
				continue
			}
			code := fmt.Sprintf("%02d%04d", p, rest)
			r, ok := ident.LookupRegion(code)
			if !ok || strings.HasSuffix(r.Name, "市辖区") || rest%100 == 1 && strings.HasSuffix(r.Name, "辖区") {
				continue
			}
			if r.Retired {
				rc.retired = append(rc.retired, code)
				continue
			}
			rc.current = append(rc.current, code)
			switch {
			case strings.HasPrefix(code, "4116"):
				rc.zhoukou = append(rc.zhoukou, code)
			case p == 65:
				rc.xinjiang = append(rc.xinjiang, code)
			case p == 54:
				rc.tibet = append(rc.tibet, code)
			}
		}
	}
	return rc
})

var mod112W = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// residentID composes a valid 18-digit number (GB 11643).
func residentID(region string, birth screen.Date, seq int) string {
	b := make([]byte, 0, 18)
	b = append(b, region...)
	b = appendDigits(b, int(birth), 8)
	b = appendDigits(b, seq, 3)
	s := string(b)
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(s[i]-'0') * mod112W[i]
	}
	return s + string("10X98765432"[sum%11])
}

// appendDigits appends v with exactly n digits.
func appendDigits(b []byte, v, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		d := v
		for k := 0; k < i; k++ {
			d /= 10
		}
		b = append(b, byte('0'+d%10))
	}
	return b
}

// legacy15 turns an 18-digit number of someone born in the 1900s into the
// 15-digit form of GB 11643-1989.
func legacy15(id string) (string, bool) {
	if len(id) != 18 || id[6:8] != "19" {
		return "", false
	}
	return id[:6] + id[8:17], true
}

const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCode composes a valid unified social credit code (GB 32100) with
// an organization code checked per GB 11714.
func creditCode(rng *rand.Rand, region string) string {
	var b strings.Builder
	b.WriteString("91")
	b.WriteString(region)
	org := fmt.Sprintf("%08d", rng.IntN(100000000))
	w := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(org[i]-'0') * w[i]
	}
	c := 11 - sum%11
	switch c {
	case 10:
		org += "X"
	case 11:
		org += "0"
	default:
		org += string(rune('0' + c))
	}
	b.WriteString(org)
	s := b.String()
	sum = 0
	pw := 1
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(creditAlphabet, s[i]) * pw
		pw = pw * 3 % 31
	}
	return s + string(creditAlphabet[(31-sum%31)%31])
}
