package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"liandong/internal/audit"
	"liandong/internal/credit"
	"liandong/internal/pii"
)

// Reading the list is an access to personal data like any other (S-SEC-1):
// a search, an entry's page or API and the corrections list each leave an
// audit entry. A searched identity number is recorded masked: the log
// says what was looked for without holding the number itself.

func (s *Server) auditCreditSearch(ctx context.Context, r *http.Request, rq *request, q credit.SearchQuery, rows int) error {
	var parts []string
	if q.Name != "" {
		parts = append(parts, "name="+clipText(q.Name, 40))
	}
	if q.IDNumber != "" {
		parts = append(parts, "id="+pii.Mask(pii.IDNumber, q.IDNumber))
	}
	if q.CaseNumber != "" {
		parts = append(parts, "case="+clipText(q.CaseNumber, 40))
	}
	if q.State != "" {
		parts = append(parts, "state="+string(q.State))
	}
	parts = append(parts, "courts="+strings.Join(q.Courts, ","), "rows="+strconv.Itoa(rows))
	e := s.entry(r, rq, "credit.search", "credit:search", audit.OK, strings.Join(parts, " "))
	e.CaseNumber = q.CaseNumber
	if _, err := s.audit.Record(ctx, e); err != nil {
		return fmt.Errorf("audit a list search: %w", err)
	}
	return nil
}

func (s *Server) auditCreditRead(ctx context.Context, r *http.Request, rq *request, e credit.Entry) error {
	a := s.entry(r, rq, "credit.entry_read", "credit:"+strconv.FormatInt(e.ID, 10), audit.OK, "")
	a.CaseNumber = e.CaseNumber
	if _, err := s.audit.Record(ctx, a); err != nil {
		return fmt.Errorf("audit reading entry %d: %w", e.ID, err)
	}
	return nil
}
