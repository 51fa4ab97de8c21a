package credit

import (
	"strings"
	"testing"
	"time"

	"liandong/internal/keyring"
	"liandong/internal/pii"
)

var benchLine = []byte(`{"kind":"person","name":"王伟","sex":"","birth_date":"","id_number":"411602196001010017","documents":null,"credit_code":"","legal_rep":"","legal_rep_id":"","ground":2,"obligation":"支付借款本金及利息","performance":"全部未履行","conduct":"拒不履行生效法律文书确定的给付义务","basis_unit":"周口市川汇区人民法院","basis_number":"（2023）豫1602民初1号","case_number":"（2025）豫1602执1号","filed_on":"2025-01-06","initiation":"","applied_on":"","decision_number":"","decided_on":"2025-03-03","decision_sm3":"","term_years":null,"extension_reason":"","published_at":""}`)

var benchCourt = court{unit: "fy411602", name: "周口市川汇区人民法院", code: "豫1602"}

func BenchmarkPhaseParse(b *testing.B) {
	for range b.N {
		if _, ps := parseJSONLine(benchLine); len(ps) > 0 {
			b.Fatal(ps)
		}
	}
}

func BenchmarkPhaseValidate(b *testing.B) {
	e, _ := parseJSONLine(benchLine)
	now := time.Date(2025, 6, 16, 2, 0, 0, 0, time.UTC)
	for range b.N {
		if _, ps := validate(e, benchCourt, now); len(ps) > 0 {
			b.Fatal(ps)
		}
	}
}

func BenchmarkPhaseSeal(b *testing.B) {
	text, _ := keyring.Generate()
	ring, _ := keyring.Parse(strings.NewReader(text))
	s := &Store{pii: pii.New(ring)}
	e, _ := parseJSONLine(benchLine)
	r, _ := validate(e, benchCourt, time.Date(2025, 6, 16, 2, 0, 0, 0, time.UTC))
	for i := range b.N {
		if _, err := s.seal(r, int64(i), ""); err != nil {
			b.Fatal(err)
		}
	}
}
