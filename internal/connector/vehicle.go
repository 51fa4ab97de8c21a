package connector

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"liandong/internal/apperr"
	"liandong/internal/ident"
)

// VehicleRegistry is the traffic police motor-vehicle registration system
// (机动车登记系统, 车管所): who owns a vehicle and whether a registration
// business may be done on it. A court's seal (查封) is entered into it
// (S-VEH-2: "查封信息录入登记系统") and lifted from it (S-VEH-3); while a
// seal is in force the registry refuses the registrations 机动车登记规定
// (2021) says a seal blocks (Operations).
type VehicleRegistry interface {
	// Vehicle returns the registered vehicle with this plate (豫P12345,
	// new-energy 豫PD12345) or VIN, in any form ident accepts. None is an
	// apperr NotFound with code connector.not_found; a malformed key is
	// Invalid with code connector.invalid.
	Vehicle(ctx context.Context, key string) (Vehicle, error)
	// RecordSeal enters a seal in force into the registry (查封登记).
	// Idempotent by m.ID: recording the same ID again replaces the mark
	// (a renewal, 续封, moves ExpiresAt).
	RecordSeal(ctx context.Context, m SealMark) error
	// ReleaseSeal removes a mark (解封, or the seal lapsed). Releasing an
	// unknown or released mark succeeds.
	ReleaseSeal(ctx context.Context, markID string) error
	// Register attempts a registration business on the vehicle. While a
	// mark is in force and op is blocked, it is refused with an apperr
	// Conflict, code connector.sealed, whose message names the sealing
	// court, the case number and the document.
	Register(ctx context.Context, key string, op Operation) error
}

// CodeSealed: the registry refused a business because the vehicle is
// sealed. CodeMortgaged: refused because it is under mortgage (机动车登记
// 规定 art. 42: no deregistration during a mortgage).
const (
	CodeSealed    = "connector.sealed"
	CodeMortgaged = "connector.mortgaged"
)

// Vehicle is a registered motor vehicle as the registry records it (DOMAIN:
// plate, make, model, VIN, registering authority and date, mortgagee).
type Vehicle struct {
	Plate        string // normalized, 豫P12345
	VIN          string // 17 characters
	OwnerName    string
	OwnerID      string    // 18-character resident identity number
	Make         string    // 品牌（制造商）: 上汽大众
	Model        string    // 车型: 朗逸
	Colour       string    // 车身颜色: 白
	VehicleType  string    // 车辆类型: 小型轿车
	Authority    string    // 登记机关: 周口市公安局交通警察支队车辆管理所
	RegisteredAt time.Time // 初次登记日期
	Mortgaged    bool
	Mortgagee    string // 抵押权人, "" unless mortgaged
	Meta
}

// SealMark is a seal as the registry holds it: which vehicle, who sealed
// it under which case and document, and its term.
type SealMark struct {
	ID             string // the register's id of the seal; the idempotency key
	VIN            string
	Plate          string
	Court          string // unit code of the sealing court
	CourtName      string // 周口市川汇区人民法院
	CaseNumber     string
	DocumentDigest string // SM3 hex of the 协助执行通知书 / 公函
	EffectiveAt    time.Time
	ExpiresAt      time.Time // the seal's effect ends here unless renewed (查封扣押冻结规定 art. 27)
}

// InForce reports whether the mark blocks registrations at t.
func (m SealMark) InForce(t time.Time) bool {
	return !t.Before(m.EffectiveAt) && t.Before(m.ExpiresAt)
}

// Operation is a registration business at the vehicle administration.
type Operation string

const (
	OpRegistration    Operation = "registration"     // 注册登记
	OpChange          Operation = "change"           // 变更登记
	OpTransfer        Operation = "transfer"         // 转让登记（过户）
	OpMortgage        Operation = "mortgage"         // 抵押登记
	OpPledgeFiling    Operation = "pledge_filing"    // 质押备案
	OpMortgageRelease Operation = "mortgage_release" // 解除抵押登记
	OpPledgeRelease   Operation = "pledge_release"   // 解除质押备案
	OpDeregistration  Operation = "deregistration"   // 注销登记
	// Not blocked by a seal: no refusal article of 机动车登记规定 names a
	// seal for them.
	OpChangeFiling        Operation = "change_filing"        // 变更备案
	OpPlateReplacement    Operation = "plate_replacement"    // 补领、换领号牌
	OpDocumentReplacement Operation = "document_replacement" // 补领、换领登记证书、行驶证
	OpInspectionMark      Operation = "inspection_mark"      // 申领检验合格标志
)

// OperationInfo describes an operation and what a seal does to it.
type OperationInfo struct {
	Op      Operation
	Label   string // Chinese
	Blocked bool   // a seal in force refuses it
	Basis   string // the article that says so
}

// operations is THE table of what a seal blocks, one row per business,
// each with its article of 机动车登记规定 (2021). A change of the rules is
// a change of one row. Arts. 15(8), 21(3), 29(4), 36 and 42 refuse the
// business when the vehicle "被……人民法院……依法查封、扣押"; arts. 23–24,
// 51–52 and 54 list no such refusal.
var operations = []OperationInfo{
	{OpRegistration, "注册登记", true, "《机动车登记规定》第十五条第八项"},
	{OpChange, "变更登记", true, "《机动车登记规定》第二十一条第三项"},
	{OpTransfer, "转让登记", true, "《机动车登记规定》第二十九条第四项"},
	{OpMortgage, "抵押登记", true, "《机动车登记规定》第三十六条"},
	{OpPledgeFiling, "质押备案", true, "《机动车登记规定》第三十六条"},
	{OpMortgageRelease, "解除抵押登记", true, "《机动车登记规定》第三十六条"},
	{OpPledgeRelease, "解除质押备案", true, "《机动车登记规定》第三十六条"},
	{OpDeregistration, "注销登记", true, "《机动车登记规定》第四十二条"},
	{OpChangeFiling, "变更备案", false, "《机动车登记规定》第二十三条、第二十四条（未规定查封不予办理）"},
	{OpPlateReplacement, "补领、换领号牌", false, "《机动车登记规定》第五十一条（未规定查封不予办理）"},
	{OpDocumentReplacement, "补领、换领登记证书、行驶证", false, "《机动车登记规定》第五十二条（未规定查封不予办理）"},
	{OpInspectionMark, "申领检验合格标志", false, "《机动车登记规定》第五十四条（未规定查封不予办理）"},
}

// Operations lists every operation, the blocked ones first.
func Operations() []OperationInfo { return append([]OperationInfo(nil), operations...) }

// Info describes op; false for an unknown operation.
func (op Operation) Info() (OperationInfo, bool) {
	for _, o := range operations {
		if o.Op == op {
			return o, true
		}
	}
	return OperationInfo{}, false
}

// ParseOperation checks an operation code from outside.
func ParseOperation(s string) (Operation, error) {
	op := Operation(strings.TrimSpace(s))
	if _, ok := op.Info(); ok {
		return op, nil
	}
	names := make([]string, len(operations))
	for i, o := range operations {
		names[i] = string(o.Op) + "（" + o.Label + "）"
	}
	if op == "" {
		return "", invalid("operation", "请注明登记业务类型，可用：%s", strings.Join(names, "、"))
	}
	return "", invalid("operation", "不认识的登记业务类型“%s”，可用：%s", clipRunes(string(op), 32), strings.Join(names, "、"))
}

// VehicleKey is a vehicle named by its plate or its VIN, normalized.
type VehicleKey struct {
	Plate string // set when the key is a plate
	VIN   string // set when the key is a VIN
}

// String is the normalized key.
func (k VehicleKey) String() string {
	if k.VIN != "" {
		return k.VIN
	}
	return k.Plate
}

// ParseVehicleKey reads a plate or a VIN as users type them (spaces, middle
// dots, full-width characters, lower case). A plate starts with a province
// abbreviation; anything else must be a VIN with a correct check digit (GB
// 16735). A malformed key is an apperr Invalid, code connector.invalid,
// with ident's Chinese message.
func ParseVehicleKey(s string) (VehicleKey, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return VehicleKey{}, invalid("vehicle", "请填写号牌号码或车辆识别代号（VIN）")
	}
	if r, _ := utf8.DecodeRuneInString(t); r < utf8.RuneSelf || (r >= 0xFF01 && r <= 0xFF5E) {
		// Latin letters and digits, half- or full-width: a VIN.
		v, err := ident.ParseVIN(strings.ToUpper(t))
		if err != nil {
			return VehicleKey{}, keyError(err)
		}
		return VehicleKey{VIN: v.Code}, nil
	}
	p, err := ident.ParsePlate(t)
	if err != nil {
		return VehicleKey{}, keyError(err)
	}
	return VehicleKey{Plate: p.Number}, nil
}

func keyError(err error) error {
	return &apperr.Error{Kind: apperr.Invalid, Code: CodeInvalid, Field: "vehicle", Message: err.Error(),
		Err: fmt.Errorf("parse vehicle key: %w", err)}
}

// clipRunes cuts s to at most n runes, for echoing bad input in messages.
func clipRunes(s string, n int) string {
	i := 0
	for p := range s {
		if i == n {
			return s[:p] + "…"
		}
		i++
	}
	return s
}
