package exchange

import (
	"context"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Subject returns whom the account's own data is about: a person's
// verified identity number or an enterprise's credit code. Staff accounts
// have none (errs.Forbidden), nor do persons whose identity number is not
// verified (errs.Forbidden: it could be someone else's).
func Subject(a *identity.Account) (SubjectKind, string, error) {
	switch {
	case a == nil:
		return "", "", errLogin
	case a.Kind == identity.Person && a.IDNumber != "" && a.IDVerified:
		return PersonSubject, a.IDNumber, nil
	case a.Kind == identity.Person:
		return "", "", errs.E(errs.Forbidden, "exchange.unverified",
			"请先完成实名认证（核验身份证号码），再查看您的数据使用记录",
			"Verify your identity number before viewing the records of the use of your data.")
	case a.Kind == identity.Enterprise && a.USCC != "":
		return EnterpriseSubject, a.USCC, nil
	}
	return "", "", errs.E(errs.Forbidden, "exchange.no_subject",
		"只有个人和企业账号有数据使用记录", "Only personal and enterprise accounts have records of the use of their data.")
}

// MyAccessLog returns one page of the access log entries about the
// account's own data (我的数据使用记录), newest first, and how many there
// are: who read which of the person's or enterprise's data, when, for
// what purpose and on what legal basis. Nobody can read another subject's
// entries through it: the subject is always the account's own.
func (s *Service) MyAccessLog(ctx context.Context, a *identity.Account, offset, limit int) ([]*Entry, int, error) {
	kind, subject, err := Subject(a)
	if err != nil {
		return nil, 0, err
	}
	f := EntryFilter{SubjectKind: kind, Subject: subject, Offset: offset, Limit: limit}
	f.normLimit()
	list, n, err := s.store.FindEntries(ctx, f)
	if err != nil {
		return nil, 0, fmt.Errorf("find my access log entries: %w", err)
	}
	return list, n, nil
}
