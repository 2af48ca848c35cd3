package backend

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/nyaruka/phonenumbers"
	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// splitPhone splits a +digits number into its country calling code and the rest
// (as stored, so a trunk 0 stays). ok is false when no country code matches.
func splitPhone(p string) (cc, national string, ok bool) {
	if len(p) < 3 || p[0] != '+' {
		return "", "", false
	}
	digits := p[1:]
	// Country calling codes are prefix-free, so the first known prefix is it.
	for n := 1; n <= 3 && n < len(digits); n++ {
		code := 0
		for _, r := range digits[:n] {
			code = code*10 + int(r-'0')
		}
		if phonenumbers.GetRegionCodeForCountryCode(code) != "ZZ" {
			return digits[:n], digits[n:], true
		}
	}
	return "", "", false
}

// isE164ish reports whether s is + and 5 to 17 digits, not starting with 0.
func isE164ish(s string) bool {
	if len(s) < 6 || len(s) > 18 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// trunkVariant is the other stored form of a number: with the national trunk 0
// after the country code when it has none, without it when it has one.
func trunkVariant(p string) string {
	cc, nat, ok := splitPhone(p)
	if !ok || nat == "" {
		return ""
	}
	if nat[0] == '0' {
		return "+" + cc + nat[1:]
	}
	return "+" + cc + "0" + nat
}

// phoneForm is "trunk_0" for a number stored with the national trunk 0 kept
// after the country code (+8860936...), "e164" otherwise. Numbers whose E.164
// form really starts with 0 (Italy) are e164.
func phoneForm(p string) string {
	n, err := phonenumbers.Parse(p, "")
	if err != nil {
		return data.FormE164
	}
	if phonenumbers.Format(n, phonenumbers.E164) != p {
		if _, nat, ok := splitPhone(p); ok && strings.HasPrefix(nat, "0") {
			return data.FormTrunk0
		}
	}
	return data.FormE164
}

func phoneRegion(p string) string {
	n, err := phonenumbers.Parse(p, "")
	if err != nil {
		return ""
	}
	return phonenumbers.GetRegionCodeForNumber(n)
}

// maskPhone keeps the country code, the first national digit and the last three:
// +886936123456 -> "+886 9** *** 456".
func maskPhone(p string) string {
	cc, nat, ok := splitPhone(p)
	if !ok {
		return "***"
	}
	if len(nat) < 5 {
		return "+" + cc + " " + strings.Repeat("*", len(nat))
	}
	m := nat[:1] + strings.Repeat("*", len(nat)-4) + nat[len(nat)-3:]
	var groups []string
	for len(m) > 3 {
		groups = append([]string{m[len(m)-3:]}, groups...)
		m = m[:len(m)-3]
	}
	if len(m) == 1 && len(groups) > 0 {
		groups[0] = m + groups[0]
	} else {
		groups = append([]string{m}, groups...)
	}
	return "+" + cc + " " + strings.Join(groups, " ")
}

// maskEmail keeps the first character and the domain: m***@example.com.
func maskEmail(e string) string {
	at := strings.LastIndexByte(e, '@')
	if at < 1 {
		return "***"
	}
	return e[:1] + "***" + e[at:]
}

func normEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// api is the account as the contract shows it, with contact values masked.
func (a *accountRec) api() data.Account {
	out := data.Account{
		ID: a.ID, App: a.App, Name: a.Name, Region: a.Region, TimeZone: a.TimeZone, AppLanguage: a.AppLanguage,
		PhoneVerified: a.PhoneVerified, EmailVerified: a.EmailVerified,
		TwoFactor: a.TwoFactor, PasswordSet: a.PasswordSet,
		LinkedLogins:       append([]string{}, a.LinkedLogins...),
		TrustedDeviceCount: len(a.Devices), Lock: a.Lock, CreatedAt: a.CreatedAt,
	}
	if a.Phone != "" {
		out.PhoneMasked = maskPhone(a.Phone)
		out.PhoneRegion = phoneRegion(a.Phone)
		out.PhoneStoredForm = phoneForm(a.Phone)
	}
	if a.Email != "" {
		out.EmailMasked = maskEmail(a.Email)
	}
	return out
}

func (s *Server) searchAccounts(c *call) (any, error) {
	q := c.r.URL.Query()
	phone, email, id := trimmed(q.Get("phone")), trimmed(q.Get("email")), trimmed(q.Get("id"))
	n := 0
	for _, v := range []string{phone, email, id} {
		if v != "" {
			n++
		}
	}
	act := c.audit("search_accounts", "")
	if n != 1 {
		return nil, badRequest("give exactly one of phone, email or id")
	}
	switch {
	case phone != "":
		act.Detail = "by phone " + maskPhone(phone)
		if !isE164ish(phone) {
			return nil, badRequest("phone must be in E.164 form: + then the country code and number, digits only").with("field", "phone")
		}
	case email != "":
		act.Detail = "by email " + maskEmail(email)
		if !strings.Contains(email, "@") {
			return nil, badRequest("email must contain @").with("field", "email")
		}
	default:
		act.Detail = "by id"
	}
	// Accounts are answered from their stored view (see saveAccount), as it
	// is: json.Marshal made it, so it is already what the encoder would
	// write, and the hottest route skips re-encoding it.
	body := []byte(`{"accounts":[]}` + "\n")
	var foundID string
	err := s.db.View(func(tx *bolt.Tx) error {
		var accID []byte
		switch {
		case phone != "":
			idx := tx.Bucket(bucketPhoneIdx)
			accID = idx.Get([]byte(phone))
			if accID == nil {
				if v := trunkVariant(phone); v != "" {
					accID = idx.Get([]byte(v))
				}
			}
		case email != "":
			accID = tx.Bucket(bucketEmailIdx).Get([]byte(normEmail(email)))
		default:
			accID = []byte(id)
		}
		if accID == nil {
			return nil
		}
		v, err := accountView(tx, string(accID))
		if err != nil || v == nil {
			return err
		}
		foundID = string(accID)
		body = append(append([]byte(`{"accounts":[`), v...), "]}\n"...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	act.AccountID = foundID
	return answer{status: http.StatusOK, body: body}, nil
}

// withAccount loads the account named by the {id} path value inside a read
// transaction; a missing account is a 404.
func (s *Server) withAccount(c *call, fn func(tx *bolt.Tx, a *accountRec) error) error {
	id := c.r.PathValue("id")
	return s.db.View(func(tx *bolt.Tx) error {
		a, err := loadAccount(tx, id)
		if err != nil {
			return err
		}
		if a == nil {
			return notFound("account")
		}
		return fn(tx, a)
	})
}

func (s *Server) getAccount(c *call) (any, error) {
	id := c.r.PathValue("id")
	c.audit("view_account", id)
	var out json.RawMessage
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		out, err = accountView(tx, id)
		if err == nil && out == nil {
			return notFound("account")
		}
		return err
	})
	return out, err
}

func (s *Server) reveal(c *call) (any, error) {
	act := c.audit("reveal", c.r.PathValue("id"))
	var req data.RevealRequest
	if err := c.decode(&req); err != nil {
		return nil, err
	}
	act.Reason = truncate(trimmed(req.Reason), 500)
	act.Detail = "field " + truncate(req.Field, 20)
	if act.Reason == "" {
		return nil, badRequest("a reason is required to reveal a full value").with("field", "reason")
	}
	if req.Field != "phone" && req.Field != "email" {
		return nil, badRequest(`field must be "phone" or "email"`).with("field", "field")
	}
	out := data.RevealResult{Field: req.Field}
	err := s.withAccount(c, func(_ *bolt.Tx, a *accountRec) error {
		out.Value = a.Phone
		if req.Field == "email" {
			out.Value = a.Email
		}
		if out.Value == "" {
			return errf(http.StatusNotFound, data.ErrCodeNotFound, "the account has no %s on file", req.Field)
		}
		return nil
	})
	return out, err
}
