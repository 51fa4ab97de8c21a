package web

import (
	"net/http"

	"liandong/internal/access"
)

// route is one row of the route table: the method and pattern, the action
// the permission policy must grant (Public for the few routes anyone may
// use), whether it is API (JSON) or a page, and what OpenAPI says of it.
type route struct {
	Method  string
	Path    string
	Action  access.Action
	API     bool
	Summary string // Chinese, for the OpenAPI document
	Handle  handler
}

// Public marks routes that need no login. Each is listed here on purpose:
// health, metrics, the login itself, the OpenAPI document and the public
// document verification (S-DOC-1: anyone may check a document).
const Public access.Action = ""

// handler is a route's function; a returned error is answered by
// writeError (JSON on the API, an error page otherwise).
type handler func(w http.ResponseWriter, r *http.Request, rq *request) error

// routeTable is every route of the server, in one screen.
func (s *Server) routeTable() []route {
	return []route{
		// Public.
		{"GET", "/healthz", Public, true, "健康检查：数据库类型与结构版本", s.healthz},
		{"GET", "/metrics", Public, false, "Prometheus 指标", s.metricsHandler},
		{"GET", "/api/openapi.json", Public, true, "本接口说明（OpenAPI 3.1）", s.openAPI},
		{"GET", "/login", Public, false, "登录页", s.loginPage},
		{"POST", "/login", Public, false, "登录", s.loginSubmit},
		{"POST", "/api/v1/session", Public, true, "登录，返回令牌并设置会话 Cookie", s.apiLogin},
		{"GET", "/verify", Public, false, "文书验证页", s.verifyPage},
		{"POST", "/verify", Public, false, "上传文件核验文书", s.verifyUpload},
		{"GET", "/api/v1/verify/{code}", Public, true, "按验证码或摘要验证文书", s.apiVerify},
		{"GET", "/api/v1/verify/{code}/statement", Public, true, "下载文书签名声明原文", s.apiVerifyStatement},
		{"GET", "/api/v1/verify/{code}/signature", Public, true, "下载文书 SM2 签名（DER）", s.apiVerifySignature},
		{"GET", "/api/v1/units/{code}/public-key", Public, true, "下载单位 SM2 公钥（PEM）", s.apiUnitPublicKey},

		// Oneself.
		{"GET", "/{$}", access.ActionSelf, false, "首页", s.home},
		{"POST", "/logout", access.ActionSelf, false, "退出登录", s.logoutSubmit},
		{"DELETE", "/api/v1/session", access.ActionSelf, true, "退出登录", s.apiLogout},
		{"GET", "/api/v1/me", access.ActionSelf, true, "当前用户", s.apiMe},
		{"GET", "/account/password", access.ActionSelf, false, "修改密码页", s.passwordPage},
		{"POST", "/account/password", access.ActionSelf, false, "修改密码", s.passwordSubmit},
		{"GET", "/account/totp", access.ActionSelf, false, "双因素认证页", s.totpPage},
		{"POST", "/account/totp/begin", access.ActionSelf, false, "开始绑定动态口令", s.totpBegin},
		{"POST", "/account/totp/confirm", access.ActionSelf, false, "确认绑定动态口令", s.totpConfirm},
		{"POST", "/account/totp/disable", access.ActionSelf, false, "解除动态口令", s.totpDisable},

		// Auditors (S-SEC-1).
		{"GET", "/audit", access.ActionAuditRead, false, "审计日志查询", s.auditPage},
		{"GET", "/audit/export", access.ActionAuditExport, false, "导出审计日志（CSV）", s.auditExport},
		{"GET", "/api/v1/audit", access.ActionAuditRead, true, "查询审计日志", s.apiAuditSearch},

		// Administrators: units and users (system administrator), roles
		// and second factors (security administrator).
		{"GET", "/admin/units", access.ActionUnitRead, false, "单位目录", s.unitsPage},
		{"GET", "/api/v1/units", access.ActionUnitRead, true, "单位目录", s.apiUnits},
		{"GET", "/admin/users", access.ActionUserRead, false, "用户管理", s.usersPage},
		{"POST", "/admin/users", access.ActionUserManage, false, "新增用户", s.userCreate},
		{"POST", "/admin/users/{username}/active", access.ActionUserManage, false, "启用或停用用户", s.userSetActive},
		{"POST", "/admin/users/{username}/password", access.ActionUserManage, false, "重置用户密码", s.userResetPassword},
		{"POST", "/admin/users/{username}/unlock", access.ActionUserManage, false, "解除账号锁定", s.userUnlock},
		{"POST", "/admin/users/{username}/roles", access.ActionRoleGrant, false, "设置用户角色", s.userGrantRoles},
		{"POST", "/admin/users/{username}/totp-reset", access.ActionMFAReset, false, "重置用户动态口令", s.userResetTOTP},
		{"GET", "/admin/users/{username}/tokens", access.ActionTokenManage, false, "API 令牌", s.tokensPage},
		{"POST", "/admin/users/{username}/tokens", access.ActionTokenManage, false, "签发 API 令牌", s.tokenIssue},
		{"POST", "/admin/users/{username}/tokens/{id}/revoke", access.ActionTokenManage, false, "吊销 API 令牌", s.tokenRevoke},
		{"POST", "/api/v1/users/{username}/tokens", access.ActionTokenManage, true, "签发 API 令牌（只返回一次）", s.apiTokenIssue},
		{"GET", "/api/v1/users", access.ActionUserRead, true, "用户列表", s.apiUsers},
		{"POST", "/api/v1/users", access.ActionUserManage, true, "新增用户", s.apiUserCreate},

		// Cooperation matters (S-LOC, S-ASSIST, S-DOC-2): scope per matter is
		// the engine's (access.Policy.MatterScope); the route only needs
		// the role to hold the action at all.
		{"GET", "/matters", access.ActionMatterRead, false, "协作事项列表", s.mattersPage},
		{"GET", "/matters/new", access.ActionMatterCreate, false, "发起协作事项页", s.newMatterPage},
		{"POST", "/matters", access.ActionMatterCreate, false, "发起协作事项", s.newMatterSubmit},
		{"GET", "/matters/{id}", access.ActionMatterRead, false, "协作事项页", s.matterPage},
		{"POST", "/matters/{id}/act/{action}", access.ActionMatterAct, false, "办理协作事项", s.matterActSubmit},
		{"POST", "/matters/{id}/query-systems", access.ActionMatterAct, false, "查询公安业务系统并反馈线索", s.systemPage(s.queryLocate)},
		{"POST", "/matters/{id}/border-control", access.ActionMatterAct, false, "经边控系统布控或撤控", s.systemPage(s.borderControl)},
		{"POST", "/matters/{id}/intake-via-system", access.ActionMatterAct, false, "经拘留所系统核验收拘", s.systemPage(s.intakeViaSystem)},
		{"GET", "/transfers", access.ActionMatterRead, false, "移送案件看板（S-CRIME-1/2）", s.transfersPage},
		{"GET", "/vehicles", access.ActionVehicleFileRead, false, "车辆查封档案（S-VEH-2）", s.vehiclesPage},
		{"GET", "/vehicles/intercept", access.ActionMatterAct, false, "报告拦截车辆（S-VEH-4/5）", s.interceptPage},
		{"POST", "/vehicles/intercept", access.ActionMatterAct, false, "提交拦截报告", s.interceptSubmit},
		{"GET", "/api/v1/transfers", access.ActionMatterRead, true, "移送涉嫌犯罪案件看板：按状态分组，含已受案日数和最近时限及其依据", s.apiTransfers},
		{"GET", "/notifications", access.ActionSelf, false, "通知", s.notificationsPage},
		{"POST", "/notifications/{id}/read", access.ActionSelf, false, "标记通知已读", s.notificationRead},
		{"GET", "/api/v1/matters", access.ActionMatterRead, true, "我的协作事项（按剩余时间排序）", s.apiMatters},
		{"POST", "/api/v1/matters", access.ActionMatterCreate, true, "发起协作事项", s.apiMatterCreate},
		{"GET", "/api/v1/matters/{id}", access.ActionMatterRead, true, "协作事项详情、可办理的操作与时间线", s.apiMatter},
		{"POST", "/api/v1/matters/{id}/actions/{action}", access.ActionMatterAct, true, "办理协作事项（按事项类型的流转表）", s.apiMatterAct},
		{"POST", "/api/v1/matters/{id}/border-control", access.ActionMatterAct, true, "经出入境管理系统布控或撤控边控（S-ASSIST-1）", s.systemAPI(s.borderControl)},
		{"POST", "/api/v1/matters/{id}/intake-via-system", access.ActionMatterAct, true, "经拘留所系统核验并收拘或依法不予收拘（S-ASSIST-2）", s.systemAPI(s.intakeViaSystem)},
		{"POST", "/api/v1/matters/{id}/query-systems", access.ActionMatterAct, true, "查询人口、出入境、旅馆系统并逐条反馈线索（S-LOC-2）", s.systemAPI(s.queryLocate)},
		{"GET", "/api/v1/notifications", access.ActionSelf, true, "我的通知", s.apiNotifications},
		{"POST", "/api/v1/notifications/{id}/read", access.ActionSelf, true, "标记通知已读", s.apiNotificationRead},

		// Documents (S-DOC-1).
		{"POST", "/api/v1/documents", access.ActionDocUpload, true, "上传文书文件", s.apiDocumentUpload},
		{"POST", "/api/v1/documents/issue", access.ActionDocIssue, true, "签发电子文书", s.apiDocumentIssue},

		// The vehicle seal register (S-VEH-2): police systems check before a
		// registration business; the file is for the traffic police and the
		// sealing courts.
		{"GET", "/api/v1/vehicles/check", access.ActionVehicleCheck, true, "核查车辆能否办理某项登记业务（vehicle=号牌或VIN，operation=业务类型；S-VEH-2）", s.apiVehicleCheck},
		{"POST", "/api/v1/vehicles/check", access.ActionVehicleCheck, true, "批量核查车辆查封状态（每次至多 1000 辆）", s.apiVehicleCheckBatch},
		{"POST", "/api/v1/vehicles/interceptions", access.ActionMatterAct, true, "报告拦截布控车辆（vehicle=号牌或VIN，payload=拦截地点、时间、单位、识别号牌；S-VEH-4/5）", s.apiVehicleInterception},
		{"GET", "/api/v1/vehicles/file", access.ActionVehicleFileRead, true, "车辆查封档案：车辆信息与全部查封（含轮候、已解除、已失效）", s.apiVehicleFile},

		// The dishonest-debtor list pages for court users (S-CREDIT-2;
		// credit_pages*.go, credit_api.go): each user sees the entries of
		// the courts they manage or supervise; acts need credit.manage of
		// the entry's court.
		{"GET", "/credit", access.ActionCreditRead, false, "失信被执行人名单查询", s.creditListPage},
		{"GET", "/credit/corrections", access.ActionCreditRead, false, "失信信息纠正申请", s.creditCorrectionsPage},
		{"GET", "/credit/import", access.ActionCreditImport, false, "导入失信被执行人名单", s.creditImportPage},
		{"POST", "/credit/import", access.ActionCreditImport, false, "上传名单文件并开始导入", s.creditImportSubmit},
		{"GET", "/credit/import/{job}", access.ActionCreditImport, false, "导入进度与结果", s.creditImportJobPage},
		{"GET", "/credit/{entry}", access.ActionCreditRead, false, "失信名单条目：信息、时限与历史", s.creditEntryPage},
		{"POST", "/credit/{entry}/extend", access.ActionCreditManage, false, "延长纳入期限", s.creditExtendSubmit()},
		{"POST", "/credit/{entry}/remove", access.ActionCreditManage, false, "删除失信信息", s.creditRemoveSubmit()},
		{"POST", "/credit/{entry}/removal-request", access.ActionCreditManage, false, "记录删除事由（三个工作日内删除）", s.creditRemovalRequestSubmit()},
		{"POST", "/credit/{entry}/repair", access.ActionCreditManage, false, "记录信用修复", s.creditRepairSubmit()},
		{"POST", "/credit/{entry}/correction-request", access.ActionCreditManage, false, "登记纠正申请", s.creditCorrectionRequestSubmit()},
		{"POST", "/credit/duties/{duty}/review", access.ActionCreditManage, false, "审查纠正申请", s.creditDutySubmit("review")},
		{"POST", "/credit/duties/{duty}/carry-out", access.ActionCreditManage, false, "办理删除或纠正", s.creditDutySubmit("carry-out")},
		{"GET", "/api/v1/credit/entries", access.ActionCreditRead, true, "查询失信名单条目（name 姓名或名称的一部分，id_number 证件号码或统一社会信用代码精确匹配，case_number 案号，state=active|removed，court，page）", s.apiCreditSearch},
		{"GET", "/api/v1/credit/entries/{entry}", access.ActionCreditRead, true, "失信名单条目、历史、待办时限与可办理的操作（证件号码脱敏）", s.apiCreditEntry},
		{"POST", "/api/v1/credit/entries/{entry}/extend", access.ActionCreditManage, true, "延长纳入期限（years 1–3，reason violence_serious|multiple_conduct）", s.apiCreditExtend()},
		{"POST", "/api/v1/credit/entries/{entry}/remove", access.ActionCreditManage, true, "删除失信信息（reason 删除事由，note 说明）", s.apiCreditRemove()},
		{"POST", "/api/v1/credit/entries/{entry}/removal-requests", access.ActionCreditManage, true, "记录删除事由，开始三个工作日的删除时限（reason，note，at）", s.apiCreditRemovalRequest()},
		{"POST", "/api/v1/credit/entries/{entry}/repairs", access.ActionCreditManage, true, "记录信用修复（measure，note）", s.apiCreditRepair()},
		{"POST", "/api/v1/credit/entries/{entry}/correction-requests", access.ActionCreditManage, true, "登记纠正申请，开始十五日审查时限（ground，reason，received_at）", s.apiCreditCorrectionRequest()},
		{"GET", "/api/v1/credit/corrections", access.ActionCreditRead, true, "本院（领导：本院及下级法院）待审查、待纠正的纠正申请", s.apiCreditCorrections},
		{"POST", "/api/v1/credit/duties/{duty}/review", access.ActionCreditManage, true, "审查纠正申请（accept，note；驳回须写明理由）", s.apiCreditDuty("review")},
		{"POST", "/api/v1/credit/duties/{duty}/carry-out", access.ActionCreditManage, true, "办理删除或纠正（patch 更正内容，note）", s.apiCreditDuty("carry-out")},
		{"POST", "/api/v1/credit/imports", access.ActionCreditImport, true, "上传名单文件（multipart：file，format=csv|jsonl，skip_invalid）并在后台导入，返回任务", s.apiCreditImportStart},
		{"GET", "/api/v1/credit/imports/{job}", access.ActionCreditImport, true, "导入任务的进度与结果（仅上传者本人可查）", s.apiCreditImport},

		// Screening against the list (S-CREDIT-1; screen_*.go): police
		// business systems screen applicants; the security administrator
		// sets what a hit does per business; hits are clues for the
		// listing court, which reviews them.
		{"POST", screenPath, access.ActionScreen, true, "比对失信被执行人名单（business 业务类型，place 受理地点，queries 1–10000 人：ref,name,id_number,birth_date,sex,region），返回名单版本和逐人结论及处理方式", s.apiScreen},
		{"GET", "/api/v1/screen/rules", access.ActionScreenRulesRead, true, "各类公安业务比中、疑似比中后的处理规则", s.apiScreenRules},
		{"PUT", "/api/v1/screen/rules", access.ActionScreenRulesManage, true, "设置公安业务的处理规则（rules：business,on_hit,on_review = block|flag|report）", s.apiScreenRulesPut},
		{"GET", "/api/v1/screen/hits", access.ActionScreenHitRead, true, "本院名单条目的比中线索（review=open|confirmed|false_positive）", s.apiScreenHits},
		{"POST", "/api/v1/screen/hits/{id}/review", access.ActionScreenHitReview, true, "核对比中线索（verdict=confirmed|false_positive，note）", s.apiScreenHitReview},
		{"GET", "/credit/hits", access.ActionScreenHitRead, false, "失信名单比中线索", s.creditHitsPage},
		{"POST", "/credit/hits/{id}/review", access.ActionScreenHitReview, false, "核对比中线索", s.creditHitReviewSubmit},

		// The list's change feed and webhook subscriptions (S-CREDIT-1;
		// credit_feed.go, internal/feed): police systems keep their own
		// copy current; system accounts get full numbers, leaders masked.
		{"GET", "/api/v1/credit/changes", access.ActionCreditFeed, true, "失信名单变更（after 上次的 next，limit 1–5000）：按版本顺序的新增、更新、删除及条目现状；系统账号得完整证件号码", s.apiCreditChanges},
		{"GET", "/api/v1/credit/webhooks", access.ActionCreditWebhook, true, "失信名单变更推送订阅列表", s.apiWebhooks},
		{"POST", "/api/v1/credit/webhooks", access.ActionCreditWebhook, true, "新增推送订阅（url 须为 https，label 接收系统名称，after 起始版本），推送以本节点 SM2 密钥签名", s.apiWebhookCreate},
		{"DELETE", "/api/v1/credit/webhooks/{webhook}", access.ActionCreditWebhook, true, "删除推送订阅", s.apiWebhookDelete},
		{"GET", "/api/v1/credit/webhooks/{webhook}/deliveries", access.ActionCreditWebhook, true, "推送订阅的投递记录（最近 100 次）", s.apiWebhookDeliveries},
		{"GET", "/api/v1/node/public-key", Public, true, "下载本节点 SM2 公钥（PEM），用于核验变更推送的签名", s.apiNodePublicKey},
	}
}
