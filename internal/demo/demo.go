// Package demo seeds the Bao'an demo city: the real district and street
// boundaries and codes, the 37 municipal departments, and generated demo
// accounts (labelled 演示 wherever they are shown). Seeding is idempotent:
// divisions and departments are upserted, and each demo account is created
// only if its login name is still free.
package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/grid"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

//go:embed data/baoan.geojson
var baoanGeoJSON []byte

//go:embed data/departments.json
var departmentsJSON []byte

// Password is the password of every demo account. It is printed at start-up
// by the demo command; never use the demo seed for a real city.
const Password = "Demo@2026"

// Deps are the services the seed writes through.
type Deps struct {
	Divisions   grid.Store
	Departments catalog.Store
	Identity    *identity.Service
	Now         func() time.Time
}

// Login describes one demo account for the start-up banner.
type Login struct {
	Username string
	Password string
	Name     string
	Role     string // what the account can do, in Chinese
}

// Result summarises a seed run.
type Result struct {
	Divisions   int
	Departments int
	Created     int // demo accounts created by this run
	Logins      []Login
}

// Seed writes the demo city. It is safe to run on every start.
func Seed(ctx context.Context, d Deps) (*Result, error) {
	now := time.Now().UTC()
	if d.Now != nil {
		now = d.Now().UTC()
	}
	res := &Result{}
	n, err := seedDivisions(ctx, d.Divisions, now)
	if err != nil {
		return nil, err
	}
	res.Divisions = n
	if n, err = seedDepartments(ctx, d.Departments, now); err != nil {
		return nil, err
	}
	res.Departments = n
	for _, a := range accounts() {
		_, err := d.Identity.CreateAccount(ctx, nil, a.account, identity.Client{IP: "127.0.0.1", UserAgent: "pengcheng demo"})
		switch {
		case err == nil:
			res.Created++
		case errs.Is(err, errs.Conflict):
			// Created by an earlier run.
		default:
			return nil, fmt.Errorf("seed demo account %s: %w", a.login.Username, err)
		}
		res.Logins = append(res.Logins, a.login)
	}
	return res, nil
}

func seedDivisions(ctx context.Context, s grid.Store, now time.Time) (int, error) {
	roots := []*grid.Division{
		{Code: "440000", Name: "广东省", Level: grid.Province, Source: "GB/T 2260"},
		{Code: "440300", Name: "深圳市", Level: grid.City, Parent: "440000", Source: "GB/T 2260"},
	}
	var fc struct {
		Features []struct {
			Geometry   json.RawMessage `json:"geometry"`
			Properties struct {
				Code, Name, Level, Parent string
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(baoanGeoJSON, &fc); err != nil {
		return 0, fmt.Errorf("seed divisions: embedded GeoJSON: %w", err)
	}
	all := roots
	for _, f := range fc.Features {
		p := f.Properties
		all = append(all, &grid.Division{Code: p.Code, Name: p.Name, Level: grid.Level(p.Level), Parent: p.Parent,
			Boundary: f.Geometry, Source: "real boundary; see internal/demo/data/README.md"})
	}
	for _, dv := range all {
		dv.CreatedAt = now
		if err := s.UpsertDivision(ctx, dv); err != nil {
			return 0, fmt.Errorf("seed divisions: %w", err)
		}
	}
	return len(all), nil
}

func seedDepartments(ctx context.Context, s catalog.Store, now time.Time) (int, error) {
	var deps []struct {
		Code      string `json:"code"`
		Name      string `json:"name"`
		ShortName string `json:"short_name"`
		GBT2260   string `json:"gbt2260"`
	}
	if err := json.Unmarshal(departmentsJSON, &deps); err != nil {
		return 0, fmt.Errorf("seed departments: embedded JSON: %w", err)
	}
	for _, d := range deps {
		err := s.UpsertDepartment(ctx, &catalog.Department{Code: d.Code, Name: d.Name, ShortName: d.ShortName, Division: d.GBT2260, CreatedAt: now})
		if err != nil {
			return 0, fmt.Errorf("seed departments: %w", err)
		}
	}
	return len(deps), nil
}

type demoAccount struct {
	account identity.NewAccount
	login   Login
}

func staff(username, name, dept, what string, roles ...identity.Role) demoAccount {
	return demoAccount{
		account: identity.NewAccount{Kind: identity.Staff, Username: username, DisplayName: name, Department: dept,
			Roles: roles, Password: Password, Lang: "zh"},
		login: Login{Username: username, Password: Password, Name: name, Role: what},
	}
}

func person(idNumber, name, phone, what string) demoAccount {
	return demoAccount{
		account: identity.NewAccount{Kind: identity.Person, IDNumber: idNumber, IDVerified: true, DisplayName: name,
			Phone: phone, Password: Password, Lang: "zh"},
		login: Login{Username: idNumber, Password: Password, Name: name, Role: what + "；手机 " + phone},
	}
}

// accounts lists the demo accounts. The identity numbers, phones and credit
// code are generated (valid check characters, fictitious people).
func accounts() []demoAccount {
	return []demoAccount{
		staff("admin", "平台管理员（演示）", "SZJXW", "平台管理员：全部账号、审计日志、消息发件箱", identity.PlatformAdmin),
		staff("rs-admin", "人社局管理员（演示）", "SZRS", "部门管理员：市人力资源保障局的账号", identity.DeptAdmin),
		staff("rs-clerk", "陈晓华（演示·人社窗口）", "SZRS", "窗口人员：市人力资源保障局", identity.Caseworker),
		staff("ga-clerk", "刘建国（演示·公安窗口）", "SZGA", "窗口人员：市公安局", identity.Caseworker),
		staff("sc-clerk", "黄丽（演示·市场监管窗口）", "SZSC", "窗口人员：市市场监管委", identity.Caseworker),
		staff("grid-xa", "周勇（演示·新安网格员）", "SZCG", "网格员", identity.GridWorker),
		staff("dispatch", "吴敏（演示·调度员）", "SZXF", "调度员", identity.Dispatcher),
		person("44030619900512123X", "张晓明（演示）", "13800138001", "市民（宝安户籍）"),
		person("440304199508202346", "李芳（演示）", "13800138002", "市民（福田户籍）"),
		person("420106200203153452", "王磊（演示·应届毕业生）", "13800138003", "市民（外地户籍应届毕业生）"),
		{
			account: identity.NewAccount{Kind: identity.Enterprise, USCC: "91440300MA5F0X1Y2K",
				DisplayName: "深圳市鹏城示范科技有限公司（演示）", Phone: "13800138009", Password: Password, Lang: "zh"},
			login: Login{Username: "91440300MA5F0X1Y2K", Password: Password, Name: "深圳市鹏城示范科技有限公司（演示）", Role: "企业"},
		},
	}
}
