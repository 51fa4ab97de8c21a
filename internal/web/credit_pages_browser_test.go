package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"liandong/internal/access"
	"liandong/internal/credit"
	"liandong/internal/directory"
	"liandong/internal/screen"
	"liandong/internal/screening"
)

// browserCreditImportAndRemoval (issue 6, pages): a court officer of
// 川汇区法院 uploads a CSV on /credit/import and watches the progress
// reach the report; a second file with bad lines is refused whole with
// its line numbers and reasons; the officer finds an imported debtor,
// opens the entry, records a removal ground (the three-working-day clock
// appears) and carries out the removal; the correction applications page
// shows an open review with its fifteen-day clock. Every page is kept at
// desktop and phone width.
func browserCreditImportAndRemoval(t *testing.T, b *chromium) {
	h := b.h
	h.addUser("xu", "fy411602-zxj", directory.CourtOfficer)
	dir := t.TempDir()
	var good strings.Builder
	good.WriteString(creditCSVHeader)
	given := []string{"建国", "秀英", "伟", "洋", "静", "帆", "磊", "敏", "杰", "芳", "桂兰", "志强", "海燕", "明", "丽娟",
		"国华", "玉梅", "军", "红霞", "斌", "春生", "淑珍", "勇", "晓燕", "德福", "文博", "雪梅", "建军", "秀兰", "超"}
	for i := range 300 {
		good.WriteString(creditCSVLine(string([]rune("王李张刘陈杨赵黄周吴")[i/len(given)])+given[i%len(given)], 1000+i))
	}
	goodPath := filepath.Join(dir, "川汇区法院失信名单.csv")
	bad := creditCSVHeader + creditCSVLine("孙丽", 2001) +
		strings.Replace(creditCSVLine("钱多多", 2002), testResidentID("411602", "19820101", "102"), testResidentID("411602", "20150101", "102"), 1) +
		strings.Replace(creditCSVLine("冯小刚", 2003), "豫1602执", "豫1603执", 1)
	badPath := filepath.Join(dir, "有误的名单.csv")
	for p, content := range map[string]string{goodPath: good.String(), badPath: bad} {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	court := b.signIn(t, "xu")
	court.do(chromedp.Navigate(h.srv.URL+"/credit/import"), chromedp.WaitVisible(chromedp.ID("im-file")))
	court.shots("credit-import")
	court.do(
		chromedp.SetUploadFiles(chromedp.ID("im-file"), []string{goodPath}),
		chromedp.Click(chromedp.CSS(`form[action="/credit/import"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	// The job page shows the bar while the import runs, and the report
	// once the script sees the job end.
	court.do(chromedp.WaitVisible(chromedp.CSS(`.ok-box, .error-box`)))
	if text := court.textOf(`main`); !strings.Contains(text, "导入成功：文件中的 300 行已全部纳入名单") {
		t.Fatalf("the import report: %.600s", text)
	}
	court.shots("credit-import-report")

	court.do(chromedp.Navigate(h.srv.URL+"/credit/import"), chromedp.WaitVisible(chromedp.ID("im-file")),
		chromedp.SetUploadFiles(chromedp.ID("im-file"), []string{badPath}),
		chromedp.Click(chromedp.CSS(`form[action="/credit/import"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.ok-box, .error-box`)))
	if text := court.textOf(`main`); !strings.Contains(text, "整个文件未导入") || !strings.Contains(text, "第 3 行") || !strings.Contains(text, "未成年人") || !strings.Contains(text, "第 4 行") {
		t.Errorf("the refused file's report: %.800s", text)
	}
	court.shots("credit-import-refused")

	// Find a debtor, open the entry, record the removal ground, remove.
	court.do(chromedp.Navigate(h.srv.URL+"/credit"), chromedp.WaitVisible(chromedp.CSS(`table`)))
	court.shots("credit-list")
	court.do(chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "李秀英"),
		chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`table tbody td a`)))
	court.do(chromedp.Click(chromedp.CSS(`table tbody td a`)), chromedp.WaitVisible(chromedp.CSS(`ol.timeline`)))
	entry := court.location()
	court.shots("credit-entry")
	court.do(
		chromedp.Click(chromedp.CSS(`details:has(form[action$="/removal-request"]) > summary`)),
		chromedp.SetValue(chromedp.ID("rr-reason"), string(credit.RemovePerformed)),
		chromedp.SendKeys(chromedp.ID("rr-note"), "被执行人已提交全部履行凭证"),
		chromedp.Click(chromedp.CSS(`form[action$="/removal-request"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/carry-out"]`)))
	if text := court.textOf(`main`); !strings.Contains(text, "删除失信信息") || !strings.Contains(text, "按期") || !strings.Contains(text, "3 个工作日内删除") {
		t.Errorf("after the removal request: %.800s", text)
	}
	court.shots("credit-entry-removal-requested")
	court.do(
		chromedp.Click(chromedp.CSS(`details:has(form[action$="/carry-out"]) > summary`)),
		chromedp.Click(chromedp.CSS(`form[action$="/carry-out"] input[name=confirm]`)),
		chromedp.Click(chromedp.CSS(`form[action$="/carry-out"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`main h1 .state-waiting`)))
	if text := court.textOf(`main`); !strings.Contains(text, "已删除该失信信息") || !strings.Contains(court.textOf(`main h1`), "已删除") {
		t.Errorf("after the removal: %.800s", text)
	}
	court.shots("credit-entry-removed")
	if loc := court.location(); !strings.HasPrefix(loc, entry) {
		t.Errorf("after the removal the browser is at %s", loc)
	}

	// A correction application waiting for review.
	ctx := context.Background()
	pr := h.session("xu").Principal
	found, err := h.credit.Search(ctx, pr, credit.SearchQuery{Courts: []string{"fy411602"}, Name: "张伟"})
	if err != nil || len(found.Entries) == 0 {
		t.Fatalf("find 张伟: %v", err)
	}
	if _, err := h.credit.RequestCorrection(ctx, pr, found.Entries[0].ID, credit.CorrectionRequest{Ground: credit.CorrectInaccurate,
		Reason: "生效判决确定的本金为 80000 元，名单记载为 100000 元"}); err != nil {
		t.Fatal(err)
	}
	court.do(chromedp.Navigate(h.srv.URL+"/credit/corrections"), chromedp.WaitVisible(chromedp.CSS(`.duty`)))
	if text := court.textOf(`main`); !strings.Contains(text, "审查纠正申请") || !strings.Contains(text, "15 日内审查") {
		t.Errorf("the correction applications: %.600s", text)
	}
	court.do(chromedp.Click(chromedp.CSS(`.duty details > summary`)))
	court.shots("credit-corrections")

	// A police system screens an imported debtor: the hit waits in the
	// court's review queue, and the officer confirms it.
	police := access.Principal{Username: "credit-police", UnitCode: "ga411602", Roles: []directory.Role{directory.PoliceHandler}}
	if _, err := h.screening.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := h.screening.Screen(ctx, police, "127.0.0.1", screening.Request{Business: "exit_entry_permit",
		Queries: []screen.Query{{Ref: "q1", Name: "王建国", IDNumber: testResidentID("411602", "19810101", "100")}}})
	if err != nil || res.Hits != 1 {
		t.Fatalf("screen 王建国: %+v %v", res, err)
	}
	court.do(chromedp.Navigate(h.srv.URL+"/credit/hits"), chromedp.WaitVisible(chromedp.CSS(`form[action$="/review"]`)))
	court.shots("credit-hits")
	court.do(chromedp.Click(chromedp.CSS(`form[action$="/review"] button[value=confirmed]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/review"]`)))
	if text := court.textOf(`main`); strings.Contains(text, "错误") {
		t.Errorf("after the hit review: %.600s", text)
	}
	court.shots("credit-hits-reviewed")
}
