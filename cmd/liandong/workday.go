package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"liandong/internal/workday"
)

const workdayHelp = `liandong workday —— 工作日与期限计算（北京时间 +08:00）

用法:
  liandong workday due [--calendar 文件] 开始时间 N 单位
  liandong workday is  [--calendar 文件] 日期
  liandong workday --help

due   计算期限届满的时刻，输出一行 RFC 3339 时间，如 2024-10-10T23:59:59+08:00
      开始时间  YYYY-MM-DD、YYYY-MM-DDTHH:MM 或 RFC 3339（带时区的换算为北京时间；
                只写日期时按当日 0 时）
      单位      days / 天      日历日，民事诉讼法第八十五条：开始之日不计入，
                               届满日是法定休假日（周末、节假日）的顺延至其后第一个工作日，
                               调休上班日不顺延
                workdays / 工作日  次日起算，跳过周末和节假日，调休上班日计入
                hours / 小时   从开始时刻起精确计算，不因节假日顺延
      以天、工作日计算的期限在届满日 24 时截止，输出为当日 23:59:59。
is    说明某日是否为工作日及原因（周末、节日名称、调休上班日）

选项:
  --calendar 文件  另加载一个节假日文件（格式见 docs/workday.md），文件中的年份替换内置数据

内置数据为国务院办公厅各年部分节假日安排通知（%s）。没有数据的年份只按周末计算，
并在标准错误输出中提示。

退出码: 0 成功，2 输入有误。
`

// cmdWorkday implements `liandong workday due START N days|workdays|hours` and `liandong workday is DATE`.
func cmdWorkday(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, "缺少子命令：应为 due 或 is。\n\n%s", workdayUsage())
		return 2
	}
	switch args[0] {
	case "due":
		return workdayDue(args[1:], stdout, stderr)
	case "is":
		return workdayIs(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, workdayUsage())
		return 0
	}
	fmt.Fprintf(stderr, "未知子命令“%s”：应为 due 或 is。运行 liandong workday --help 查看用法。\n", args[0])
	return 2
}

func workdayUsage() string {
	ys := workday.Default().Years()
	covered := "无"
	if len(ys) > 0 {
		covered = fmt.Sprintf("%d–%d 年", ys[0], ys[len(ys)-1])
	}
	return fmt.Sprintf(workdayHelp, covered)
}

func workdayDue(args []string, stdout, stderr io.Writer) int {
	cal, pos, rc := workdayArgs("due", args, stdout, stderr)
	if rc >= 0 {
		return rc
	}
	if len(pos) != 3 {
		return workdayBadInput(stderr, fmt.Errorf("due 需要 3 个参数（开始时间 N 单位），实际给了 %d 个", len(pos)))
	}
	start, err := workday.ParseTime(pos[0])
	if err != nil {
		return workdayBadInput(stderr, fmt.Errorf("开始时间有误：%w", err))
	}
	n, err := strconv.Atoi(pos[1])
	if err != nil {
		return workdayBadInput(stderr, fmt.Errorf("期间数“%s”不是整数", pos[1]))
	}
	unit, err := workday.ParseUnit(pos[2])
	if err != nil {
		return workdayBadInput(stderr, err)
	}
	due, err := cal.Due(start, n, unit)
	if err != nil {
		return workdayBadInput(stderr, err)
	}
	if unit == workday.Days || unit == workday.Workdays {
		// Holidays only matter to day counts; say so when a year on the way
		// was counted by weekends alone.
		warnUncovered(cal, start.Year(), due.Year(), stderr)
	}
	fmt.Fprintln(stdout, due.Format(time.RFC3339))
	return 0
}

func workdayIs(args []string, stdout, stderr io.Writer) int {
	cal, pos, rc := workdayArgs("is", args, stdout, stderr)
	if rc >= 0 {
		return rc
	}
	if len(pos) != 1 {
		return workdayBadInput(stderr, fmt.Errorf("is 需要 1 个参数（日期），实际给了 %d 个", len(pos)))
	}
	t, err := workday.ParseTime(pos[0])
	if err != nil {
		return workdayBadInput(stderr, fmt.Errorf("日期有误：%w", err))
	}
	kind, name := cal.DayKind(t)
	var verdict string
	switch kind {
	case workday.Workday:
		verdict = "工作日"
	case workday.MakeupWorkday:
		verdict = "工作日：调休上班日（" + name + "）"
	case workday.Weekend:
		verdict = "休息日：周末"
	case workday.Holiday:
		verdict = "休息日：" + name
	}
	fmt.Fprintf(stdout, "%s %s %s\n", t.Format(time.DateOnly), workday.WeekdayName(t.Weekday()), verdict)
	warnUncovered(cal, t.Year(), t.Year(), stderr)
	return 0
}

// workdayArgs parses the --calendar flag wherever it stands among the
// positional arguments and loads the calendar. rc is -1 to go on, or the exit
// status to return.
func workdayArgs(verb string, args []string, stdout, stderr io.Writer) (cal *workday.Calendar, pos []string, rc int) {
	fs := flag.NewFlagSet("liandong workday "+verb, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported below, in Chinese
	path := fs.String("calendar", "", "")
	for {
		// A negative number is a (wrong) period, not a flag: leave it for the
		// period check, which says what is wrong with it.
		for len(args) > 0 && isNegativeNumber(args[0]) {
			pos, args = append(pos, args[0]), args[1:]
		}
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stdout, workdayUsage())
				return nil, nil, 0
			}
			return nil, nil, workdayBadInput(stderr, flagError(err))
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if *path == "" {
		return workday.Default(), pos, -1
	}
	cal, err := workday.LoadFile(*path)
	if err != nil {
		return nil, nil, workdayBadInput(stderr, err)
	}
	return cal, pos, -1
}

func isNegativeNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil && strings.HasPrefix(s, "-")
}

// flagError restates the flag package's English errors in Chinese.
func flagError(err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return fmt.Errorf("未知选项“%s”，只支持 --calendar 文件", name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Errorf("选项“%s”缺少值（节假日文件的路径）", name)
	}
	return fmt.Errorf("参数有误：%s", msg)
}

func workdayBadInput(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "%s\n运行 liandong workday --help 查看用法。\n", err)
	return 2
}

// warnUncovered tells the operator about years between from and to that
// have no holiday schedule and were counted by weekends alone.
func warnUncovered(cal *workday.Calendar, from, to int, stderr io.Writer) {
	var missing []string
	for y := from; y <= to; y++ {
		if cal.Covers(y) {
			continue
		}
		// Runs of years are shown as one span: a long period may cross many.
		first := y
		for y+1 <= to && !cal.Covers(y+1) {
			y++
		}
		if first == y {
			missing = append(missing, strconv.Itoa(y))
		} else {
			missing = append(missing, fmt.Sprintf("%d–%d", first, y))
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(stderr, "注意：没有 %s 年的节假日安排数据，只按周末计算，结果可能不准。可用 --calendar 加载该年的安排。\n", strings.Join(missing, "、"))
	}
}
