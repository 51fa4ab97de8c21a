package access

import (
	"context"
	"fmt"
	"strings"

	"liandong/internal/apperr"
	"liandong/internal/directory"
)

// Action is something a principal asks to do. The web layer names one for
// every route; domain packages name one for every call that needs a check.
type Action string

const (
	ActionSelf         Action = "self"         // own profile, logout, change password, own TOTP
	ActionUnitRead     Action = "unit.read"    // the unit directory
	ActionUnitManage   Action = "unit.manage"  // add, change, deactivate units
	ActionUserRead     Action = "user.read"    // user lists and profiles
	ActionUserManage   Action = "user.manage"  // create, disable, reset password, unlock, liaison officers
	ActionRoleGrant    Action = "role.grant"   // set a user's roles
	ActionMFAReset     Action = "mfa.reset"    // clear another user's TOTP (lost phone)
	ActionTokenManage  Action = "token.manage" // issue, list, revoke API tokens
	ActionAuditRead    Action = "audit.read"   // search the audit log, verify it
	ActionAuditExport  Action = "audit.export" // export the audit log
	ActionMatterCreate Action = "matter.create"
	ActionMatterRead   Action = "matter.read"
	ActionMatterAct    Action = "matter.act"
	ActionPIIReveal    Action = "pii.reveal" // see full identity numbers; the caller audits each reveal
	ActionDocUpload    Action = "doc.upload"
	ActionDocIssue     Action = "doc.issue" // sign and send an electronic document (S-DOC-1)
	ActionLiaisonRead  Action = "liaison.read"
)

// The vehicle seal register (internal/vehicle, S-VEH-2).
const (
	ActionVehicleCheck    Action = "vehicle.check"     // may a registration business be done on this vehicle (查封核查)
	ActionVehicleFileRead Action = "vehicle.file.read" // a vehicle with all its seals
)

// The dishonest-debtor list (internal/credit). Police read nothing of it
// directly: police systems see only what screening answers.
const (
	ActionCreditRead      Action = "credit.read"      // list entries with their history, numbers masked
	ActionCreditManage    Action = "credit.manage"    // list, remove, extend, correct, record credit repair
	ActionCreditImport    Action = "credit.import"    // import a file of listing decisions
	ActionCreditSupervise Action = "credit.supervise" // the open and overdue removal and correction duties
	// The change feed and webhook subscriptions (internal/feed) through
	// which police business systems keep their own copy of the list
	// (S-CREDIT-1).
	ActionCreditFeed    Action = "credit.feed"    // read the list's change feed: full numbers for system accounts, masked for people
	ActionCreditWebhook Action = "credit.webhook" // add, list and remove webhook subscriptions to the change feed
)

// Screening against the list (internal/screening, S-CREDIT-1): police
// business systems screen applicants; hits become clues for the listing
// court, which reviews them; the security administrator sets what a hit
// does in each police business.
const (
	ActionScreen            Action = "screen.run"          // screen applicants against the list (police systems)
	ActionScreenRulesRead   Action = "screen.rules.read"   // the punishment rules per police business
	ActionScreenRulesManage Action = "screen.rules.manage" // change them
	ActionScreenHitRead     Action = "screen.hits.read"    // hits on the court's entries (clues)
	ActionScreenHitReview   Action = "screen.hits.review"  // mark a hit confirmed or a false positive
)

// ActionInfo describes an action for people and for the checks.
type ActionInfo struct {
	Action Action
	Label  string // Chinese, used in denials: "您没有查看协作事项的权限"
	// Target says which Target fields the check reads.
	Target string
	// NeedsCase: the target must name the enforcement case the act serves
	// (S-SEC-2: shared data is used only for linkage matters).
	NeedsCase bool
}

var actionTable = []ActionInfo{
	{ActionSelf, "管理本人账号", "Username (empty means oneself)", false},
	{ActionUnitRead, "查看单位目录", "UnitCode (optional)", false},
	{ActionUnitManage, "管理单位", "UnitCode (empty when adding a unit)", false},
	{ActionUserRead, "查看用户", "UnitCode (the user's unit, required for unit scopes), Username", false},
	{ActionUserManage, "管理用户", "Username (not oneself), UnitCode", false},
	{ActionRoleGrant, "授予角色", "Username (not oneself), UnitCode", false},
	{ActionMFAReset, "重置动态口令", "Username (not oneself)", false},
	{ActionTokenManage, "管理 API 令牌", "Username (the account the token is for, optional)", false},
	{ActionAuditRead, "查看审计日志", "none", false},
	{ActionAuditExport, "导出审计日志", "none", false},
	{ActionMatterCreate, "发起协作事项", "RequestingUnit, CaseNumber; AddressedUnit if known", true},
	{ActionMatterRead, "查看协作事项", "RequestingUnit, AddressedUnit, CaseNumber", true},
	{ActionMatterAct, "办理协作事项", "RequestingUnit, AddressedUnit, CaseNumber", true},
	{ActionPIIReveal, "查看完整身份信息", "RequestingUnit, AddressedUnit, CaseNumber", true},
	{ActionDocUpload, "上传文书材料", "RequestingUnit, AddressedUnit, CaseNumber", true},
	{ActionDocIssue, "签发电子文书", "RequestingUnit, AddressedUnit, CaseNumber", true},
	{ActionLiaisonRead, "查看联络员与联络事务", "UnitCode (optional)", false},
	{ActionVehicleCheck, "核查车辆查封状态", "none (the scope is the principal's unit or token)", false},
	{ActionVehicleFileRead, "查看车辆查封档案", "RequestingUnit (a court that sealed the vehicle) for court roles", false},
	{ActionCreditRead, "查看失信被执行人名单", "none", false},
	{ActionCreditManage, "管理失信被执行人名单", "RequestingUnit (the listing court), CaseNumber", true},
	{ActionCreditImport, "导入失信被执行人名单", "RequestingUnit (the listing court)", false},
	{ActionCreditSupervise, "督办失信名单删除与纠正期限", "RequestingUnit (the listing court)", false},
	{ActionCreditFeed, "读取失信名单变更", "none (the principal decides: a system account by its API token, or a person)", false},
	{ActionCreditWebhook, "管理失信名单变更推送订阅", "none", false},
	{ActionScreen, "比对失信被执行人名单", "none (police units and their system accounts)", false},
	{ActionScreenRulesRead, "查看失信惩戒业务规则", "none", false},
	{ActionScreenRulesManage, "设置失信惩戒业务规则", "none", false},
	{ActionScreenHitRead, "查看失信名单比中线索", "RequestingUnit (the listing court)", false},
	{ActionScreenHitReview, "核对失信名单比中线索", "RequestingUnit (the listing court)", false},
}

// Actions lists every action in display order.
func Actions() []ActionInfo { return append([]ActionInfo(nil), actionTable...) }

// Info describes a.
func (a Action) Info() (ActionInfo, bool) {
	for _, ai := range actionTable {
		if ai.Action == a {
			return ai, true
		}
	}
	return ActionInfo{}, false
}

// Scope is how far a rule reaches from the principal.
type Scope string

const (
	ScopeSelf    Scope = "self"     // only oneself: Target.Username empty or the principal's
	ScopeOwnUnit Scope = "own_unit" // Target.UnitCode is the principal's unit
	ScopeSubtree Scope = "subtree"  // Target.UnitCode is the principal's unit or under it
	ScopeAll     Scope = "all"      // everything
	ScopeOthers  Scope = "others"   // everyone except oneself (no granting or resetting one's own)
	// Matter scopes. A matter belongs to the court of its requesting unit
	// (and, for a court-to-court request such as receiving a vehicle on
	// another court's behalf, S-VEH-5, also to the court of its addressed
	// unit). The court of a unit is its nearest ancestor-or-self that is an
	// intermediate or basic court.
	ScopeOwnCourt      Scope = "own_court"      // matters of the principal's court
	ScopeCourtTree     Scope = "court_tree"     // matters of the principal's court and the courts under it
	ScopeAddressed     Scope = "addressed"      // matters addressed to the principal's unit
	ScopeAddressedTree Scope = "addressed_tree" // matters addressed to the principal's unit or units under it
	// Vehicle scopes (S-VEH-2): the traffic police vehicle administration
	// and the police systems that call with API tokens.
	ScopeTrafficPolice Scope = "traffic_police" // the principal's unit is a traffic police or vehicle administration unit, or under one
	// ScopeSystem: the principal is a system account calling with its API
	// token (only system accounts hold tokens), not a person in a session:
	// police business systems that compare automatically (S-CREDIT-1).
	ScopeSystem Scope = "system"
)

var scopeLabels = map[Scope]string{
	ScopeSelf:          "本人",
	ScopeOwnUnit:       "本单位",
	ScopeSubtree:       "本单位及下级单位",
	ScopeAll:           "全部",
	ScopeOthers:        "除本人外的全部用户",
	ScopeOwnCourt:      "本院的事项",
	ScopeCourtTree:     "本院及下级法院的事项",
	ScopeAddressed:     "发给本单位的事项",
	ScopeAddressedTree: "发给本单位及下级单位的事项",
	ScopeTrafficPolice: "交警、车管单位",
	ScopeSystem:        "系统账号（凭 API 令牌调用）",
}

// Label is the Chinese name of s.
func (s Scope) Label() string {
	if l, ok := scopeLabels[s]; ok {
		return l
	}
	return string(s)
}

// Rule grants one role one action within one scope. Anything no rule
// grants is refused.
type Rule struct {
	Role   directory.Role
	Action Action
	Scope  Scope
	Clause string // the seed clause or standard the row serves
	Note   string // Chinese: why
}

// rules is THE permission policy. Read it beside DOMAIN.md: the three
// administrators are separated (GB/T 22239-2019 level 3: system manages
// units and users, security grants roles, audit reads the log, and none of
// them sees a matter); business users reach only the matters of their court
// or addressed to their unit (S-SEC-2), with a case number (S-SEC-2).
var rules = []Rule{
	// Everyone: one's own account.
	{directory.CourtOfficer, ActionSelf, ScopeSelf, "GB/T 22239", "本人资料、退出登录、修改密码、动态口令"},
	{directory.CourtLeader, ActionSelf, ScopeSelf, "GB/T 22239", "本人资料、退出登录、修改密码、动态口令"},
	{directory.CourtPresident, ActionSelf, ScopeSelf, "GB/T 22239", "本人资料、退出登录、修改密码、动态口令"},
	{directory.JudicialPolice, ActionSelf, ScopeSelf, "GB/T 22239", "本人资料、退出登录、修改密码、动态口令"},
	{directory.PoliceHandler, ActionSelf, ScopeSelf, "GB/T 22239", "本人资料、退出登录、修改密码、动态口令"},
	{directory.PoliceLeader, ActionSelf, ScopeSelf, "GB/T 22239", "本人资料、退出登录、修改密码、动态口令"},
	{directory.Liaison, ActionSelf, ScopeSelf, "GB/T 22239", "本人资料、退出登录、修改密码、动态口令"},
	{directory.SysAdmin, ActionSelf, ScopeSelf, "GB/T 22239", "本人资料、退出登录、修改密码、动态口令"},
	{directory.SecAdmin, ActionSelf, ScopeSelf, "GB/T 22239", "本人资料、退出登录、修改密码、动态口令"},
	{directory.Auditor, ActionSelf, ScopeSelf, "GB/T 22239", "本人资料、退出登录、修改密码、动态口令"},

	// The unit directory: every court may ask every bureau (S-NET), so
	// business users see all units; the system administrator keeps them.
	{directory.CourtOfficer, ActionUnitRead, ScopeAll, "S-NET", "选择协作单位须查看全市单位目录"},
	{directory.CourtLeader, ActionUnitRead, ScopeAll, "S-NET", "选择协作单位须查看全市单位目录"},
	{directory.CourtPresident, ActionUnitRead, ScopeAll, "S-NET", "查看全市单位目录"},
	{directory.JudicialPolice, ActionUnitRead, ScopeAll, "S-NET", "查看全市单位目录"},
	{directory.PoliceHandler, ActionUnitRead, ScopeAll, "S-NET", "查看全市单位目录"},
	{directory.PoliceLeader, ActionUnitRead, ScopeAll, "S-NET", "查看全市单位目录"},
	{directory.Liaison, ActionUnitRead, ScopeAll, "S-ORG", "联络员须查看全市单位目录"},
	{directory.SysAdmin, ActionUnitRead, ScopeAll, "S-ORG", "系统管理员维护单位目录"},
	{directory.SecAdmin, ActionUnitRead, ScopeAll, "GB/T 22239", "安全管理员授权时须查看用户所属单位"},
	{directory.SysAdmin, ActionUnitManage, ScopeAll, "S-ORG", "系统管理员增设、调整单位"},

	// Users: the system administrator manages accounts, the security
	// administrator grants roles (three separated administrators); leaders
	// see the people of their units.
	{directory.SysAdmin, ActionUserRead, ScopeAll, "GB/T 22239", "系统管理员管理账号"},
	{directory.SecAdmin, ActionUserRead, ScopeAll, "GB/T 22239", "安全管理员授权时须查看用户"},
	{directory.CourtLeader, ActionUserRead, ScopeSubtree, "S-ORG", "领导查看本单位及下级单位人员"},
	{directory.PoliceLeader, ActionUserRead, ScopeSubtree, "S-ORG", "领导查看本单位及下级单位人员"},
	{directory.SysAdmin, ActionUserManage, ScopeOthers, "GB/T 22239", "系统管理员创建、停用账号，重置密码，解除锁定，指定联络员（不含本人）"},
	{directory.SecAdmin, ActionRoleGrant, ScopeOthers, "S-SEC-2", "安全管理员授予角色（三员分立，不得给本人授权）"},
	{directory.SecAdmin, ActionMFAReset, ScopeOthers, "GB/T 22239", "安全管理员为丢失手机的用户重置动态口令"},
	{directory.SysAdmin, ActionTokenManage, ScopeAll, "S-CREDIT-1", "系统管理员为公安系统接口账号签发、吊销 API 令牌"},

	// The audit log: the auditor alone (S-SEC-1).
	{directory.Auditor, ActionAuditRead, ScopeAll, "S-SEC-1", "安全审计员查阅、校验审计日志"},
	{directory.Auditor, ActionAuditExport, ScopeAll, "S-SEC-1", "安全审计员导出审计日志"},

	// Matters: courts file and follow their own court's requests, leaders
	// and presidents also those of the courts under them; police act on
	// what is addressed to their unit, leaders also to the units under it.
	{directory.CourtOfficer, ActionMatterCreate, ScopeOwnCourt, "S-NET", "执行法官以本院名义发起协作事项"},
	{directory.CourtLeader, ActionMatterCreate, ScopeOwnCourt, "S-NET", "执行局领导以本院名义发起协作事项"},
	// The kinds' tables narrow this to the one kind judicial police file:
	// a call for police when enforcement meets violence.
	{directory.JudicialPolice, ActionMatterCreate, ScopeOwnCourt, "S-ASSIST-3", "司法警察在执行现场请求出警"},
	{directory.CourtOfficer, ActionMatterRead, ScopeOwnCourt, "S-SEC-2", "执行法官查看本院事项"},
	{directory.CourtLeader, ActionMatterRead, ScopeCourtTree, "S-SEC-2", "执行局领导查看本院及下级法院事项"},
	{directory.CourtPresident, ActionMatterRead, ScopeCourtTree, "S-SEC-2", "院领导查看本院及下级法院事项（审批拘留、罚款）"},
	{directory.JudicialPolice, ActionMatterRead, ScopeOwnCourt, "S-ASSIST-2", "司法警察查看本院事项（送拘、押解）"},
	{directory.PoliceHandler, ActionMatterRead, ScopeAddressed, "S-SEC-2", "承办民警查看发给本单位的事项"},
	{directory.PoliceLeader, ActionMatterRead, ScopeAddressedTree, "S-SEC-2", "公安领导查看发给本单位及下级单位的事项"},
	{directory.CourtOfficer, ActionMatterAct, ScopeOwnCourt, "S-ACT", "执行法官办理本院事项"},
	{directory.CourtLeader, ActionMatterAct, ScopeCourtTree, "S-ACT", "执行局领导审批、督办本院及下级法院事项"},
	{directory.CourtPresident, ActionMatterAct, ScopeCourtTree, "S-ASSIST-1", "院领导审批拘留、罚款"},
	{directory.JudicialPolice, ActionMatterAct, ScopeOwnCourt, "S-ASSIST-2", "司法警察办理送拘、押解、交接"},
	{directory.PoliceHandler, ActionMatterAct, ScopeAddressed, "S-DOC-2", "承办民警办理发给本单位的事项（不得拒绝，可提审查建议）"},
	{directory.PoliceLeader, ActionMatterAct, ScopeAddressedTree, "S-DOC-2", "公安领导督办发给本单位及下级单位的事项"},

	// Full identity numbers: only the roles whose work needs them; every
	// reveal is audited by the caller with the case number.
	{directory.CourtOfficer, ActionPIIReveal, ScopeOwnCourt, "S-SEC-3", "执行法官核对被执行人身份"},
	{directory.CourtLeader, ActionPIIReveal, ScopeCourtTree, "S-SEC-3", "执行局领导审批时核对身份"},
	{directory.PoliceHandler, ActionPIIReveal, ScopeAddressed, "S-SEC-3", "承办民警查询、布控须完整身份号码"},

	// Electronic documents (S-DOC-1).
	{directory.CourtOfficer, ActionDocUpload, ScopeOwnCourt, "S-VEH-1", "执行法官上传公函、工作证明等材料"},
	{directory.CourtLeader, ActionDocUpload, ScopeCourtTree, "S-DOC-1", "执行局领导上传材料"},
	{directory.JudicialPolice, ActionDocUpload, ScopeOwnCourt, "S-LOC-3", "司法警察上传交接、送拘材料"},
	{directory.PoliceHandler, ActionDocUpload, ScopeAddressed, "S-DOC-1", "承办民警上传反馈材料、回执"},
	{directory.PoliceLeader, ActionDocUpload, ScopeAddressedTree, "S-DOC-1", "公安领导上传材料"},
	{directory.CourtOfficer, ActionDocIssue, ScopeOwnCourt, "S-DOC-1", "执行法官签发协助执行通知书等文书"},
	{directory.CourtLeader, ActionDocIssue, ScopeCourtTree, "S-DOC-1", "执行局领导签发文书"},
	{directory.CourtPresident, ActionDocIssue, ScopeCourtTree, "S-ASSIST-1", "院领导签发拘留、罚款决定"},
	{directory.PoliceHandler, ActionDocIssue, ScopeAddressed, "S-DOC-1", "承办民警签发回执、反馈函"},
	{directory.PoliceLeader, ActionDocIssue, ScopeAddressedTree, "S-CRIME-2", "公安领导签发不予立案书面答复等文书"},

	// Liaison officers and liaison work (S-ORG): everyone who works the
	// mechanism needs to know whom to call.
	{directory.CourtOfficer, ActionLiaisonRead, ScopeAll, "S-ORG", "查看各单位联络员"},
	{directory.CourtLeader, ActionLiaisonRead, ScopeAll, "S-ORG", "查看各单位联络员"},
	{directory.CourtPresident, ActionLiaisonRead, ScopeAll, "S-ORG", "查看各单位联络员"},
	{directory.JudicialPolice, ActionLiaisonRead, ScopeAll, "S-ORG", "查看各单位联络员"},
	{directory.PoliceHandler, ActionLiaisonRead, ScopeAll, "S-ORG", "查看各单位联络员"},
	{directory.PoliceLeader, ActionLiaisonRead, ScopeAll, "S-ORG", "查看各单位联络员"},
	{directory.Liaison, ActionLiaisonRead, ScopeAll, "S-ORG", "联络员处理联席会议、系统故障通报等联络事务"},
	{directory.SysAdmin, ActionLiaisonRead, ScopeAll, "S-ORG", "系统管理员指定联络员"},

	// The vehicle seal register (S-VEH-2): the vehicle administration
	// checks before every registration business, and police systems ask
	// with their tokens; the file (with the owner) is for the traffic police
	// and the courts that sealed the vehicle (查封扣押冻结规定 art. 26: a
	// court sealing in turn may read the records of the seal ahead).
	// Police business systems (车驾管、审批系统) call it with an API token of
	// a system account created in the traffic police or vehicle
	// administration unit that runs them: the same row covers them.
	{directory.PoliceHandler, ActionVehicleCheck, ScopeTrafficPolice, "S-VEH-2", "车管所民警及车驾管系统办理登记业务前核查查封"},
	{directory.PoliceLeader, ActionVehicleCheck, ScopeTrafficPolice, "S-VEH-2", "交警、车管领导核查查封"},
	{directory.PoliceHandler, ActionVehicleFileRead, ScopeTrafficPolice, "S-VEH-2", "车管所民警查看车辆查封档案"},
	{directory.PoliceLeader, ActionVehicleFileRead, ScopeTrafficPolice, "S-VEH-2", "交警、车管领导查看车辆查封档案"},
	{directory.CourtOfficer, ActionVehicleFileRead, ScopeOwnCourt, "S-VEH-2", "本院查封（含轮候查封）的车辆，查看其查封档案"},
	{directory.CourtLeader, ActionVehicleFileRead, ScopeCourtTree, "S-VEH-2", "本院及下级法院查封的车辆，查看其查封档案"},

	// The dishonest-debtor list (S-CREDIT-1, S-CREDIT-2; 失信规定 2017):
	// the list is public (arts. 7, 8), so court users read all of it with
	// numbers masked; only the listing court's officers and leaders change
	// its entries; leaders watch the removal and correction clocks. Police
	// have no rule here: they see only what screening answers.
	{directory.CourtOfficer, ActionCreditRead, ScopeAll, "S-CREDIT-2", "名单依法公布（失信规定第七条），法院用户查看全部条目，证件号码脱敏"},
	{directory.CourtLeader, ActionCreditRead, ScopeAll, "S-CREDIT-2", "名单依法公布（失信规定第七条），法院用户查看全部条目，证件号码脱敏"},
	{directory.CourtPresident, ActionCreditRead, ScopeAll, "S-CREDIT-2", "名单依法公布（失信规定第七条），院领导查看全部条目"},
	{directory.CourtOfficer, ActionCreditManage, ScopeOwnCourt, "S-CREDIT-2", "执行法官办理本院的纳入、删除、延长、纠正和信用修复"},
	{directory.CourtLeader, ActionCreditManage, ScopeOwnCourt, "S-CREDIT-2", "执行局领导办理本院的纳入、删除、延长、纠正和信用修复"},
	{directory.CourtOfficer, ActionCreditImport, ScopeOwnCourt, "S-CREDIT-1", "执行法官导入本院的失信名单"},
	{directory.CourtLeader, ActionCreditImport, ScopeOwnCourt, "S-CREDIT-1", "执行局领导导入本院的失信名单"},
	{directory.CourtLeader, ActionCreditSupervise, ScopeCourtTree, "S-CREDIT-2", "执行局领导督办本院及下级法院删除、纠正失信信息的期限（第九条、第十条、第十二条）"},
	{directory.CourtPresident, ActionCreditSupervise, ScopeCourtTree, "S-CREDIT-2", "院领导督办本院及下级法院删除、纠正失信信息的期限"},

	// The change feed (S-CREDIT-1: 自动比对): police business systems keep
	// their own copy current and compare by identity number, so a system
	// account (a police handler role, calling with its API token) reads the
	// full numbers; a police leader reads the same feed in a session with
	// numbers masked (oversight needs no full number: 个人信息保护法 arts.
	// 6, 28, 34; S-SEC-3). A person with a handler role reads nothing of it.
	// Webhook subscriptions send the list with full numbers to an address
	// outside the platform: a standing grant of data, so the security
	// administrator (who grants roles) sets them up, not the system
	// administrator (who creates the accounts and issues their tokens):
	// neither alone can open a channel for the list (GB/T 22239 separation
	// of duties).
	{directory.PoliceHandler, ActionCreditFeed, ScopeSystem, "S-CREDIT-1", "公安业务系统（系统账号凭 API 令牌）同步失信名单变更，含完整证件号码，用于自动比对"},
	{directory.PoliceLeader, ActionCreditFeed, ScopeAll, "S-CREDIT-1", "公安领导查看失信名单变更（证件号码脱敏）"},
	{directory.SecAdmin, ActionCreditWebhook, ScopeAll, "S-SEC-2", "安全管理员设置、撤销失信名单变更推送订阅（向外推送含完整证件号码的名单属授权事项，与签发令牌的系统管理员分立）"},

	// Screening (S-CREDIT-1 自动比对、自动监督、自动惩戒): police business
	// systems (with the API token of a system account in the police unit
	// that runs them) and police users screen applicants; police roles
	// exist only in police units, so "all" here means every police unit.
	// Courts do not screen: they own the list. A hit is a clue for the
	// listing court only; the security administrator sets what a hit does
	// in each business.
	{directory.PoliceHandler, ActionScreen, ScopeAll, "S-CREDIT-1", "公安业务系统及民警办理业务时自动比对失信被执行人名单"},
	{directory.PoliceLeader, ActionScreen, ScopeAll, "S-CREDIT-1", "公安领导比对失信被执行人名单"},
	{directory.PoliceHandler, ActionScreenRulesRead, ScopeAll, "S-CREDIT-1", "公安业务系统按业务类型执行惩戒规则"},
	{directory.PoliceLeader, ActionScreenRulesRead, ScopeAll, "S-CREDIT-1", "公安领导查看惩戒规则"},
	{directory.SecAdmin, ActionScreenRulesRead, ScopeAll, "S-CREDIT-1", "安全管理员查看惩戒规则"},
	{directory.SecAdmin, ActionScreenRulesManage, ScopeAll, "S-CREDIT-1", "安全管理员设置各类公安业务比中后不予办理、提示或仅报告"},
	{directory.CourtOfficer, ActionScreenHitRead, ScopeOwnCourt, "S-CREDIT-1", "执行法官查看本院名单条目的比中线索（自动监督）"},
	{directory.CourtLeader, ActionScreenHitRead, ScopeCourtTree, "S-CREDIT-1", "执行局领导查看本院及下级法院名单条目的比中线索"},
	{directory.CourtOfficer, ActionScreenHitReview, ScopeOwnCourt, "S-CREDIT-1", "执行法官核对本院名单条目的比中线索（确认或误报）"},
	{directory.CourtLeader, ActionScreenHitReview, ScopeOwnCourt, "S-CREDIT-1", "执行局领导核对本院名单条目的比中线索"},
}

// Rules returns THE permission policy, one row per role × action, for the
// web layer's matrix test and for the page that shows the policy.
func Rules() []Rule { return append([]Rule(nil), rules...) }

// Target is what an action is applied to. Each action reads only some
// fields (ActionInfo.Target says which):
//
//   - RequestingUnit: the unit that filed the matter (a court or its bureau);
//   - AddressedUnit: the unit the matter is addressed to (usually police);
//   - CaseNumber: the enforcement case the act serves; required for matter,
//     document and identity actions (S-SEC-2);
//   - UnitCode: the unit a user, unit or liaison action concerns;
//   - Username: the user an account action concerns.
type Target struct {
	RequestingUnit string
	AddressedUnit  string
	UnitCode       string
	CaseNumber     string
	Username       string
}

// object names the target in audit entries.
func (t Target) object() string {
	switch {
	case t.Username != "":
		return "user:" + clip(t.Username, 64)
	case t.RequestingUnit != "" || t.AddressedUnit != "":
		return "matter:" + t.RequestingUnit + "->" + t.AddressedUnit
	case t.UnitCode != "":
		return "unit:" + t.UnitCode
	}
	return ""
}

// Policy decides. It keeps a cached copy of the unit tree (see treeCache
// for how fresh it is) and is safe for concurrent use.
type Policy struct {
	tree     *treeCache
	byAction map[Action][]Rule // the rows of rules, grouped by action
}

// NewPolicy returns the policy over dir's unit tree.
func NewPolicy(dir *directory.Store, cfg Config) *Policy {
	cfg = cfg.withDefaults()
	byAction := map[Action][]Rule{}
	for _, r := range rules {
		byAction[r.Action] = append(byAction[r.Action], r)
	}
	return &Policy{tree: &treeCache{dir: dir, ttl: cfg.TreeTTL, now: cfg.Now}, byAction: byAction}
}

// Invalidate drops the cached unit tree; call it after changing units.
// Other servers see the change within Config.TreeTTL.
func (p *Policy) Invalidate() { p.tree.invalidate() }

// Error codes of denials.
const (
	CodeDenied                 = "access.denied"
	CodePurposeRequired        = "access.purpose_required"
	CodePasswordChangeRequired = "access.password_change_required"
	CodeTOTPSetupRequired      = "access.totp_setup_required"
)

// Check returns nil when pr may do a to t, and otherwise an apperr
// Forbidden error: access.denied (with a message naming the action, never
// saying whether the object exists), access.purpose_required (no case
// number where one is needed), or access.password_change_required /
// access.totp_setup_required (only ActionSelf until those are done). The
// court of pr is derived from pr.UnitCode.
func (p *Policy) Check(ctx context.Context, pr Principal, a Action, t Target) error {
	_, err := p.decide(ctx, pr, a, t)
	return err
}

// Can is Check as a boolean, for showing only the buttons a user may press.
// Errors reading the unit tree count as "no".
func (p *Policy) Can(ctx context.Context, pr Principal, a Action, t Target) bool {
	return p.Check(ctx, pr, a, t) == nil
}

// decide returns the rule that allows the act.
func (p *Policy) decide(ctx context.Context, pr Principal, a Action, t Target) (Rule, error) {
	info, ok := a.Info()
	if !ok {
		return Rule{}, &apperr.Error{Kind: apperr.Forbidden, Code: CodeDenied, Message: "未知操作，已拒绝"}
	}
	if err := gate(pr, a); err != nil {
		return Rule{}, err
	}
	held := false
	for _, r := range p.byAction[a] {
		held = held || pr.Has(r.Role)
	}
	if !held {
		return Rule{}, denied(info)
	}
	if info.NeedsCase && strings.TrimSpace(t.CaseNumber) == "" {
		return Rule{}, &apperr.Error{Kind: apperr.Forbidden, Code: CodePurposeRequired, Field: "case_number",
			Message: fmt.Sprintf("%s须注明所办理的案件案号（个人信息仅限用于执行协作联动事项）", info.Label)}
	}
	var tree *unitTree
	for _, r := range p.byAction[a] {
		if !pr.Has(r.Role) {
			continue
		}
		if needsTree(r.Scope) && tree == nil {
			var err error
			tree, err = p.tree.get(ctx, pr.UnitCode, t.UnitCode, t.RequestingUnit, t.AddressedUnit)
			if err != nil {
				return Rule{}, err
			}
		}
		if inScope(r.Scope, pr, t, tree) {
			return r, nil
		}
	}
	return Rule{}, denied(info)
}

// gate refuses anonymous principals, and everything but ActionSelf to
// principals who must first change their password or enrol TOTP.
func gate(pr Principal, a Action) error {
	if pr.Username == "" {
		return &apperr.Error{Kind: apperr.Unauthorized, Code: "auth.required", Message: "请先登录"}
	}
	if a == ActionSelf {
		return nil
	}
	if pr.MustChangePassword {
		return &apperr.Error{Kind: apperr.Forbidden, Code: CodePasswordChangeRequired, Message: "请先修改初始密码，再进行其他操作"}
	}
	if pr.NeedsTOTPSetup {
		return &apperr.Error{Kind: apperr.Forbidden, Code: CodeTOTPSetupRequired, Message: "管理员账号须先绑定动态口令（双因素认证），再进行其他操作"}
	}
	return nil
}

func denied(info ActionInfo) error {
	return &apperr.Error{Kind: apperr.Forbidden, Code: CodeDenied, Message: fmt.Sprintf("您没有%s的权限", info.Label)}
}

func needsTree(s Scope) bool {
	switch s {
	case ScopeSubtree, ScopeOwnCourt, ScopeCourtTree, ScopeAddressedTree, ScopeTrafficPolice:
		return true
	}
	return false
}

func inScope(s Scope, pr Principal, t Target, tree *unitTree) bool {
	switch s {
	case ScopeAll:
		return true
	case ScopeSelf:
		return t.Username == "" || directory.NormalizeUsername(t.Username) == pr.Username
	case ScopeOthers:
		return t.Username == "" || directory.NormalizeUsername(t.Username) != pr.Username
	case ScopeOwnUnit:
		return t.UnitCode != "" && t.UnitCode == pr.UnitCode
	case ScopeSubtree:
		return tree.within(t.UnitCode, pr.UnitCode)
	case ScopeOwnCourt:
		mine := tree.courtOf(pr.UnitCode)
		return mine != "" && (tree.courtOf(t.RequestingUnit) == mine || tree.courtOf(t.AddressedUnit) == mine)
	case ScopeCourtTree:
		mine := tree.courtOf(pr.UnitCode)
		return mine != "" && (tree.within(tree.courtOf(t.RequestingUnit), mine) || tree.within(tree.courtOf(t.AddressedUnit), mine))
	case ScopeAddressed:
		return t.AddressedUnit != "" && t.AddressedUnit == pr.UnitCode
	case ScopeAddressedTree:
		return tree.within(t.AddressedUnit, pr.UnitCode)
	case ScopeTrafficPolice:
		return tree.trafficPolice(pr.UnitCode)
	case ScopeSystem:
		return pr.ViaToken
	}
	return false
}

// MatterScope is the set of matters a principal may reach with an action,
// for list queries: a matter is in scope when All is set, or its requesting
// unit is in RequestingUnits, or its addressed unit is in AddressedUnits.
type MatterScope struct {
	All             bool
	RequestingUnits []string
	AddressedUnits  []string
}

// Contains reports whether a matter between these units is in scope.
func (m MatterScope) Contains(requesting, addressed string) bool {
	if m.All {
		return true
	}
	for _, u := range m.RequestingUnits {
		if u == requesting {
			return true
		}
	}
	for _, u := range m.AddressedUnits {
		if u == addressed {
			return true
		}
	}
	return false
}

// MatterScope returns the matters pr may reach with a (one of the matter,
// document or identity actions), so lists can filter in SQL rather than
// checking row by row. The same Forbidden errors as Check apply, except
// that no case number is asked for: each row carries its own.
func (p *Policy) MatterScope(ctx context.Context, pr Principal, a Action) (MatterScope, error) {
	info, ok := a.Info()
	if !ok || !info.NeedsCase {
		return MatterScope{}, fmt.Errorf("matter scope of %q: not a matter action", a)
	}
	if err := gate(pr, a); err != nil {
		return MatterScope{}, err
	}
	tree, err := p.tree.get(ctx, pr.UnitCode)
	if err != nil {
		return MatterScope{}, err
	}
	var out MatterScope
	found := false
	add := func(dst *[]string, codes []string) {
		for _, c := range codes {
			dup := false
			for _, have := range *dst {
				if have == c {
					dup = true
					break
				}
			}
			if !dup {
				*dst = append(*dst, c)
			}
		}
	}
	mine := tree.courtOf(pr.UnitCode)
	for _, r := range rules {
		if r.Action != a || !pr.Has(r.Role) {
			continue
		}
		found = true
		switch r.Scope {
		case ScopeAll:
			out.All = true
		case ScopeOwnCourt:
			if mine != "" {
				units := tree.unitsOfCourts(func(c string) bool { return c == mine })
				add(&out.RequestingUnits, units)
				add(&out.AddressedUnits, units)
			}
		case ScopeCourtTree:
			if mine != "" {
				units := tree.unitsOfCourts(func(c string) bool { return tree.within(c, mine) })
				add(&out.RequestingUnits, units)
				add(&out.AddressedUnits, units)
			}
		case ScopeAddressed:
			add(&out.AddressedUnits, []string{pr.UnitCode})
		case ScopeAddressedTree:
			add(&out.AddressedUnits, tree.subtree(pr.UnitCode))
		}
	}
	if !found {
		return MatterScope{}, denied(info)
	}
	return out, nil
}
