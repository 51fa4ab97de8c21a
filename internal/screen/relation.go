package screen

import "liandong/internal/screen/hanzi"

// nameRel says how a listed name relates to the queried one.
type nameRel uint8

const (
	relNone      nameRel = iota
	relExact             // equal after folding
	relHomophone         // same pinyin, different characters
	relSimilar           // sounds alike with the dialect merges (zh/z, n/l, -ng/-n …)
	relOneChar           // one character differs and does not sound alike
	relMissing           // one character missing or extra
)

type relation struct {
	rel  nameRel
	subs int // characters that differ (sound-alike or not)
	pos  int // position of the differing or missing character in the listed name
}

// relate compares a queried name q with a listed name e, both folded.
func relate(q, e []rune) relation {
	if len(q) == len(e) {
		sl := hanzi.SplitSurname(e)
		var strictSubs, looseSubs, diffs, pos int
		for i := range e {
			if q[i] == e[i] {
				continue
			}
			sq, lq := hanzi.Sound(q[i], i < sl)
			se, le := hanzi.Sound(e[i], i < sl)
			switch {
			case sq != 0 && sq == se:
				strictSubs++
			case lq != 0 && lq == le:
				looseSubs++
			default:
				diffs++
				pos = i
			}
		}
		switch {
		case strictSubs+looseSubs+diffs == 0:
			return relation{rel: relExact}
		case diffs == 0 && looseSubs == 0:
			return relation{rel: relHomophone, subs: strictSubs}
		case diffs == 0:
			return relation{rel: relSimilar, subs: strictSubs + looseSubs}
		case diffs == 1 && strictSubs+looseSubs == 0 && len(e) >= 2:
			return relation{rel: relOneChar, subs: 1, pos: pos}
		}
		return relation{}
	}
	// One character missing or extra, the surname kept: 张伟 / 张伟民.
	long, short := e, q
	if len(q) > len(e) {
		long, short = q, e
	}
	if len(long) != len(short)+1 || len(short) < 2 || long[0] != short[0] {
		return relation{}
	}
	i := 0
	for i < len(short) && long[i] == short[i] {
		i++
	}
	for j := i; j < len(short); j++ {
		if long[j+1] != short[j] {
			return relation{}
		}
	}
	pos := i
	if len(e) < len(q) {
		pos = -1 // the listed name is the shorter one
	}
	return relation{rel: relMissing, subs: 1, pos: pos}
}

// nearID reports whether a mistyped number differs from a listed one in
// at most two of the first 17 digits, or by two adjacent digits swapped.
func nearID(typed string, listed uint64) bool {
	var d [17]byte
	for i := 16; i >= 0; i-- {
		d[i] = byte('0' + listed%10)
		listed /= 10
	}
	t := typed
	if len(t) == 15 {
		t = t[:6] + "19" + t[6:]
	}
	if len(t) < 17 {
		return false
	}
	var diff []int
	for i := 0; i < 17; i++ {
		if t[i] != d[i] {
			diff = append(diff, i)
			if len(diff) > 2 {
				return false
			}
		}
	}
	if len(diff) == 2 && diff[1] == diff[0]+1 && t[diff[0]] == d[diff[1]] && t[diff[1]] == d[diff[0]] {
		return true
	}
	return len(diff) <= 2
}
