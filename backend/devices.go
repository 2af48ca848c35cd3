package backend

import (
	"bytes"
	"encoding/base64"
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

func (s *Server) listDevices(c *call) (any, error) {
	c.audit("list_devices", c.r.PathValue("id"))
	out := data.TrustedDeviceList{Devices: []data.TrustedDevice{}}
	err := s.withAccount(c, func(_ *bolt.Tx, a *accountRec) error {
		for _, d := range a.Devices {
			out.Devices = append(out.Devices, d.TrustedDevice)
		}
		return nil
	})
	return out, err
}

// loginActivity pages the account's login events newest first. The cursor is
// the opaque key of the last event of the previous page.
func (s *Server) loginActivity(c *call) (any, error) {
	id := c.r.PathValue("id")
	c.audit("view_login_activity", id)
	limit, err := limitParam(c, 50, 1000)
	if err != nil {
		return nil, err
	}
	var before []byte
	if cur := c.r.URL.Query().Get("cursor"); cur != "" {
		before, err = base64.RawURLEncoding.DecodeString(cur)
		if err != nil || !bytes.HasPrefix(before, prefixKey(id)) {
			return nil, badRequest("cursor is not one this route gave for this account").with("field", "cursor")
		}
	}
	out := data.LoginActivityPage{Events: []data.LoginEvent{}}
	err = s.withAccount(c, func(tx *bolt.Tx, a *accountRec) error {
		var derr error
		var lastKey []byte
		more := false
		walkBack(tx.Bucket(bucketLogins), a.ID, before, func(k, v []byte) bool {
			if len(out.Events) == limit {
				more = true
				return false
			}
			var e data.LoginEvent
			if derr = json.Unmarshal(v, &e); derr != nil {
				return false
			}
			out.Events = append(out.Events, e)
			lastKey = append(lastKey[:0], k...)
			return true
		})
		if more {
			out.NextCursor = base64.RawURLEncoding.EncodeToString(lastKey)
		}
		return derr
	})
	return out, err
}
