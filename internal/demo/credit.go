package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"liandong/internal/access"
	"liandong/internal/connector"
	"liandong/internal/credit"
	"liandong/internal/directory"
	"liandong/internal/screen/synth"
)

// CreditListSize is the number of synthetic entries of the demo list.
const CreditListSize = 300

// CreditDebtors is how many demo debtors (the first people of the
// connector simulator, who are the demo matters' debtors) are listed, so
// that screening one of them through POST /api/v1/screen hits.
const CreditDebtors = 5

// LoadCreditList puts a small dishonest-debtor list into an empty list:
// the first CreditDebtors demo debtors and CreditListSize synthetic
// entries, all listed by 川汇区人民法院 (fy411602), through the ordinary
// import (audited as credit.import). It returns the number imported, 0
// when the list already has entries.
func LoadCreditList(ctx context.Context, store *credit.Store) (int, error) {
	if v, err := store.Version(ctx); err != nil || v > 0 {
		return 0, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	line := func(i int, m map[string]any) error {
		m["ground"], m["obligation"], m["performance"] = 1, "支付借款本金及利息", "全部未履行"
		m["conduct"], m["basis_unit"] = "有履行能力而拒不履行生效法律文书确定的义务", "周口市川汇区人民法院"
		m["basis_number"] = "（2024）豫1602民初" + strconv.Itoa(i+1) + "号"
		m["case_number"] = "（2025）豫1602执" + strconv.Itoa(i+1) + "号"
		m["filed_on"], m["decided_on"] = "2025-01-06", "2025-07-01"
		return enc.Encode(m)
	}
	for i, p := range connector.NewSimulator(1).People()[:CreditDebtors] {
		if err := line(i, map[string]any{"kind": "person", "name": p.Name, "id_number": p.IDNumber}); err != nil {
			return 0, err
		}
	}
	list := synth.New(synth.Config{Seed: 2025, Entries: CreditListSize})
	for i := range list.Len() {
		e := list.Entry(i)
		m := map[string]any{"kind": "person", "name": e.Name}
		if !e.Person {
			m["kind"], m["credit_code"], m["legal_rep"] = "organisation", e.CreditCode, e.LegalRep
		} else if len(e.IDs) > 0 && len(e.IDs[0]) == 18 {
			m["id_number"] = e.IDs[0]
		} else {
			continue
		}
		if err := line(CreditDebtors+i, m); err != nil {
			return 0, err
		}
	}
	actor := access.Principal{Username: "system", UnitCode: "fy411602-zxj", Roles: []directory.Role{directory.CourtOfficer}, Source: "demo"}
	rep, err := store.Import(ctx, &buf, credit.Format("jsonl"), credit.ImportOptions{Actor: actor, Court: "fy411602", SkipInvalid: true}, nil)
	if err != nil {
		return 0, fmt.Errorf("demo list: %w", err)
	}
	return rep.Imported, nil
}
