package web

import (
	"net/http"

	"liandong/internal/access"
	"liandong/internal/apperr"
	"liandong/internal/directory"
)

// nav builds the left navigation from what the policy lets pr do.
func navFor(pr *access.Principal, current string) []navItem {
	if pr == nil {
		return nil
	}
	items := []navItem{{Href: "/", Label: "首页"}}
	if pr.Restricted() {
		items = nil
	}
	add := func(a access.Action, href, label string) {
		if !pr.Restricted() && roleGranted(*pr, a) {
			items = append(items, navItem{Href: href, Label: label})
		}
	}
	add(access.ActionMatterRead, "/matters", "协作事项")
	add(access.ActionMatterCreate, "/matters/new", "发起协作事项")
	if pr.Side == "court" {
		add(access.ActionMatterRead, "/transfers", "移送案件看板")
		add(access.ActionCreditRead, "/credit", "失信被执行人名单")
		add(access.ActionCreditRead, "/credit/corrections", "失信信息纠正申请")
		add(access.ActionCreditImport, "/credit/import", "导入失信名单")
		add(access.ActionScreenHitRead, "/credit/hits", "失信名单比中线索")
	}
	add(access.ActionVehicleFileRead, "/vehicles", "车辆查封档案")
	if pr.Side == "police" {
		add(access.ActionMatterAct, "/vehicles/intercept", "报告拦截车辆")
	}
	add(access.ActionAuditRead, "/audit", "审计日志")
	add(access.ActionUserRead, "/admin/users", "用户管理")
	add(access.ActionUnitRead, "/admin/units", "单位目录")
	items = append(items,
		navItem{Href: "/verify", Label: "文书验证"},
		navItem{Href: "/account/password", Label: "修改密码"},
		navItem{Href: "/account/totp", Label: "动态口令"})
	for i := range items {
		items[i].Current = items[i].Href == current
	}
	return items
}

// pageFor fills the parts of a page every signed-in page shares.
func (s *Server) pageFor(r *http.Request, rq *request, title string, data any) page {
	p := page{Title: title, Data: data, Nav: navFor(rq.User, r.URL.Path)}
	if rq.User != nil {
		p.User = rq.User
		p.CSRF = rq.User.CSRFToken
		p.UnitName = rq.User.UnitCode
		if u, err := s.dir.Unit(r.Context(), rq.User.UnitCode); err == nil {
			p.UnitName = u.Label()
		}
		if s.matters != nil && !rq.User.Restricted() {
			if ns, err := s.matters.Notifications(r.Context(), rq.User.Username, true); err == nil {
				p.Unread = len(ns)
			}
		}
	}
	p.Flash = flashes[r.URL.Query().Get("done")]
	return p
}

// flashes are the confirmations a redirect may show, by key, so a link
// cannot put arbitrary words on our pages.
var flashes = map[string]string{
	"password":       "密码已修改，其他设备上的登录已退出。",
	"totp_off":       "已解除动态口令。",
	"user_created":   "用户已创建，首次登录须修改密码。",
	"user_updated":   "用户信息已更新。",
	"password_reset": "密码已重置，用户下次登录须修改密码。",
	"unlocked":       "账号已解除锁定。",
	"roles":          "角色已更新。",
	"totp_reset":     "已重置该用户的动态口令。",
	// The dishonest-debtor list (credit_pages.go).
	"credit_extended":             "已延长纳入期限。",
	"credit_removed":              "已删除该失信信息，名单比对自此不再命中该条目。",
	"credit_removal_requested":    "已记录删除事由，请在时限内办理删除。",
	"credit_repaired":             "已记录信用修复。",
	"credit_correction_requested": "已登记纠正申请，请在十五日内审查。",
	"credit_reviewed":             "已记录审查结论。",
	"credit_corrected":            "已办理纠正。",
}

type homeData struct {
	Roles    []string
	UnitName string
	Rules    []ruleView
	Liaisons []directory.LiaisonOfficer
	Engine   string
	Version  string
	Side     string
}

type ruleView struct {
	Action, Scope, Clause string
}

// home is each role's start page: who I am, what the policy lets me do
// (with the clause behind each grant), the liaison officers, and this node.
func (s *Server) home(w http.ResponseWriter, r *http.Request, rq *request) error {
	pr := rq.User
	d := homeData{Engine: string(s.db.Engine), Version: s.cfg.Version, Side: sideLabel(s.cfg.Side)}
	for _, role := range pr.Roles {
		d.Roles = append(d.Roles, role.Label())
	}
	for _, rule := range access.Rules() {
		if pr.Has(rule.Role) {
			info, _ := rule.Action.Info()
			d.Rules = append(d.Rules, ruleView{Action: info.Label, Scope: rule.Scope.Label(), Clause: rule.Clause})
		}
	}
	if roleGranted(*pr, access.ActionLiaisonRead) {
		ls, err := s.dir.Liaisons(r.Context())
		if err != nil {
			return err
		}
		d.Liaisons = ls
	}
	s.render(w, r, http.StatusOK, "home.html", s.pageFor(r, rq, "首页", d))
	return nil
}

func sideLabel(side string) string {
	switch side {
	case "court":
		return "法院端"
	case "police":
		return "公安端"
	}
	return "法院与公安（单机）"
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, apperr.New(apperr.NotFound, "not_found", "页面或接口不存在："+r.URL.Path))
}
