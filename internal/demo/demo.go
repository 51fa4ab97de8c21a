// Package demo loads the demonstration data that `liandong demo` starts
// with: the Zhoukou directory and one account for each kind of user.
package demo

import (
	"context"
	"fmt"

	"liandong/internal/apperr"
	"liandong/internal/directory"
)

// Password is the password of every demo account. Demo accounts are not
// forced to change it, so a visitor can click straight through.
const Password = "Demo#2026zk"

// Account is one demo user.
type Account struct {
	Username    string
	DisplayName string
	Unit        string
	Roles       []directory.Role
	Liaison     bool // also the unit's liaison officer
}

// Accounts covers every role, on both sides, in two units of each kind so
// that cross-unit isolation can be tried by hand.
func Accounts() []Account {
	return []Account{
		{"zy-officer", "张立新（执行法官）", "fy411600-zxj", []directory.Role{directory.CourtOfficer}, false},
		{"zy-leader", "王建国（执行局局长）", "fy411600-zxj", []directory.Role{directory.CourtLeader, directory.Liaison}, true},
		{"zy-president", "李振华（副院长）", "fy411600", []directory.Role{directory.CourtPresident}, false},
		{"zy-police", "赵志强（司法警察）", "fy411600", []directory.Role{directory.JudicialPolice}, false},
		{"ch-officer", "陈晓梅（川汇区法院执行法官）", "fy411602-zxj", []directory.Role{directory.CourtOfficer}, false},
		{"xc-officer", "刘海涛（项城市法院执行法官）", "fy411681-zxj", []directory.Role{directory.CourtOfficer}, false},
		{"gaj-leader", "孙卫东（市公安局）", "ga411600", []directory.Role{directory.PoliceLeader}, false},
		{"xxtx-liaison", "周明（信息通信处联络员）", "ga411600-xxtx", []directory.Role{directory.PoliceHandler, directory.Liaison}, true},
		{"ch-police", "吴国庆（川汇分局）", "ga411602", []directory.Role{directory.PoliceHandler}, false},
		{"xc-police", "郑磊（项城市公安局）", "ga411681", []directory.Role{directory.PoliceHandler}, false},
		{"cgs-handler", "黄丽（车辆管理所）", "ga411600-jj-cgs", []directory.Role{directory.PoliceHandler}, false},
		{"crj-handler", "何静（出入境管理支队）", "ga411600-crj", []directory.Role{directory.PoliceHandler}, false},
		{"jls-handler", "马强（拘留所）", "ga411600-jls", []directory.Role{directory.PoliceHandler}, false},
		{"zhzx-handler", "林峰（情报指挥中心）", "ga411600-zhzx", []directory.Role{directory.PoliceHandler}, false},
		{"xz-handler", "高建军（刑事侦查支队）", "ga411600-xz", []directory.Role{directory.PoliceHandler}, false},
		{"sysadmin", "系统管理员", "ga411600-xxtx", []directory.Role{directory.SysAdmin}, false},
		{"secadmin", "安全管理员", "ga411600-xxtx", []directory.Role{directory.SecAdmin}, false},
		{"auditor", "安全审计员", "fy411600", []directory.Role{directory.Auditor}, false},
	}
}

// Load adds the Zhoukou directory and the demo accounts that are missing.
// It is safe to run twice.
func Load(ctx context.Context, dir *directory.Store) error {
	if _, err := dir.LoadZhoukou(ctx); err != nil {
		return err
	}
	for _, a := range Accounts() {
		_, err := dir.AddUser(ctx, directory.NewUser{Username: a.Username, DisplayName: a.DisplayName, Unit: a.Unit, Roles: a.Roles, Password: Password})
		if e, ok := apperr.As(err); ok && e.Code == "user.username_taken" {
			continue
		}
		if err != nil {
			return fmt.Errorf("demo account %s: %w", a.Username, err)
		}
		if a.Liaison {
			if err := dir.SetLiaison(ctx, a.Unit, a.Username, "0394-8210000"); err != nil {
				return fmt.Errorf("demo liaison %s: %w", a.Username, err)
			}
		}
	}
	return nil
}
