package casework

import (
	"encoding/json"

	"verifydesk/services/cases"
)

// EncodeSnapshot is a case snapshot in the cache's stored parts (JSON each);
// a part that is empty or cannot be encoded is left out.
func EncodeSnapshot(s cases.Snapshot) Snapshot {
	part := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil || string(b) == "null" {
			return nil
		}
		return b
	}
	return Snapshot{TakenAt: s.TakenAt, Account: part(s.Account), Deliveries: part(s.Deliveries),
		Devices: part(s.Devices), LoginEvents: part(s.Logins), PhoneDiagnosis: part(s.PhoneDiagnosis),
		DeliveryHealth: part(s.DeliveryHealth)}
}

// DecodeSnapshot turns a cached snapshot back into evidence (offline),
// keeping base's account and diagnosis where the snapshot has none, and base's
// clock. A part that cannot be decoded is left out: the rest still pre-fills
// the checklist.
func DecodeSnapshot(cs Snapshot, base cases.Evidence) cases.Evidence {
	var s cases.Snapshot
	s.TakenAt = cs.TakenAt
	_ = json.Unmarshal(orNull(cs.Account), &s.Account)
	_ = json.Unmarshal(orNull(cs.Deliveries), &s.Deliveries)
	_ = json.Unmarshal(orNull(cs.Devices), &s.Devices)
	_ = json.Unmarshal(orNull(cs.LoginEvents), &s.Logins)
	_ = json.Unmarshal(orNull(cs.PhoneDiagnosis), &s.PhoneDiagnosis)
	s.PhoneDiagnosis.Reword() // its findings in the agent's language again
	_ = json.Unmarshal(orNull(cs.DeliveryHealth), &s.DeliveryHealth)
	ev := s.Evidence()
	if ev.Account == nil {
		ev.Account = base.Account
	}
	if ev.Diagnosis == nil {
		ev.Diagnosis = base.Diagnosis
	}
	ev.Now = base.Now
	return ev
}

func orNull(b json.RawMessage) []byte {
	if len(b) == 0 {
		return []byte("null")
	}
	return b
}
