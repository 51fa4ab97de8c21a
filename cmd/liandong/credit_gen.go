package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"liandong/internal/credit"
	"liandong/internal/directory"
	"liandong/internal/screen"
	"liandong/internal/screen/synth"
)

const creditGenHelp = `liandong credit gen —— 生成合成失信名单和带标注的比对样本

用法: liandong credit gen [--entries N] [--queries M] [--seed S] [--court 法院单位代码] [--as-of YYYY-MM-DD] --out 目录

在目录中写出三个文件（同样的参数总是生成同样的内容）：
  entries.jsonl  N 条纳入决定，格式即 liandong credit import 读取的 JSON Lines（docs/credit.md），
                 全部为 --court 法院的执行案件，可直接导入：
                   liandong credit import 目录/entries.jsonl --court fy411602
  queries.csv    M 条比对样本，列为 ref,name,id_number,birth_date,sex,region，
                 即 liandong credit screen --in 读取的格式
  labels.csv     每条样本的标注，列为 ref,expected_entry_ref_or_empty,kind：
                 expected_entry_ref_or_empty 是样本所指的条目在 entries.jsonl 中的行号
                 （同一人在多个案件中被纳入时为多个行号，以 ; 分隔，首个为其首次纳入；不在名单上为空）；
                 entries.jsonl 导入空名单时，行号就是条目编号（entry_id）。kind 是样本的构造方式（docs/screening.md）。

人员均为成年人（--as-of 之日已满十八周岁），决定日期在 --as-of 之后的半年内，身份证号码和
统一社会信用代码均有效，案号为该院真实的法院代字。--as-of 默认 2025-06-30；纳入期限两年的
条目于决定之日起两年后届满，此后导入会因期限届满而被拒绝：届时请用更晚的 --as-of。
`

// creditGen runs liandong credit gen.
func creditGen(args []string, stdout, stderr io.Writer) int {
	var (
		entries, queries int
		seed             uint64
		out, courtUnit   string
		asOf             string
	)
	fs := newFlagSet("credit gen", stdout, stderr, creditGenHelp)
	fs.IntVar(&entries, "entries", 10_000, "名单条目数")
	fs.IntVar(&queries, "queries", 1_000, "比对样本数")
	fs.Uint64Var(&seed, "seed", 1, "随机种子（相同参数生成相同文件）")
	fs.StringVar(&out, "out", "", "输出目录（不存在则创建）")
	fs.StringVar(&courtUnit, "court", "fy411602", "纳入法院的单位代码")
	fs.StringVar(&asOf, "as-of", "2025-06-30", "名单日期：人员在此日已成年，决定在此后半年内作出")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	if fs.NArg() > 0 || out == "" {
		fmt.Fprint(stderr, "请用 --out 指定输出目录。\n\n"+creditGenHelp)
		return 2
	}
	if entries < 1 || entries > 50_000_000 || queries < 0 || queries > 10_000_000 {
		fmt.Fprintln(stderr, "--entries 应在 1 至 50000000 之间，--queries 应在 0 至 10000000 之间。")
		return 2
	}
	day, err := time.Parse(time.DateOnly, asOf)
	if err != nil {
		fmt.Fprintf(stderr, "--as-of 的日期“%s”无效，应为 YYYY-MM-DD。\n", asOf)
		return 2
	}
	if day.AddDate(0, 0, 182).After(time.Now()) {
		fmt.Fprintf(stderr, "--as-of %s 太晚：决定日期在其后半年内，不能晚于今天。\n", asOf)
		return 2
	}
	court, err := genCourt(courtUnit)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	g := &generator{list: synth.New(synth.Config{Seed: seed, Entries: entries, AsOf: screen.DateOf(day)}), seed: seed, court: court, asOf: day}
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintf(stderr, "无法创建目录 %s：%v\n", out, err)
		return 1
	}
	start := time.Now()
	progress := terminalProgress(stderr, "已生成 %d / %d 条")
	if err := writeFileAtomic(filepath.Join(out, "entries.jsonl"), func(w io.Writer) error { return g.writeEntries(w, progress) }); err != nil {
		fmt.Fprintf(stderr, "写入 entries.jsonl 失败：%v\n", err)
		return 1
	}
	qs := g.list.Queries(queries)
	if err := writeFileAtomic(filepath.Join(out, "queries.csv"), func(w io.Writer) error { return writeQueries(w, qs) }); err != nil {
		fmt.Fprintf(stderr, "写入 queries.csv 失败：%v\n", err)
		return 1
	}
	if err := writeFileAtomic(filepath.Join(out, "labels.csv"), func(w io.Writer) error { return g.writeLabels(w, qs) }); err != nil {
		fmt.Fprintf(stderr, "写入 labels.csv 失败：%v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "已生成 %d 条名单条目（%s，种子 %d）和 %d 条比对样本，用时 %s：\n  %s\n  %s\n  %s\n", entries, court.name, seed, queries,
		time.Since(start).Round(time.Millisecond), filepath.Join(out, "entries.jsonl"), filepath.Join(out, "queries.csv"), filepath.Join(out, "labels.csv"))
	fmt.Fprintf(stdout, "导入：liandong credit import %s --court %s\n", filepath.Join(out, "entries.jsonl"), court.unit)
	return 0
}

// genCourtInfo is the listing court of a generated file.
type genCourtInfo struct {
	unit, name, code string // fy411602, 周口市川汇区人民法院, 豫1602
}

func genCourt(unit string) (genCourtInfo, error) {
	units, err := directory.ZhoukouUnits()
	if err != nil {
		return genCourtInfo{}, err
	}
	for _, u := range units {
		if u.Code == unit && u.CourtCode != "" {
			return genCourtInfo{unit: u.Code, name: u.Name, code: u.CourtCode}, nil
		}
	}
	return genCourtInfo{}, fmt.Errorf("“%s”不是周口市的法院（应为法院的单位代码，如 fy411602、fy411600）", unit)
}

// writeFileAtomic writes a file through a temporary name, so a failure
// leaves no half-written file behind.
func writeFileAtomic(path string, fill func(w io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := fill(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// terminalProgress returns a progress function that rewrites one line on
// a terminal at most twice a second, and does nothing otherwise.
func terminalProgress(stderr io.Writer, format string) func(done, total int) {
	if f, ok := stderr.(*os.File); !ok || !isTerminal(f) {
		return func(int, int) {}
	}
	var last time.Time
	return func(done, total int) {
		if done < total && time.Since(last) < 500*time.Millisecond {
			return
		}
		last = time.Now()
		fmt.Fprintf(stderr, "\r"+format, done, total)
		if done >= total {
			fmt.Fprintln(stderr)
		}
	}
}

// generator turns the synthetic list into listing decisions of one court.
type generator struct {
	list  *synth.List
	seed  uint64
	court genCourtInfo
	asOf  time.Time
	// repeats maps a person's first entry index to their further entries
	// (1-based lines), filled by writeEntries.
	repeats map[int][]int
}

// genLine is one line of entries.jsonl: the import's keys, empty ones
// left out.
type genLine struct {
	Kind            string               `json:"kind"`
	Name            string               `json:"name"`
	IDNumber        string               `json:"id_number,omitempty"`
	Documents       []credit.NewDocument `json:"documents,omitempty"`
	CreditCode      string               `json:"credit_code,omitempty"`
	LegalRep        string               `json:"legal_rep,omitempty"`
	LegalRepID      string               `json:"legal_rep_id,omitempty"`
	Ground          int                  `json:"ground"`
	Obligation      string               `json:"obligation"`
	Performance     string               `json:"performance"`
	Conduct         string               `json:"conduct"`
	BasisUnit       string               `json:"basis_unit"`
	BasisNumber     string               `json:"basis_number"`
	CaseNumber      string               `json:"case_number"`
	FiledOn         string               `json:"filed_on"`
	Initiation      string               `json:"initiation,omitempty"`
	AppliedOn       string               `json:"applied_on,omitempty"`
	DecidedOn       string               `json:"decided_on"`
	TermYears       int                  `json:"term_years,omitempty"`
	ExtensionReason string               `json:"extension_reason,omitempty"`
}

// Grounds by share (parts of 100): most listings are for refusing to
// perform with the ability to (ground 1) or for not reporting property.
var groundShare = [6]int{55, 5, 8, 20, 8, 4}

var conducts = [6]string{
	"有履行能力而拒不履行生效法律文书确定的义务",
	"以暴力、威胁方法妨碍、抗拒执行",
	"以转移财产方法规避执行",
	"违反财产报告制度，拒不报告财产状况",
	"违反限制消费令，乘坐飞机、列车软卧",
	"无正当理由拒不履行执行和解协议",
}

var obligations = []string{"支付借款本金 %d 元及利息", "支付货款 %d 元", "支付工程款 %d 元", "赔偿损失 %d 元", "支付劳动报酬 %d 元", "返还租金 %d 元"}

func (g *generator) line(i int, e screen.Entry) genLine {
	r := rand.New(rand.NewPCG(g.seed^0x5DEECE66D, uint64(i)))
	ground := 1
	for x := r.IntN(100); ground <= 6; ground++ {
		if x < groundShare[ground-1] {
			break
		}
		x -= groundShare[ground-1]
	}
	decided := g.asOf.AddDate(0, 0, 1+r.IntN(180))
	filed := decided.AddDate(0, 0, -(20 + r.IntN(300)))
	amount := 1000 * (5 + r.IntN(995))
	l := genLine{
		Kind: "person", Name: e.Name, Ground: ground,
		Obligation:  fmt.Sprintf(obligations[r.IntN(len(obligations))], amount),
		Performance: "全部未履行",
		Conduct:     conducts[ground-1],
		BasisUnit:   g.court.name,
		BasisNumber: fmt.Sprintf("（%d）%s民初%d号", filed.Year()-1, g.court.code, 1+r.IntN(9000)),
		CaseNumber:  fmt.Sprintf("（%d）%s执%d号", filed.Year(), g.court.code, i+1),
		FiledOn:     filed.Format(time.DateOnly),
		DecidedOn:   decided.Format(time.DateOnly),
	}
	if r.IntN(3) == 0 {
		l.Performance = fmt.Sprintf("部分履行，尚欠 %d 元", amount/2)
	}
	if r.IntN(10) < 3 {
		l.Initiation, l.AppliedOn = "applicant", decided.AddDate(0, 0, -r.IntN(10)).Format(time.DateOnly)
	}
	if ground > 1 && r.IntN(100) < 15 {
		l.TermYears, l.ExtensionReason = 3+r.IntN(3), "multiple_conduct"
		if ground == 2 {
			l.ExtensionReason = "violence_serious"
		}
	}
	if !e.Person {
		l.Kind, l.CreditCode, l.LegalRep, l.LegalRepID = "organisation", e.CreditCode, e.LegalRep, e.LegalRepID
		return l
	}
	l.IDNumber = e.IDs[0]
	for _, n := range e.IDs[1:] {
		l.Documents = append(l.Documents, credit.NewDocument{Kind: "passport", Number: n})
	}
	return l
}

// writeEntries writes entries.jsonl and notes which persons are listed in
// several cases.
func (g *generator) writeEntries(w io.Writer, progress func(done, total int)) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	g.repeats = map[int][]int{}
	n := g.list.Len()
	i := 0
	for e := range g.list.Entries() {
		if p := g.list.PersonOf(i); p >= 0 && p != i {
			g.repeats[p] = append(g.repeats[p], i+1)
		}
		if err := enc.Encode(g.line(i, e)); err != nil {
			return err
		}
		i++
		if i%10_000 == 0 || i == n {
			progress(i, n)
		}
	}
	return nil
}

func writeQueries(w io.Writer, qs []synth.Labelled) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(queryColumns[:])
	for _, q := range qs {
		_ = cw.Write([]string{q.Ref, q.Name, q.IDNumber, q.BirthDate, q.Sex, q.Region})
	}
	cw.Flush()
	return cw.Error()
}

// writeLabels writes what each query should find: the entry lines of the
// person or unit it is about.
func (g *generator) writeLabels(w io.Writer, qs []synth.Labelled) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"ref", "expected_entry_ref_or_empty", "kind"})
	for _, q := range qs {
		var refs []string
		switch {
		case q.Unit >= 0:
			refs = []string{strconv.Itoa(q.Unit + 1)}
		case q.Person >= 0:
			refs = []string{strconv.Itoa(q.Person + 1)}
			for _, x := range g.repeats[q.Person] {
				refs = append(refs, strconv.Itoa(x))
			}
		}
		_ = cw.Write([]string{q.Ref, strings.Join(refs, ";"), q.Kind})
	}
	cw.Flush()
	return cw.Error()
}
