package credit_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"liandong/internal/apperr"
	"liandong/internal/credit"
	"liandong/internal/db"
	"liandong/internal/db/dbtest"
)

// An entry whose term has ended is off the list from 00:00 after its last
// day, before the sweep records the removal: an extension then must not put
// it back on the list (the term cannot be extended once it has ended).
func TestExtendAfterTermEndedBeforeSweep(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		now   string
		years int
		ok    bool
	}{
		{"last day of the term", "2025-06-01 23:59:59", 1, true},
		{"first instant after the term", "2025-06-02 00:00:00", 1, false},
		{"a week after the term", "2025-06-09 10:00:00", 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				t.Parallel()
				f := newFixture(t, d)
				ctx := context.Background()
				f.clock.set(at("2025-05-30 10:00:00"))
				e := person(1)
				e.Ground, e.CaseNumber, e.FiledOn, e.DecidedOn = credit.Int(3), "（2023）豫1602执1号", "2023-02-01", "2023-06-01"
				ex := f.add(t, e)
				f.clock.set(at(tc.now))
				_, err := f.store.Extend(ctx, officer, ex.ID, credit.Extension{Years: tc.years, Reason: credit.ExtendMultiple})
				if tc.ok {
					if err != nil {
						t.Fatalf("extend within the term: %v", err)
					}
					return
				}
				wantCode(t, err, apperr.Conflict, credit.CodeExtensionBarred)
				if got, _ := f.active(t); got[ex.ID].ID == ex.ID {
					t.Errorf("an entry past its term is back on the list after an extension")
				}
			})
		})
	}
}

// Taking an entry off the list ends every duty still open on it: a
// correction application or a removal duty cannot stay open (and become
// overdue on the leader's list) for an entry that is no longer listed.
func TestRemovalClosesOpenDuties(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		remove func(f *fixture, id int64) error
	}{
		{"early removal while a correction is under review", func(f *fixture, id int64) error {
			if _, err := f.store.RequestCorrection(context.Background(), officer, id, credit.CorrectionRequest{Ground: credit.CorrectCeased, Reason: "已全部履行"}); err != nil {
				return err
			}
			_, err := f.store.Remove(context.Background(), officer, id, credit.Removal{Reason: credit.RemoveEarly, Note: "积极履行"})
			return err
		}},
		{"removal while an accepted correction is open", func(f *fixture, id int64) error {
			ctx := context.Background()
			rv, err := f.store.RequestCorrection(ctx, officer, id, credit.CorrectionRequest{Ground: credit.CorrectInaccurate, Reason: "履行情况有误"})
			if err != nil {
				return err
			}
			if _, err := f.store.ReviewCorrection(ctx, officer, rv.ID, credit.Review{Accept: true}); err != nil {
				return err
			}
			_, err = f.store.Remove(ctx, officer, id, credit.Removal{Reason: credit.RemovePerformed})
			return err
		}},
		{"revocation by correction while a removal duty is open", func(f *fixture, id int64) error {
			ctx := context.Background()
			if _, err := f.store.RequestRemoval(ctx, officer, id, credit.RemovalRequest{Reason: credit.RemovePerformed}); err != nil {
				return err
			}
			rv, err := f.store.RequestCorrection(ctx, officer, id, credit.CorrectionRequest{Ground: credit.CorrectWrongListing, Reason: "不应纳入"})
			if err != nil {
				return err
			}
			cd, err := f.store.ReviewCorrection(ctx, officer, rv.ID, credit.Review{Accept: true})
			if err != nil {
				return err
			}
			_, err = f.store.CarryOutCorrection(ctx, officer, cd.ID, credit.Patch{}, "")
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				t.Parallel()
				f := newFixture(t, d)
				ctx := context.Background()
				a := f.add(t, person(1))
				if err := tc.remove(f, a.ID); err != nil {
					t.Fatal(err)
				}
				ds, err := f.store.Duties(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, du := range ds {
					if du.ClosedAt == nil {
						t.Errorf("duty %d (%s) still open after the entry was removed", du.ID, du.Kind)
					}
				}
			})
		})
	}
}

// panicReader fails like a bug in the reading code would.
type panicReader struct{ r io.Reader }

func (p *panicReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		panic("reader bug")
	}
	return n, err
}

// A panic in the import's reader or checking goroutines ends the import
// with an error and nothing written; it must not take the server down
// (the web import runs in the server's process).
func TestImportPanicInReaderIsAnError(t *testing.T) {
	t.Parallel()
	for _, format := range []credit.Format{credit.JSONL, credit.CSV} {
		t.Run(string(format), func(t *testing.T) {
			t.Parallel()
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				t.Parallel()
				f := newFixture(t, d)
				file := jsonl(t, lines(1, 10))
				if format == credit.CSV {
					file = csvFile(t, lines(1, 10))
				}
				rep, err := f.store.Import(context.Background(), &panicReader{bytes.NewReader(file)}, format, importOpts(), nil)
				if err == nil || rep.Committed {
					t.Fatalf("import with a panicking reader: %+v, %v", rep, err)
				}
				if n := f.count(t, `SELECT COUNT(*) FROM credit_entries`); n != 0 {
					t.Errorf("%d entries written", n)
				}
			})
		})
	}
}
