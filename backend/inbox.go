package backend

import (
	_ "embed"
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// OpenAPI is the contract document, backend/openapi.yaml, served at
// GET /v1/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte

func (s *Server) openAPIDoc(c *call) (any, error) {
	return rawBody{contentType: "application/yaml", body: OpenAPI}, nil
}

// demoInbox shows what the simulated customer received, codes included, so a
// trainee can complete an identity check. It exists in demo mode only: outside
// it the route answers 404 like an unknown one.
func (s *Server) demoInbox(c *call) (any, error) {
	if !s.cfg.Demo {
		return nil, notFound("route")
	}
	id := c.r.URL.Query().Get("account_id")
	c.audit("demo_inbox", id)
	if id == "" {
		return nil, badRequest("account_id is required").with("field", "account_id")
	}
	out := data.DemoInbox{Messages: []data.DemoMessage{}}
	err := s.db.View(func(tx *bolt.Tx) error {
		a, err := loadAccount(tx, id)
		if err != nil {
			return err
		}
		if a == nil {
			return notFound("account")
		}
		var derr error
		walkBack(tx.Bucket(bucketDeliveries), id, nil, func(_, v []byte) bool {
			var d deliveryRec
			if derr = json.Unmarshal(v, &d); derr != nil {
				return false
			}
			// Only what reached the customer: delivered, or handed over with
			// no failure reported yet.
			if d.Text == "" || !(d.Status == data.StatusDelivered || (d.Status == data.StatusSent && d.ProviderError == "")) {
				return true
			}
			out.Messages = append(out.Messages, data.DemoMessage{
				DeliveryID: d.ID, Channel: d.Channel, Sender: d.Sender, Purpose: d.Purpose,
				At: d.StatusAt, Text: d.Text, Code: d.Code,
			})
			return len(out.Messages) < 50
		})
		return derr
	})
	return out, err
}
