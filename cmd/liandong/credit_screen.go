package main

import (
	"context"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"golang.org/x/term"

	"liandong/internal/audit"
	"liandong/internal/credit"
	"liandong/internal/screen"
	"liandong/internal/screen/synth"
)

const creditScreenHelp = `liandong credit screen —— 用文件批量比对失信被执行人名单

用法: liandong credit screen --in 查询文件.csv --out 结果文件.csv [--db …] [--key-file …]

查询文件：UTF-8 CSV（可带 BOM），第 1 行为列名，列为 ref,name,id_number,birth_date,sex,region
（顺序不限；除 ref 外均可省略）。birth_date 为 YYYY-MM-DD，region 为 6 位行政区划代码或地名。
每行至少有姓名（名称）或证件号码之一。

结果文件：列为 ref,band,entry_id,score,tier,reasons。band 为 hit（比中）、review（待核）或
none（未比中）；entry_id 为名单条目编号（未比中为空）；reasons 为中文理由，以“；”分隔。

比对使用数据库中名单的当前内容（名单版本见输出）。查询文件有任何一行不合格时，说明其行号和
列并退出，不写结果文件。大文件在终端上显示进度。比对记入审计日志（credit.screen_file）。
`

const creditEvalHelp = `liandong credit eval —— 比对引擎的查准率和查全率（合成名单）

用法: liandong credit eval [--entries N] [--queries M] [--seed S]

生成 N 条合成名单（与 credit gen 相同）和 M 条带标注的比对样本，在内存中建索引、逐条比对，
按 docs/screening.md 的口径输出各比对结果的查准率、查全率和各类样本的结果。不使用数据库。
指标：hit 查准率 ≥ 0.99；hit+review 查全率 ≥ 0.95，带有效证件号码的 ≥ 0.999；
不在名单上的人每 1000 次比对 review ≤ 5。
`

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// screenEntry converts a list entry to the engine's form.
func screenEntry(e credit.ScreenEntry) screen.Entry {
	out := screen.Entry{ID: e.ID, Person: e.Person, Name: e.Name, Sex: e.Sex, Region: e.Region, IDs: e.IDs,
		CreditCode: e.CreditCode, LegalRep: e.LegalRep, LegalRepID: e.LegalRepID}
	if !e.Birth.IsZero() {
		out.Birth = screen.DateOf(e.Birth)
	}
	return out
}

// buildIndex builds the index from the list as it is now, tagged with the
// list version of the snapshot it read.
func buildIndex(ctx context.Context, store *credit.Store) (*screen.Index, error) {
	var es []screen.Entry
	v, err := store.Active(ctx, func(e credit.ScreenEntry) error {
		es = append(es, screenEntry(e))
		return nil
	})
	if err != nil {
		return nil, err
	}
	b := screen.NewBuilder(v, len(es))
	for _, e := range es {
		if err := b.Add(e); err != nil {
			return nil, err
		}
	}
	return b.Finish(), nil
}

// screenCounts tallies the bands of a run.
type screenCounts struct{ rows, hit, review, none int }

// screenFile screens every query of in against ix and writes the results
// to out; progress is called with the bytes read.
func screenFile(in io.Reader, out io.Writer, ix *screen.Index, progress func(read int64)) (screenCounts, error) {
	var n screenCounts
	cr := &countingReader{r: in}
	qr, err := newQueryReader(cr)
	if err != nil {
		return n, err
	}
	w := csv.NewWriter(out)
	_ = w.Write([]string{"ref", "band", "entry_id", "score", "tier", "reasons"})
	const batch = 4096
	qs := make([]screen.Query, 0, batch)
	res := make([]screen.Result, batch)
	flush := func() error {
		ix.ScreenBatch(qs, res[:len(qs)])
		for _, r := range res[:len(qs)] {
			id := ""
			if r.EntryID != 0 {
				id = strconv.FormatInt(r.EntryID, 10)
			}
			switch r.Band {
			case screen.BandHit:
				n.hit++
			case screen.BandReview:
				n.review++
			default:
				n.none++
			}
			if err := w.Write([]string{r.Ref, string(r.Band), id, strconv.FormatFloat(r.Score, 'f', 4, 64), r.Tier, strings.Join(r.Reasons, "；")}); err != nil {
				return err
			}
		}
		n.rows += len(qs)
		qs = qs[:0]
		progress(cr.n)
		return nil
	}
	for {
		q, err := qr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, err
		}
		qs = append(qs, q)
		if len(qs) == batch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := flush(); err != nil {
		return n, err
	}
	w.Flush()
	return n, w.Error()
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	return k, err
}

func creditScreen(args []string, stdout, stderr io.Writer) int {
	var target, keyFile, inPath, outPath string
	fs := newFlagSet("credit screen", stdout, stderr, creditScreenHelp)
	dbFlag(fs, &target, "./data")
	keyFlag(fs, &keyFile)
	fs.StringVar(&inPath, "in", "", "查询文件（CSV）")
	fs.StringVar(&outPath, "out", "", "结果文件（CSV）")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if fs.NArg() > 0 || inPath == "" || outPath == "" {
		fmt.Fprint(stderr, "请用 --in 和 --out 给出查询文件和结果文件。\n\n"+creditScreenHelp)
		return 2
	}
	in, err := os.Open(inPath)
	if err != nil {
		fmt.Fprintf(stderr, "无法打开查询文件 %s：%v\n", inPath, err)
		return 1
	}
	defer in.Close()
	var size int64
	if st, err := in.Stat(); err == nil {
		size = st.Size()
	}
	ctx := context.Background()
	env, err := openCredit(ctx, target, keyFile)
	if err != nil {
		return fail(stderr, err)
	}
	defer env.d.Close()

	start := time.Now()
	ix, err := buildIndex(ctx, env.store)
	if err != nil {
		return fail(stderr, err)
	}
	version := ix.Version()
	built := time.Since(start)
	hash := sm3.New()
	var counts screenCounts
	err = writeFileAtomic(outPath, func(w io.Writer) error {
		var e error
		counts, e = screenFile(io.TeeReader(in, hash), w, ix, screenProgress(stderr, size))
		return e
	})
	if err != nil {
		if ferr := fail(stderr, err); ferr != 0 {
			fmt.Fprintln(stderr, "未写入结果文件。")
		}
		return 1
	}
	elapsed := time.Since(start)
	// One audit entry for the run (S-SEC-1): who screened which file
	// against which version, and what came of it.
	actor := cliActor()
	if _, err := env.log.Record(ctx, audit.Entry{Username: strings.TrimPrefix(actor.Source, "cli:"), Source: actor.Source, Action: "credit.screen_file",
		Object: "file:" + filepath.Base(inPath), Outcome: audit.OK,
		Detail: fmt.Sprintf("sm3 %s, %d queries, hit %d, review %d, none %d, list version %d (%d entries)",
			hex.EncodeToString(hash.Sum(nil)), counts.rows, counts.hit, counts.review, counts.none, version, ix.Len())}); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "已比对 %d 条（名单版本 %d，%d 条在册条目，建索引 %s，共用时 %s）：比中 %d，待核 %d，未比中 %d。\n结果已写入 %s。\n",
		counts.rows, version, ix.Len(), built.Round(time.Millisecond), elapsed.Round(time.Millisecond), counts.hit, counts.review, counts.none, outPath)
	return 0
}

// screenProgress shows the share of the file read: a rewritten line on a
// terminal, otherwise a line every ten seconds for long runs.
func screenProgress(stderr io.Writer, size int64) func(read int64) {
	f, ok := stderr.(*os.File)
	tty := ok && isTerminal(f)
	start, last := time.Now(), time.Now()
	every := 10 * time.Second
	if tty {
		every = 500 * time.Millisecond
	}
	return func(read int64) {
		if time.Since(last) < every {
			return
		}
		last = time.Now()
		msg := fmt.Sprintf("已读取 %.1f MB", float64(read)/(1<<20))
		if size > 0 {
			msg = fmt.Sprintf("已读取 %d%%（%.1f / %.1f MB），用时 %s", read*100/size, float64(read)/(1<<20), float64(size)/(1<<20), time.Since(start).Round(time.Second))
		}
		if tty {
			fmt.Fprintf(stderr, "\r%s", msg)
		} else {
			fmt.Fprintln(stderr, msg)
		}
	}
}

func creditEval(args []string, stdout, stderr io.Writer) int {
	var entries, queries int
	var seed uint64
	fs := newFlagSet("credit eval", stdout, stderr, creditEvalHelp)
	fs.IntVar(&entries, "entries", 200_000, "合成名单条目数")
	fs.IntVar(&queries, "queries", 20_000, "比对样本数")
	fs.Uint64Var(&seed, "seed", 42, "随机种子")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if fs.NArg() > 0 || entries < 1 || entries > 50_000_000 || queries < 1 || queries > 10_000_000 {
		fmt.Fprint(stderr, "--entries 应在 1 至 50000000 之间，--queries 应在 1 至 10000000 之间。\n\n"+creditEvalHelp)
		return 2
	}
	rep, built, screened := evaluate(synth.New(synth.Config{Seed: seed, Entries: entries}), queries)
	fmt.Fprintf(stdout, "合成名单 %d 条（种子 %d），样本 %d 条；建索引 %s，比对 %s。\n\n", entries, seed, queries,
		built.Round(time.Millisecond), screened.Round(time.Millisecond))
	fmt.Fprintf(stdout, "%s %10s %10s\n", padRight("指标", 40), "结果", "目标")
	line := func(name, value, goal string, ok bool) {
		mark := "达标"
		if !ok {
			mark = "未达标"
		}
		if goal == "" {
			mark = ""
		}
		fmt.Fprintf(stdout, "%s %10s %10s %s\n", padRight(name, 40), value, goal, mark)
	}
	line(fmt.Sprintf("hit 查准率（%d 次 hit）", rep.Hits), fmt.Sprintf("%.4f", rep.HitPrecision()), "≥ 0.99", rep.HitPrecision() >= 0.99)
	line(fmt.Sprintf("review 查准率（%d 次 review）", rep.Reviews), fmt.Sprintf("%.4f", rep.ReviewPrecision()), "", true)
	line("hit 查全率", fmt.Sprintf("%.4f", rep.HitRecall()), "", true)
	line("hit+review 查全率", fmt.Sprintf("%.4f", rep.Recall()), "≥ 0.95", rep.Recall() >= 0.95)
	line(fmt.Sprintf("hit+review 查全率，有效证件号码（%d）", rep.ValidIDOnList), fmt.Sprintf("%.4f", rep.RecallValidID()), "≥ 0.999", rep.RecallValidID() >= 0.999)
	line("不在名单者每千次比对 review 数", fmt.Sprintf("%.2f", rep.ReviewsPer1000OffList()), "≤ 5", rep.ReviewsPer1000OffList() <= 5)
	fmt.Fprintf(stdout, "\n%s", rep)
	return 0
}

// evaluate builds the synthetic list's index, screens n labelled queries
// and compares the results with the labels (synth.Evaluate).
func evaluate(list *synth.List, n int) (synth.Report, time.Duration, time.Duration) {
	start := time.Now()
	b := screen.NewBuilder(1, list.Len())
	for e := range list.Entries() {
		_ = b.Add(e) // fails only past 2³¹ entries
	}
	ix := b.Finish()
	built := time.Since(start)
	qs := list.Queries(n)
	plain := make([]screen.Query, len(qs))
	for i, q := range qs {
		plain[i] = q.Query
	}
	res := make([]screen.Result, len(qs))
	start = time.Now()
	ix.ScreenBatch(plain, res)
	return list.Evaluate(qs, res), built, time.Since(start)
}
