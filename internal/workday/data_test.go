package workday

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// noticeFestival is one numbered item of a State Council notice, transcribed
// independently of holidays.txt so that the two are checked against each
// other. Weekdays are the ones the notice prints (星期六 / 周日 …).
type noticeFestival struct {
	text    string // the item as the notice words it, for the failure message
	name    string
	from    string
	to      string
	days    int // "共N天"; 1 for "X月X日放假"
	makeups []makeup
}

type makeup struct {
	date    string
	weekday time.Weekday
}

var notices = []struct {
	year      int
	docNumber string
	items     []noticeFestival
}{
	{2021, "国办发明电〔2020〕27号", []noticeFestival{
		{"一、元旦：2021年1月1日至3日放假，共3天。", "元旦", "2021-01-01", "2021-01-03", 3, nil},
		{"二、春节：2月11日至17日放假调休，共7天。2月7日（星期日）、2月20日（星期六）上班。", "春节", "2021-02-11", "2021-02-17", 7,
			[]makeup{{"2021-02-07", time.Sunday}, {"2021-02-20", time.Saturday}}},
		{"三、清明节：4月3日至5日放假调休，共3天。", "清明节", "2021-04-03", "2021-04-05", 3, nil},
		{"四、劳动节：5月1日至5日放假调休，共5天。4月25日（星期日）、5月8日（星期六）上班。", "劳动节", "2021-05-01", "2021-05-05", 5,
			[]makeup{{"2021-04-25", time.Sunday}, {"2021-05-08", time.Saturday}}},
		{"五、端午节：6月12日至14日放假，共3天。", "端午节", "2021-06-12", "2021-06-14", 3, nil},
		{"六、中秋节：9月19日至21日放假调休，共3天。9月18日（星期六）上班。", "中秋节", "2021-09-19", "2021-09-21", 3,
			[]makeup{{"2021-09-18", time.Saturday}}},
		{"七、国庆节：10月1日至7日放假调休，共7天。9月26日（星期日）、10月9日（星期六）上班。", "国庆节", "2021-10-01", "2021-10-07", 7,
			[]makeup{{"2021-09-26", time.Sunday}, {"2021-10-09", time.Saturday}}},
	}},
	{2022, "国办发明电〔2021〕11号", []noticeFestival{
		{"一、元旦：2022年1月1日至3日放假，共3天。", "元旦", "2022-01-01", "2022-01-03", 3, nil},
		{"二、春节：1月31日至2月6日放假调休，共7天。1月29日（星期六）、1月30日（星期日）上班。", "春节", "2022-01-31", "2022-02-06", 7,
			[]makeup{{"2022-01-29", time.Saturday}, {"2022-01-30", time.Sunday}}},
		{"三、清明节：4月3日至5日放假调休，共3天。4月2日（星期六）上班。", "清明节", "2022-04-03", "2022-04-05", 3,
			[]makeup{{"2022-04-02", time.Saturday}}},
		{"四、劳动节：4月30日至5月4日放假调休，共5天。4月24日（星期日）、5月7日（星期六）上班。", "劳动节", "2022-04-30", "2022-05-04", 5,
			[]makeup{{"2022-04-24", time.Sunday}, {"2022-05-07", time.Saturday}}},
		{"五、端午节：6月3日至5日放假，共3天。", "端午节", "2022-06-03", "2022-06-05", 3, nil},
		{"六、中秋节：9月10日至12日放假，共3天。", "中秋节", "2022-09-10", "2022-09-12", 3, nil},
		{"七、国庆节：10月1日至7日放假调休，共7天。10月8日（星期六）、10月9日（星期日）上班。", "国庆节", "2022-10-01", "2022-10-07", 7,
			[]makeup{{"2022-10-08", time.Saturday}, {"2022-10-09", time.Sunday}}},
	}},
	{2023, "国办发明电〔2022〕16号", []noticeFestival{
		{"一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。", "元旦", "2022-12-31", "2023-01-02", 3, nil},
		{"二、春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。", "春节", "2023-01-21", "2023-01-27", 7,
			[]makeup{{"2023-01-28", time.Saturday}, {"2023-01-29", time.Sunday}}},
		{"三、清明节：4月5日放假，共1天。", "清明节", "2023-04-05", "2023-04-05", 1, nil},
		{"四、劳动节：4月29日至5月3日放假调休，共5天。4月23日（星期日）、5月6日（星期六）上班。", "劳动节", "2023-04-29", "2023-05-03", 5,
			[]makeup{{"2023-04-23", time.Sunday}, {"2023-05-06", time.Saturday}}},
		{"五、端午节：6月22日至24日放假调休，共3天。6月25日（星期日）上班。", "端午节", "2023-06-22", "2023-06-24", 3,
			[]makeup{{"2023-06-25", time.Sunday}}},
		{"六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。", "中秋节、国庆节", "2023-09-29", "2023-10-06", 8,
			[]makeup{{"2023-10-07", time.Saturday}, {"2023-10-08", time.Sunday}}},
	}},
	{2024, "国办发明电〔2023〕7号", []noticeFestival{
		{"一、元旦：1月1日放假，与周末连休。", "元旦", "2024-01-01", "2024-01-01", 1, nil},
		{"二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。", "春节", "2024-02-10", "2024-02-17", 8,
			[]makeup{{"2024-02-04", time.Sunday}, {"2024-02-18", time.Sunday}}},
		{"三、清明节：4月4日至6日放假调休，共3天。4月7日（星期日）上班。", "清明节", "2024-04-04", "2024-04-06", 3,
			[]makeup{{"2024-04-07", time.Sunday}}},
		{"四、劳动节：5月1日至5日放假调休，共5天。4月28日（星期日）、5月11日（星期六）上班。", "劳动节", "2024-05-01", "2024-05-05", 5,
			[]makeup{{"2024-04-28", time.Sunday}, {"2024-05-11", time.Saturday}}},
		{"五、端午节：6月10日放假，与周末连休。", "端午节", "2024-06-10", "2024-06-10", 1, nil},
		{"六、中秋节：9月15日至17日放假调休，共3天。9月14日（星期六）上班。", "中秋节", "2024-09-15", "2024-09-17", 3,
			[]makeup{{"2024-09-14", time.Saturday}}},
		{"七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。", "国庆节", "2024-10-01", "2024-10-07", 7,
			[]makeup{{"2024-09-29", time.Sunday}, {"2024-10-12", time.Saturday}}},
	}},
	{2025, "国办发明电〔2024〕12号", []noticeFestival{
		{"一、元旦：1月1日（周三）放假1天，不调休。", "元旦", "2025-01-01", "2025-01-01", 1, nil},
		{"二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。", "春节", "2025-01-28", "2025-02-04", 8,
			[]makeup{{"2025-01-26", time.Sunday}, {"2025-02-08", time.Saturday}}},
		{"三、清明节：4月4日（周五）至6日（周日）放假，共3天。", "清明节", "2025-04-04", "2025-04-06", 3, nil},
		{"四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。", "劳动节", "2025-05-01", "2025-05-05", 5,
			[]makeup{{"2025-04-27", time.Sunday}}},
		{"五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。", "端午节", "2025-05-31", "2025-06-02", 3, nil},
		{"六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。", "国庆节、中秋节", "2025-10-01", "2025-10-08", 8,
			[]makeup{{"2025-09-28", time.Sunday}, {"2025-10-11", time.Saturday}}},
	}},
	{2026, "国办发明电〔2025〕7号", []noticeFestival{
		{"一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。", "元旦", "2026-01-01", "2026-01-03", 3,
			[]makeup{{"2026-01-04", time.Sunday}}},
		{"二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。", "春节", "2026-02-15", "2026-02-23", 9,
			[]makeup{{"2026-02-14", time.Saturday}, {"2026-02-28", time.Saturday}}},
		{"三、清明节：4月4日（周六）至6日（周一）放假，共3天。", "清明节", "2026-04-04", "2026-04-06", 3, nil},
		{"四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。", "劳动节", "2026-05-01", "2026-05-05", 5,
			[]makeup{{"2026-05-09", time.Saturday}}},
		{"五、端午节：6月19日（周五）至21日（周日）放假，共3天。", "端午节", "2026-06-19", "2026-06-21", 3, nil},
		{"六、中秋节：9月25日（周五）至27日（周日）放假，共3天。", "中秋节", "2026-09-25", "2026-09-27", 3, nil},
		{"七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。", "国庆节", "2026-10-01", "2026-10-07", 7,
			[]makeup{{"2026-09-20", time.Sunday}, {"2026-10-10", time.Saturday}}},
	}},
}

// Weekdays of range ends that the 2025 and 2026 notices print, checked
// against the real calendar so a transcription slip shows up.
var noticeWeekdays = map[string]time.Weekday{
	"2025-01-01": time.Wednesday, "2025-01-28": time.Tuesday, "2025-02-04": time.Tuesday,
	"2025-04-04": time.Friday, "2025-04-06": time.Sunday, "2025-05-01": time.Thursday,
	"2025-05-05": time.Monday, "2025-05-31": time.Saturday, "2025-06-02": time.Monday,
	"2025-10-01": time.Wednesday, "2025-10-08": time.Wednesday,
	"2026-01-01": time.Thursday, "2026-01-03": time.Saturday, "2026-02-15": time.Sunday,
	"2026-02-23": time.Monday, "2026-04-04": time.Saturday, "2026-04-06": time.Monday,
	"2026-05-01": time.Friday, "2026-05-05": time.Tuesday, "2026-06-19": time.Friday,
	"2026-06-21": time.Sunday, "2026-09-25": time.Friday, "2026-09-27": time.Sunday,
	"2026-10-01": time.Thursday, "2026-10-07": time.Wednesday,
}

func mustDay(t *testing.T, s string) int64 {
	t.Helper()
	y, m, d, ok := parseISODate(s)
	if !ok {
		t.Fatalf("bad date %q in test table", s)
	}
	return dayFromDate(y, m, d)
}

func TestShippedDataMatchesNotices(t *testing.T) {
	c := Default()
	if got, want := len(c.Years()), len(notices); got != want {
		t.Fatalf("shipped years = %v, want %d years", c.Years(), want)
	}
	for _, n := range notices {
		src, ok := c.Source(n.year)
		if !ok || !strings.Contains(src, n.docNumber) || !strings.Contains(src, "关于"+strconv.Itoa(n.year)+"年部分节假日安排的通知") {
			t.Errorf("%d: source = %q, want the notice title and %s", n.year, src, n.docNumber)
		}
		wantHolidays, wantMakeups := map[int64]string{}, map[int64]string{}
		for _, f := range n.items {
			from, to := mustDay(t, f.from), mustDay(t, f.to)
			if got := int(to - from + 1); got != f.days {
				t.Errorf("%s: table range has %d days, notice says %d", f.text, got, f.days)
			}
			for d := from; d <= to; d++ {
				wantHolidays[d] = f.name
			}
			for _, m := range f.makeups {
				d := mustDay(t, m.date)
				if got := weekdayOf(d); got != m.weekday {
					t.Errorf("%s: %s is a %v, notice says %v", f.text, m.date, got, m.weekday)
				}
				wantMakeups[d] = f.name
			}
		}
		s := c.years[n.year]
		gotHolidays, gotMakeups := map[int64]string{}, map[int64]string{}
		for _, e := range s.days {
			if e.kind == Holiday {
				gotHolidays[e.day] = e.name
			} else {
				gotMakeups[e.day] = e.name
			}
		}
		compareDays(t, n.year, "holiday", gotHolidays, wantHolidays)
		compareDays(t, n.year, "workday", gotMakeups, wantMakeups)
	}
	for date, w := range noticeWeekdays {
		if got := weekdayOf(mustDay(t, date)); got != w {
			t.Errorf("%s is a %v, the notice prints %v", date, got, w)
		}
	}
}

func compareDays(t *testing.T, year int, what string, got, want map[int64]string) {
	t.Helper()
	for d, name := range want {
		if got[d] != name {
			t.Errorf("%d: %s %s = %q in holidays.txt, notice says %q", year, what, formatDay(d), got[d], name)
		}
	}
	for d, name := range got {
		if _, ok := want[d]; !ok {
			t.Errorf("%d: holidays.txt has %s %s %s, not in the notice", year, what, formatDay(d), name)
		}
	}
}

// Every make-up workday must be a weekend day and every holiday a real date;
// the parser enforces both, this checks the shipped result directly.
func TestShippedDataShape(t *testing.T) {
	c := Default()
	for _, y := range c.Years() {
		for _, e := range c.years[y].days {
			yy, mm, dd := dateOf(e.day)
			if formatDay(e.day) != time.Date(yy, mm, dd, 0, 0, 0, 0, time.UTC).Format(time.DateOnly) {
				t.Errorf("%d: day %d does not round-trip", y, e.day)
			}
			if e.kind == MakeupWorkday && !isWeekend(e.day) {
				t.Errorf("%d: make-up workday %s is a %v", y, formatDay(e.day), weekdayOf(e.day))
			}
		}
	}
}

// The 2025 revision of 全国年节及纪念日放假办法 (国务院令第795号) made 除夕 a
// holiday and added a day to Labour Day.
func TestNewYearsEveRuleChange(t *testing.T) {
	c := Default()
	tests := []struct {
		date string
		want Kind
	}{
		{"2024-02-09", Workday}, // 除夕 2024: a Friday, worked (leave only encouraged)
		{"2025-01-28", Holiday}, // 除夕 2025
		{"2026-02-16", Holiday}, // 除夕 2026
	}
	for _, tt := range tests {
		if got, _ := c.DayKind(mustTime(t, tt.date)); got != tt.want {
			t.Errorf("DayKind(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
}
