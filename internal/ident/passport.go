package ident

// PassportType is the kind of PRC passport, read from the number's prefix.
type PassportType string

// Passport types.
const (
	PassportOrdinary      PassportType = "ordinary"       // 普通护照（因私）
	PassportPublicAffairs PassportType = "public_affairs" // 因公普通护照
	PassportService       PassportType = "service"        // 公务护照
	PassportDiplomatic    PassportType = "diplomatic"     // 外交护照
	PassportHKSAR         PassportType = "hksar"          // 香港特别行政区护照
	PassportMacaoSAR      PassportType = "macao_sar"      // 澳门特别行政区护照
)

// Label returns the Chinese name of the passport type.
func (t PassportType) Label() string {
	switch t {
	case PassportOrdinary:
		return "普通护照"
	case PassportPublicAffairs:
		return "因公普通护照"
	case PassportService:
		return "公务护照"
	case PassportDiplomatic:
		return "外交护照"
	case PassportHKSAR:
		return "香港特别行政区护照"
	case PassportMacaoSAR:
		return "澳门特别行政区护照"
	}
	return string(t)
}

// Passport is a valid PRC passport number. Passport numbers carry no check
// digit, so only the form is validated.
type Passport struct {
	Number     string // upper case, no spaces
	Type       PassportType
	Series     string // the prefix that identifies the series: "E", "EA", "G", "14", "PE", …
	Electronic bool   // E-series ordinary and PE/SE/DE passports (electronic, 2012 onwards)
}

// passportPattern is one accepted form: a literal prefix, then an optional
// letter, then digits.
type passportPattern struct {
	prefix     string
	letter     bool // one more letter (not I or O) follows the prefix: EA…, EB…
	digits     int
	typ        PassportType
	electronic bool
}

// passportPatterns lists the accepted forms; see docs/ident.md for the
// sources. Order matters only where prefixes overlap (DE before D).
var passportPatterns = []passportPattern{
	{"E", false, 8, PassportOrdinary, true}, // 2012 onwards: E + 8 digits
	{"E", true, 7, PassportOrdinary, true},  // after the E series ran out: E + letter + 7 digits
	{"G", false, 8, PassportOrdinary, false},
	{"14", false, 7, PassportOrdinary, false}, // before 2006
	{"15", false, 7, PassportOrdinary, false},
	{"PE", false, 7, PassportPublicAffairs, true},
	{"P", false, 7, PassportPublicAffairs, false},
	{"SE", false, 7, PassportService, true},
	{"S", false, 7, PassportService, false},
	{"S", false, 8, PassportService, false},
	{"DE", false, 7, PassportDiplomatic, true},
	{"D", false, 7, PassportDiplomatic, false},
	{"D", false, 8, PassportDiplomatic, false},
	{"K", false, 8, PassportHKSAR, false},
	{"KJ", false, 7, PassportHKSAR, false},
	{"MA", false, 7, PassportMacaoSAR, false},
	{"MB", false, 7, PassportMacaoSAR, false},
}

func (p passportPattern) match(c string) bool {
	n := len(p.prefix) + p.digits
	if p.letter {
		n++
	}
	if len(c) != n || c[:len(p.prefix)] != p.prefix {
		return false
	}
	rest := c[len(p.prefix):]
	if p.letter {
		l := rest[0]
		if !isUpper(l) || l == 'I' || l == 'O' {
			return false
		}
		rest = rest[1:]
	}
	for i := 0; i < len(rest); i++ {
		if !isDigit(rest[i]) {
			return false
		}
	}
	return true
}

// ParsePassport validates a PRC passport number: ordinary passports
// E12345678, EA1234567 (E + a letter other than I and O + 7 digits),
// G12345678 and the older 14/15 + 7 digits; public-affairs P/PE, service
// S/SE and diplomatic D/DE passports; HKSAR (K, KJ) and Macao SAR (MA, MB)
// passports. Letters are upper-cased and spaces removed.
func ParsePassport(s string) (Passport, error) {
	const k = KindPassport
	c := compact(s)
	if c == "" {
		return Passport{}, errEmpty(k)
	}
	n := runeCount(c)
	if n != 8 && n != 9 {
		return Passport{}, errLength(k, "9 位（旧式因公、公务、外交护照为 8 位）", n)
	}
	pos := 0
	for _, r := range c {
		pos++
		if !('0' <= r && r <= '9') && !('A' <= r && r <= 'Z') {
			return Passport{}, errChar(k, s, pos, "不是字母或数字")
		}
	}
	for _, p := range passportPatterns {
		if p.match(c) {
			series := p.prefix
			if p.letter {
				series = c[:2]
			}
			return Passport{Number: c, Type: p.typ, Series: series, Electronic: p.electronic}, nil
		}
	}
	if c[0] == 'E' && (c[1] == 'I' || c[1] == 'O') {
		return Passport{}, newError(k, sufFormat, "E 字头护照第 2 位不能是字母 %c（不使用 I、O，易与数字 1、0 混淆）", c[1])
	}
	if c[0] == 'H' && n == 9 {
		return Passport{}, newError(k, sufFormat, "“%s”不是护照号码格式；H 加 8 位数字的是港澳居民来往内地通行证（回乡证）", c)
	}
	return Passport{}, newError(k, sufFormat, "“%s”不符合中国护照号码的格式（如 E12345678、EA1234567、G12345678、141234567、PE1234567、SE1234567、DE1234567）", c)
}

// Facts lists what the number tells.
func (p Passport) Facts() []Fact {
	gen := p.Series + " 字头"
	if p.Electronic {
		gen += "（电子护照）"
	}
	return []Fact{
		{"passport_type", "护照种类", p.Type.Label()},
		{"series", "号码字头", gen},
	}
}
