package web

// Importing a file of listing decisions through the web (/credit/import,
// POST /api/v1/credit/imports): the upload is copied to a temporary file
// (so the store can count its lines for the progress bar), the import runs
// in the background, and the page polls GET /api/v1/credit/imports/{job}
// until the report is there.
//
// Jobs live in memory, keyed by a random id and owned by the uploading
// user (nobody else can see one, not even by its id). This is enough
// because the durable record of an import is the store's: one transaction,
// a credit_imports row and a credit.import audit entry when it committed,
// nothing at all when it did not. A restart while an import runs rolls its
// transaction back (nothing half-imported) and forgets the job; the user
// sees "任务不存在或已过期" and imports the file again. Finished jobs are
// kept for a day so a user can leave the page and come back to the report.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/credit"
)

// creditImportMaxBytes is the upload cap of the two import routes (the
// other multipart forms keep Config.MaxUpload, 20 MiB by default): a
// court's backlog of listing decisions is realistically up to ~100 MB of
// CSV or JSON Lines (about 200,000–300,000 lines), and the file is streamed
// to disk, never held in memory.
const creditImportMaxBytes = 128 << 20

// isCreditImportUpload reports whether a request is an import upload, for
// limitBodies.
func isCreditImportUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && (r.URL.Path == "/credit/import" || r.URL.Path == "/api/v1/credit/imports")
}

// importKeep is how long a finished job stays readable.
const importKeep = 24 * time.Hour

// importJobs is the in-memory registry of web imports.
type importJobs struct {
	mu   sync.Mutex
	now  func() time.Time
	jobs map[string]*importJob
}

func newImportJobs(now func() time.Time) *importJobs {
	return &importJobs{now: now, jobs: map[string]*importJob{}}
}

// importJob is one import: the fixed facts, the progress counters the
// import's callback sets, and the outcome.
type importJob struct {
	ID, Owner, Court, CourtName string
	Format                      credit.Format
	FileName                    string
	Size                        int64
	SkipInvalid                 bool
	Started                     time.Time

	done, total atomic.Int64

	mu       sync.Mutex
	finished time.Time
	report   credit.Report
	err      *apperr.Error // nil when the import committed
}

// errImportNotFound is the answer for an unknown job and for another
// user's job alike.
var errImportNotFound = apperr.New(apperr.NotFound, "credit.import_not_found", "导入任务不存在或已过期（任务只保留一天，服务重启后也不再保留）；请在名单中查询，或重新导入文件")

// start registers a job for owner; one running import per user.
func (js *importJobs) start(j *importJob) error {
	js.mu.Lock()
	defer js.mu.Unlock()
	now := js.now()
	for id, o := range js.jobs {
		o.mu.Lock()
		fin := o.finished
		o.mu.Unlock()
		if !fin.IsZero() && now.Sub(fin) > importKeep {
			delete(js.jobs, id)
			continue
		}
		if fin.IsZero() && o.Owner == j.Owner {
			return apperr.New(apperr.Conflict, "credit.import_busy", "您还有一个导入正在进行，请等它完成后再导入下一个文件")
		}
	}
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	j.ID, j.Started = hex.EncodeToString(b), now
	js.jobs[j.ID] = j
	return nil
}

// get returns owner's job id.
func (js *importJobs) get(id, owner string) (*importJob, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j, ok := js.jobs[id]
	if !ok || j.Owner != owner {
		return nil, errImportNotFound
	}
	return j, nil
}

// importJobJSON is a job as the API and the progress script see it.
type importJobJSON struct {
	ID          string           `json:"id"`
	State       string           `json:"state"` // running, done (committed), refused (nothing imported)
	Court       string           `json:"court"`
	Format      credit.Format    `json:"format"`
	FileName    string           `json:"file_name"`
	Size        int64            `json:"size"`
	SkipInvalid bool             `json:"skip_invalid"`
	Done        int64            `json:"done"`
	Total       int64            `json:"total"`
	Percent     int              `json:"percent"`
	StartedAt   time.Time        `json:"started_at"`
	FinishedAt  *time.Time       `json:"finished_at,omitempty"`
	Committed   bool             `json:"committed"`
	Report      *credit.Report   `json:"report,omitempty"`
	Error       *importErrorJSON `json:"error,omitempty"`
	Href        string           `json:"href"`
}

type importErrorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (j *importJob) view() importJobJSON {
	v := importJobJSON{ID: j.ID, State: "running", Court: j.Court, Format: j.Format, FileName: j.FileName, Size: j.Size, SkipInvalid: j.SkipInvalid,
		Done: j.done.Load(), Total: j.total.Load(), StartedAt: j.Started, Href: "/credit/import/" + j.ID}
	if v.Total > 0 {
		v.Percent = int(min(100, v.Done*100/v.Total))
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.finished.IsZero() {
		fin := j.finished
		rep := j.report
		v.FinishedAt, v.Report, v.Committed = &fin, &rep, rep.Committed
		v.State = "done"
		if j.err != nil {
			v.State, v.Error = "refused", &importErrorJSON{Code: j.err.Code, Message: j.err.Message}
		}
	}
	return v
}

// importCourt is the court whose list pr imports into: the one court the
// policy lets them import for (officers and leaders: their own).
func (s *Server) importCourt(ctx context.Context, pr access.Principal) (string, string, error) {
	sc, err := s.creditScope(ctx, pr)
	if err != nil {
		return "", "", err
	}
	for _, c := range sc.Courts {
		if s.acc.Policy().Can(ctx, pr, access.ActionCreditImport, access.Target{RequestingUnit: c}) {
			return c, sc.Names[c], nil
		}
	}
	return "", "", s.acc.Authorize(ctx, pr, access.ActionCreditImport, access.Target{RequestingUnit: pr.UnitCode})
}

// importFormat is the format the user chose, or the file's extension's.
func importFormat(chosen, filename string) (credit.Format, error) {
	switch strings.ToLower(strings.TrimSpace(chosen)) {
	case "csv":
		return credit.CSV, nil
	case "jsonl":
		return credit.JSONL, nil
	case "", "auto":
	default:
		return "", apperr.Invalidf("format", credit.CodeImportFormat, "文件格式应为 CSV 或 JSON Lines")
	}
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".csv", ".txt":
		return credit.CSV, nil
	case ".jsonl", ".ndjson", ".json":
		return credit.JSONL, nil
	}
	return "", apperr.Invalidf("format", credit.CodeImportFormat, "无法从文件名“%s”判断格式，请选择 CSV 或 JSON Lines", filepath.Base(filename))
}

// startImport takes the uploaded file of a multipart request and starts
// its import in the background.
func (s *Server) startImport(r *http.Request, pr access.Principal) (*importJob, error) {
	if err := s.creditOn(); err != nil {
		return nil, err
	}
	court, courtName, err := s.importCourt(r.Context(), pr)
	if err != nil {
		return nil, err
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, apperr.Invalidf("file", "request.form", "上传失败，请重新选择文件")
	}
	file, fh, err := r.FormFile("file")
	if err != nil {
		return nil, apperr.Invalidf("file", "credit.import_file", "请选择要导入的 CSV 或 JSON Lines 文件")
	}
	defer file.Close()
	format, err := importFormat(r.FormValue("format"), fh.Filename)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp("", "liandong-credit-import-*")
	if err != nil {
		return nil, fmt.Errorf("import upload: %w", err)
	}
	size, err := io.Copy(tmp, file)
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("import upload: %w", err)
	}
	if size == 0 {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, apperr.Invalidf("file", credit.CodeImportEmpty, "文件是空的，请选择要导入的文件")
	}
	j := &importJob{Owner: pr.Username, Court: court, CourtName: courtName, Format: format, FileName: filepath.Base(fh.Filename), Size: size,
		SkipInvalid: r.FormValue("skip_invalid") == "true"}
	if err := s.imports.start(j); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	go s.runImport(j, tmp, pr)
	return j, nil
}

// runImport runs a job to its end. It is not tied to the upload request:
// the user may leave the page.
func (s *Server) runImport(j *importJob, f *os.File, pr access.Principal) {
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	opts := credit.ImportOptions{Actor: pr, Court: j.Court, SkipInvalid: j.SkipInvalid}
	// The import runs outside any request: a panic here must end the job,
	// not the server (the store's transaction rolls back either way).
	var rep credit.Report
	var err error
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("credit import panicked", "job", j.ID, "panic", p, "stack", string(debug.Stack()))
			j.mu.Lock()
			j.report, j.finished = rep, s.imports.now()
			j.err = &apperr.Error{Kind: apperr.Internal, Code: "internal", Message: "导入因系统错误中止，未导入任何条目；请稍后重新导入（任务 " + j.ID + "）"}
			j.mu.Unlock()
		}
	}()
	rep, err = s.credit.Import(context.Background(), f, j.Format, opts, func(done, total int) {
		j.done.Store(int64(done))
		j.total.Store(int64(total))
	})
	j.mu.Lock()
	defer j.mu.Unlock()
	j.report, j.finished = rep, s.imports.now()
	if err != nil {
		e, ok := formError(err)
		if !ok {
			s.log.Error("credit import", "job", j.ID, "court", j.Court, "err", err)
			e = &apperr.Error{Kind: apperr.Internal, Code: "internal", Message: "导入因系统错误中止，未导入任何条目；请稍后重新导入（任务 " + j.ID + "）"}
		}
		j.err = e
	}
}

// ---- the pages ----

type importPageData struct {
	CourtName string
	MaxSize   string
	Error     *apperr.Error
	Values    map[string]string
	Job       *importJobView
}

type importJobView struct {
	importJobJSON
	Writing   bool   // every line checked, the transaction still writing
	SizeWords string // 1.2 MiB
	Outcome   string // what happened, in one sentence
	OK        bool
	Rejected  []rejectedView
	More      int // rejected lines not listed (the report keeps the first 1000)
	Elapsed   string
}

type rejectedView struct {
	Line     int
	Problems []string
}

func sizeWords(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d 字节", n)
}

func jobView(j *importJob) *importJobView {
	v := &importJobView{importJobJSON: j.view(), SizeWords: sizeWords(j.Size)}
	v.Writing = v.State == "running" && v.Total > 0 && v.Done >= v.Total
	if v.Report == nil {
		return v
	}
	rep := v.Report
	v.Elapsed = rep.Elapsed.Round(time.Millisecond).String()
	switch {
	case v.Committed && rep.RejectedCount == 0:
		v.OK, v.Outcome = true, fmt.Sprintf("导入成功：文件中的 %d 行已全部纳入名单。", rep.Imported)
	case v.Committed:
		v.OK, v.Outcome = true, fmt.Sprintf("已导入合格的 %d 行；%d 行不合格，未导入（按您的选择跳过不合格行）。", rep.Imported, rep.RejectedCount)
	case v.Error != nil && v.Error.Code == credit.CodeImportRejected:
		v.Outcome = fmt.Sprintf("整个文件未导入：读取 %d 行，其中 %d 行不合格。名单没有任何变化；请按下列行号修改后重新导入同一文件。", rep.Lines, rep.RejectedCount)
	case v.Error != nil:
		v.Outcome = "未导入任何条目，名单没有任何变化：" + v.Error.Message
	}
	for _, rj := range rep.Rejected {
		rv := rejectedView{Line: rj.Line}
		for _, p := range rj.Problems {
			rv.Problems = append(rv.Problems, p.Message)
		}
		v.Rejected = append(v.Rejected, rv)
	}
	v.More = rep.RejectedCount - len(rep.Rejected)
	return v
}

func (s *Server) creditImportPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.creditOn(); err != nil {
		return err
	}
	_, name, err := s.importCourt(r.Context(), *rq.User)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "credit_import.html", s.pageFor(r, rq, "导入失信被执行人名单", importPageData{CourtName: name, MaxSize: humanBytes(creditImportMaxBytes)}))
	return nil
}

func (s *Server) creditImportSubmit(w http.ResponseWriter, r *http.Request, rq *request) error {
	j, err := s.startImport(r, *rq.User)
	if err != nil {
		e, ok := formError(err)
		if !ok || e.Kind == apperr.Forbidden {
			return err
		}
		_, name, _ := s.importCourt(r.Context(), *rq.User)
		d := importPageData{CourtName: name, MaxSize: humanBytes(creditImportMaxBytes), Error: publicError(r, err),
			Values: map[string]string{"format": r.FormValue("format"), "skip_invalid": r.FormValue("skip_invalid")}}
		s.render(w, r, statusOf(err), "credit_import.html", s.pageFor(r, rq, "导入失信被执行人名单", d))
		return nil
	}
	http.Redirect(w, r, "/credit/import/"+j.ID, http.StatusSeeOther)
	return nil
}

func (s *Server) creditImportJobPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	j, err := s.imports.get(r.PathValue("job"), rq.User.Username)
	if err != nil {
		return err
	}
	v := jobView(j)
	d := importPageData{CourtName: j.CourtName, MaxSize: humanBytes(creditImportMaxBytes), Job: v}
	s.render(w, r, http.StatusOK, "credit_import.html", s.pageFor(r, rq, "导入失信被执行人名单", d))
	return nil
}

// ---- the API ----

func (s *Server) apiCreditImportStart(w http.ResponseWriter, r *http.Request, rq *request) error {
	j, err := s.startImport(r, *rq.User)
	if err != nil {
		return err
	}
	v := j.view()
	w.Header().Set("Location", "/api/v1/credit/imports/"+j.ID)
	writeJSON(w, http.StatusAccepted, v)
	return nil
}

func (s *Server) apiCreditImport(w http.ResponseWriter, r *http.Request, rq *request) error {
	j, err := s.imports.get(r.PathValue("job"), rq.User.Username)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, j.view())
	return nil
}
