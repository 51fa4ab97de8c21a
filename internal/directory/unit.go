package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"liandong/internal/apperr"
	"liandong/internal/db"
)

// UnitType is what kind of organ a unit is.
type UnitType string

const (
	IntermediateCourt     UnitType = "intermediate_court"
	BasicCourt            UnitType = "basic_court"
	EnforcementBureau     UnitType = "enforcement_bureau"
	CityBureau            UnitType = "city_bureau"
	CountyBureau          UnitType = "county_bureau"
	TrafficPolice         UnitType = "traffic_police"
	VehicleAdmin          UnitType = "vehicle_admin"
	ExitEntryAdmin        UnitType = "exit_entry_admin"
	DetentionCenter       UnitType = "detention_center"
	Jail                  UnitType = "jail"
	CommandCenter         UnitType = "command_center"
	CriminalInvestigation UnitType = "criminal_investigation"
	EconomicInvestigation UnitType = "economic_investigation"
	InfoCommDivision      UnitType = "info_comm_division"
)

var unitTypes = []struct {
	t     UnitType
	label string
	side  string
}{
	{IntermediateCourt, "中级人民法院", "court"},
	{BasicCourt, "基层人民法院", "court"},
	{EnforcementBureau, "执行局", "court"},
	{CityBureau, "市公安局", "police"},
	{CountyBureau, "县级公安机关", "police"},
	{TrafficPolice, "交通警察支队/大队", "police"},
	{VehicleAdmin, "车辆管理所", "police"},
	{ExitEntryAdmin, "出入境管理部门", "police"},
	{DetentionCenter, "拘留所", "police"},
	{Jail, "看守所", "police"},
	{CommandCenter, "指挥中心", "police"},
	{CriminalInvestigation, "刑事侦查部门", "police"},
	{EconomicInvestigation, "经济犯罪侦查部门", "police"},
	{InfoCommDivision, "信息通信部门", "police"},
}

// Label is the Chinese name of the type.
func (t UnitType) Label() string {
	for _, u := range unitTypes {
		if u.t == t {
			return u.label
		}
	}
	return string(t)
}

// Side is "court" or "police", or "" for an unknown type.
func (t UnitType) Side() string {
	for _, u := range unitTypes {
		if u.t == t {
			return u.side
		}
	}
	return ""
}

// Unit is a court, a bureau or one of their sub-units.
type Unit struct {
	Code              string // stable: fy411600, fy411600-zxj, ga411600-jj-cgs
	Name              string
	ShortName         string
	Side              string // court or police
	Type              UnitType
	ParentCode        string // "" for a top unit
	Division          string // 6-digit administrative division code
	CourtCode         string // case-number court code (豫16) for courts
	LiaisonDepartment bool   // 中院执行局 and 市公安局信息通信处 (S-ORG)
	Active            bool
	CreatedAt         time.Time
}

// Label is the short name when there is one.
func (u Unit) Label() string {
	if u.ShortName != "" {
		return u.ShortName
	}
	return u.Name
}

func (u Unit) validate() error {
	switch {
	case u.Code == "":
		return apperr.Invalidf("code", "unit.code_missing", "单位代码不能为空")
	case u.Name == "":
		return apperr.Invalidf("name", "unit.name_missing", "单位名称不能为空")
	case u.Type.Side() == "":
		return apperr.Invalidf("type", "unit.type_unknown", "未知单位类型“%s”", u.Type)
	case u.Side != u.Type.Side():
		return apperr.Invalidf("side", "unit.side_mismatch", "单位类型“%s”属于%s，不属于%s", u.Type.Label(), sideLabel(u.Type.Side()), sideLabel(u.Side))
	case len(u.Division) != 6:
		return apperr.Invalidf("division", "unit.division", "行政区划代码应为 6 位数字，实际为“%s”", u.Division)
	}
	for _, c := range u.Division {
		if c < '0' || c > '9' {
			return apperr.Invalidf("division", "unit.division", "行政区划代码应为 6 位数字，实际为“%s”", u.Division)
		}
	}
	return nil
}

// Store reads and writes the directory.
type Store struct {
	db *db.DB
}

// NewStore returns a directory store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const unitColumns = `code, name, short_name, side, type, COALESCE(parent_code, ''), division, COALESCE(court_code, ''), liaison_department, active, created_at`

func scanUnit(row interface{ Scan(...any) error }) (Unit, error) {
	var u Unit
	err := row.Scan(&u.Code, &u.Name, &u.ShortName, &u.Side, &u.Type, &u.ParentCode, &u.Division, &u.CourtCode, &u.LiaisonDepartment, &u.Active, &u.CreatedAt)
	return u, err
}

// AddUnit adds a unit; its parent must exist already.
func (s *Store) AddUnit(ctx context.Context, u Unit) error {
	if err := u.validate(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error { return addUnit(ctx, tx, u) })
}

func addUnit(ctx context.Context, tx *sql.Tx, u Unit) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO units (code, name, short_name, side, type, parent_code, division, court_code, liaison_department, active, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		u.Code, u.Name, u.ShortName, u.Side, string(u.Type), nullable(u.ParentCode), u.Division, nullable(u.CourtCode), u.LiaisonDepartment, true, db.Now())
	switch {
	case db.IsUniqueViolation(err):
		return &apperr.Error{Kind: apperr.Conflict, Code: "unit.exists", Field: "code", Message: fmt.Sprintf("单位“%s”（%s）已存在，或其名称、法院代字与已有单位重复", u.Name, u.Code), Err: err}
	case db.IsForeignKeyViolation(err):
		return apperr.Invalidf("parent", "unit.parent_unknown", "上级单位“%s”不存在", u.ParentCode)
	case err != nil:
		return fmt.Errorf("add unit %s: %w", u.Code, err)
	}
	return nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Unit returns the unit with the given code, or a NotFound error.
func (s *Store) Unit(ctx context.Context, code string) (Unit, error) {
	u, err := scanUnit(s.db.Read().QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, &apperr.Error{Kind: apperr.NotFound, Code: "unit.not_found", Field: "unit", Message: fmt.Sprintf("单位“%s”不存在", code)}
	}
	if err != nil {
		return Unit{}, fmt.Errorf("read unit %s: %w", code, err)
	}
	return u, nil
}

// FindUnit looks a unit up by code, full name or short name, the way people
// type it on the command line.
func (s *Store) FindUnit(ctx context.Context, key string) (Unit, error) {
	u, err := scanUnit(s.db.Read().QueryRowContext(ctx,
		`SELECT `+unitColumns+` FROM units WHERE code = $1 OR name = $1 OR short_name = $1 ORDER BY code LIMIT 1`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, &apperr.Error{Kind: apperr.NotFound, Code: "unit.not_found", Field: "unit", Message: fmt.Sprintf("找不到单位“%s”（可用单位代码、全称或简称）", key)}
	}
	if err != nil {
		return Unit{}, fmt.Errorf("find unit %s: %w", key, err)
	}
	return u, nil
}

// Units lists every unit, parents before children within each side.
func (s *Store) Units(ctx context.Context) ([]Unit, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+unitColumns+` FROM units ORDER BY side, code`)
	if err != nil {
		return nil, fmt.Errorf("list units: %w", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, fmt.Errorf("list units: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Subtree returns code and the codes of every unit under it, at any depth.
// Leaders act on the matters of their unit and the units under it.
func (s *Store) Subtree(ctx context.Context, code string) ([]string, error) {
	units, err := s.Units(ctx)
	if err != nil {
		return nil, err
	}
	children := map[string][]string{}
	for _, u := range units {
		children[u.ParentCode] = append(children[u.ParentCode], u.Code)
	}
	out := []string{code}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out, nil
}
