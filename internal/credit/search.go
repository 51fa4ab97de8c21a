package credit

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/ident"
	"liandong/internal/pii"
)

// SearchQuery is a search of the list by the court pages. Every condition
// given must hold. Courts is the caller's scope (the unit codes of the
// courts whose entries the user may see); an empty Courts finds nothing.
type SearchQuery struct {
	Courts []string
	// Name: part of the debtor's name (or an organisation's name).
	Name string
	// IDNumber: an identity document number or a credit code, matched
	// exactly through the blind index (any form ident accepts: legacy
	// 15-digit IDs, full-width digits, lower-case letters).
	IDNumber string
	// CaseNumber: an enforcement case number, matched exactly in its
	// canonical form.
	CaseNumber string
	// State: "" for all, Active or Removed.
	State State
	// Limit (default 20, at most 100) entries from Offset, newest first.
	Limit, Offset int
}

// SearchResult is one page of a search.
type SearchResult struct {
	Entries []Entry
	// OpenDuties counts the open duties (removal, correction) of each
	// entry on the page, by entry id.
	OpenDuties map[int64]int
	Total      int
}

// maxSearchName caps the name condition (a person's name is at most 50
// characters, an organisation's 100).
const maxSearchName = 100

// Search finds entries for a court user (credit.read); numbers are masked.
// Names match as a substring; identity numbers and credit codes exactly
// through the blind index the list stores, so a number is never compared
// in clear.
func (s *Store) Search(ctx context.Context, actor access.Principal, q SearchQuery) (SearchResult, error) {
	if err := s.policy.Check(ctx, actor, access.ActionCreditRead, access.Target{}); err != nil {
		return SearchResult{}, err
	}
	out := SearchResult{OpenDuties: map[int64]int{}}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 20
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	if len(q.Courts) == 0 {
		return out, nil
	}
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	marks := make([]string, len(q.Courts))
	for i, c := range q.Courts {
		marks[i] = arg(c)
	}
	where = append(where, "e.court_unit IN ("+strings.Join(marks, ", ")+")")
	if name := strings.Join(strings.Fields(q.Name), " "); name != "" {
		if utf8.RuneCountInString(name) > maxSearchName {
			return out, apperr.Invalidf("name", CodeInvalid, "姓名或名称不能超过 %d 个字", maxSearchName)
		}
		name = normalizeDots(name)
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(name)
		where = append(where, "e.name LIKE "+arg("%"+esc+"%")+` ESCAPE '\'`)
	}
	if num := strings.TrimSpace(q.IDNumber); num != "" {
		keys, err := s.searchKeys(num)
		if err != nil {
			return out, err
		}
		km := make([]string, len(keys))
		for i, k := range keys {
			km[i] = arg(k)
		}
		in := strings.Join(km, ", ")
		where = append(where, "(e.debtor_key IN ("+in+") OR e.id IN (SELECT entry_id FROM credit_documents WHERE number_index IN ("+in+")))")
	}
	if cn := strings.TrimSpace(q.CaseNumber); cn != "" {
		c, err := ident.ParseCaseNumberAt(cn, s.clock())
		if err != nil {
			return out, &apperr.Error{Kind: apperr.Invalid, Code: CodeInvalid, Field: "case_number", Message: err.Error(), Err: err}
		}
		where = append(where, "e.case_number = "+arg(c.String()))
	}
	switch q.State {
	case "":
	case Active, Removed:
		where = append(where, "e.state = "+arg(string(q.State)))
	default:
		return out, apperr.Invalidf("state", CodeInvalid, "状态应为“在列”或“已删除”")
	}
	cond := strings.Join(where, " AND ")
	if err := s.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM credit_entries e WHERE `+cond, args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("count list entries: %w", err)
	}
	if out.Total == 0 || q.Offset >= out.Total {
		return out, nil
	}
	rows, err := s.db.Read().QueryContext(ctx, strings.Replace(entrySelect, "FROM credit_entries", "FROM credit_entries e", 1)+
		` WHERE `+cond+` ORDER BY e.id DESC LIMIT `+strconv.Itoa(q.Limit)+` OFFSET `+strconv.Itoa(q.Offset), args...)
	if err != nil {
		return out, fmt.Errorf("search list entries: %w", err)
	}
	byID := map[int64]int{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return out, fmt.Errorf("search list entries: %w", err)
		}
		byID[e.ID] = len(out.Entries)
		out.Entries = append(out.Entries, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("search list entries: %w", err)
	}
	if len(out.Entries) == 0 {
		return out, nil
	}
	ids := make([]string, len(out.Entries))
	for i, e := range out.Entries {
		ids[i] = strconv.FormatInt(e.ID, 10)
	}
	in := strings.Join(ids, ", ")
	drows, err := s.db.Read().QueryContext(ctx, `SELECT entry_id, holder, kind, number_masked FROM credit_documents WHERE entry_id IN (`+in+`) ORDER BY entry_id, ord`)
	if err != nil {
		return out, fmt.Errorf("read documents: %w", err)
	}
	for drows.Next() {
		var (
			id int64
			d  Document
		)
		if err := drows.Scan(&id, &d.Holder, &d.Kind, &d.Masked); err != nil {
			drows.Close()
			return out, fmt.Errorf("read documents: %w", err)
		}
		i := byID[id]
		out.Entries[i].Documents = append(out.Entries[i].Documents, d)
	}
	drows.Close()
	if err := drows.Err(); err != nil {
		return out, fmt.Errorf("read documents: %w", err)
	}
	crow, err := s.db.Read().QueryContext(ctx, `SELECT entry_id, COUNT(*) FROM credit_duties WHERE closed_at IS NULL AND entry_id IN (`+in+`) GROUP BY entry_id`)
	if err != nil {
		return out, fmt.Errorf("count open duties: %w", err)
	}
	defer crow.Close()
	for crow.Next() {
		var id int64
		var n int
		if err := crow.Scan(&id, &n); err != nil {
			return out, fmt.Errorf("count open duties: %w", err)
		}
		out.OpenDuties[id] = n
	}
	return out, crow.Err()
}

// searchKeys are the blind-index keys a typed number may be stored under:
// the number in ident's normalized form for each kind it reads as (a
// resident ID, a passport, a credit code …).
func (s *Store) searchKeys(num string) ([]string, error) {
	seen := map[string]bool{}
	var keys []string
	add := func(n string) {
		if k := s.pii.Index(pii.IDNumber, n); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	now := s.clock()
	if id, err := ident.ParseResidentIDAt(num, now); err == nil {
		add(id.Number)
	}
	if cc, err := ident.ParseCreditCode(num); err == nil {
		add(cc.Code)
	}
	for _, k := range []ident.Kind{ident.KindResidentID, ident.KindPassport, ident.KindHKMOPermit, ident.KindTWPermit, ident.KindForeignPR} {
		if res, err := ident.CheckAt(k, num, now); err == nil {
			add(res.Normalized)
		}
	}
	if len(keys) == 0 {
		return nil, apperr.Invalidf("id_number", CodeInvalid, "“%s”不是有效的身份证件号码或统一社会信用代码，请核对后重新输入", clip(num))
	}
	return keys, nil
}
