package backend

import (
	"context"
	"encoding/json"
	"maps"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"verifydesk/data"
)

// recount is the brute-force answer: every stored delivery read and summed.
func recount(t testing.TB, db *bolt.DB) map[string]rollupRec {
	t.Helper()
	out := map[string]rollupRec{}
	if err := db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDeliveries).ForEach(func(_, v []byte) error {
			var d deliveryRec
			if err := json.Unmarshal(v, &d); err != nil {
				return err
			}
			for i, tier := range rollupTiers {
				k := string(byte(i)) + string(rollupKey(d.RequestedAt.UTC().Truncate(tier.step), dimsOf(&d)))
				r := out[k]
				r.add(&d, 1)
				out[k] = r
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// storedRollups is the rollups of every tier as a map (keys: the tier's
// index byte, then the rollup key).
func storedRollups(t testing.TB, db *bolt.DB) map[string]rollupRec {
	t.Helper()
	out := map[string]rollupRec{}
	if err := db.View(func(tx *bolt.Tx) error {
		for i, tier := range rollupTiers {
			if err := tx.Bucket(tier.bucket).ForEach(func(k, v []byte) error {
				var r rollupRec
				if err := decodeRollup(v, &r); err != nil {
					return err
				}
				out[string(byte(i))+string(k)] = r
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func sameRollups(t *testing.T, got, want map[string]rollupRec) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d rollups stored, the recount makes %d", len(got), len(want))
	}
	for k, w := range want {
		g, ok := got[k]
		tm, dims, _ := parseRollupKey([]byte(k[1:]))
		if !ok {
			t.Errorf("rollup %v %+v missing", tm, dims)
			continue
		}
		if g.Sent != w.Sent || g.Delivered != w.Delivered || g.Unverified != w.Unverified || g.Followed != w.Followed || g.Converted != w.Converted || g.Latency != w.Latency || !maps.Equal(g.Failed, w.Failed) {
			t.Errorf("rollup %v %+v = %+v, recount %+v", tm, dims, g, w)
		}
	}
}

// TestRollupsAgreeWithRecount is the property: whatever was generated,
// seeded, reseeded and sent, the rollups are the recount of the deliveries.
func TestRollupsAgreeWithRecount(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for _, seed := range []uint64{1, 2, 3} {
		path := filepath.Join(t.TempDir(), "g.db")
		st, err := Generate(context.Background(), path, 150, now, seed)
		if err != nil {
			t.Fatal(err)
		}
		if st.Deliveries == 0 {
			t.Fatal("nothing generated")
		}
		clk := &fakeClock{t: now}
		// Demo seeding twice rewrites (clears and re-adds) the demo accounts.
		for range 2 {
			s, err := Open(Config{DBPath: path, Demo: true, Now: clk.Now})
			if err != nil {
				t.Fatal(err)
			}
			// Sends through the provider: stored queued, then with the outcome.
			for _, ch := range []string{data.ChannelSMS, data.ChannelEmail} {
				if _, _, err := s.send(context.Background(), sendSpec{AccountID: "acc_1001", Channel: ch,
					Purpose: data.PurposeLogin, RequestedBy: data.RequesterUser}); err != nil {
					t.Logf("send %s: %v", ch, err)
				}
			}
			clk.Advance(7 * time.Minute)
			sameRollups(t, storedRollups(t, s.db), recount(t, s.db))
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestBuildRollupsOnOldFile: a file written before rollups gets them once.
func TestBuildRollupsOnOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	if _, err := Generate(context.Background(), path, 50, now, 9); err != nil {
		t.Fatal(err)
	}
	db, err := openDB(path)
	if err != nil {
		t.Fatal(err)
	}
	want := storedRollups(t, db)
	// Make it look old: no rollups, no mark.
	if err := db.Update(func(tx *bolt.Tx) error {
		for _, tier := range rollupTiers {
			if err := tx.DeleteBucket(tier.bucket); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(tier.bucket); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Delete(metaRollupsBuilt)
	}); err != nil {
		t.Fatal(err)
	}
	if err := buildRollups(db); err != nil {
		t.Fatal(err)
	}
	sameRollups(t, storedRollups(t, db), want)
	db.Close()
}

func TestPhoneInfo(t *testing.T) {
	for _, c := range []struct{ in, region, prefix string }{
		{"+447911123456", "GG", "447911"}, // libphonenumber: a Guernsey range of +44
		{"+447400123456", "GB", "447400"},
		{"+8860936123456", "TW", "886093"},
		{"+16502530000", "US", "165025"},
	} {
		got := parsePhoneInfo(c.in)
		if got.region != c.region || got.prefix != c.prefix {
			t.Errorf("parsePhoneInfo(%s) = %+v", c.in, got)
		}
	}
}

// TestHealthAgreesWithRecount: the 24-hour windows and baselines of the
// health answer are the brute-force sums of the deliveries they cover.
func TestHealthAgreesWithRecount(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 2, 30, 0, time.UTC)
	path := filepath.Join(t.TempDir(), "g.db")
	if _, err := Generate(context.Background(), path, 400, now, 5); err != nil {
		t.Fatal(err)
	}
	db, err := openDB(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var h data.DeliveryHealth
	type sums struct{ daySent, dayDelivered, baseSent, baseDelivered int64 }
	want := map[rollupDims]*sums{}
	if err := db.View(func(tx *bolt.Tx) error {
		h = deliveryHealth(tx, healthQuery{windows: data.HealthWindows}, now)
		return tx.Bucket(bucketDeliveries).ForEach(func(_, v []byte) error {
			var d deliveryRec
			if err := json.Unmarshal(v, &d); err != nil {
				return err
			}
			dims := dimsOf(&d)
			dims.Prefix = ""
			s := want[dims]
			if s == nil {
				s = &sums{}
				want[dims] = s
			}
			at := bucketStart(d.RequestedAt)
			ok := d.Status == data.StatusDelivered
			switch {
			case !at.Before(h.BaselineTo) && !at.After(now):
				s.daySent++
				if ok {
					s.dayDelivered++
				}
			case !at.Before(h.BaselineFrom) && at.Before(h.BaselineTo):
				s.baseSent++
				if ok {
					s.baseDelivered++
				}
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, s := range want {
		if s.daySent >= privacyMin {
			rows++
		}
	}
	if len(h.Rows) != rows || rows == 0 {
		t.Fatalf("%d rows, the recount has %d of 5 sends or more", len(h.Rows), rows)
	}
	for _, r := range h.Rows {
		s := want[rollupDims{Channel: r.Channel, Country: r.Country, Network: r.Network}]
		day := r.Windows[2]
		if day.Sent != s.daySent || day.Delivered != s.dayDelivered {
			t.Errorf("%s %s %s 24h: %d of %d, recount %d of %d", r.Channel, r.Country, r.Network, day.Delivered, day.Sent, s.dayDelivered, s.daySent)
		}
		if s.baseSent >= privacyMin && (r.BaselineSent != s.baseSent || *r.BaselineRate != float64(s.baseDelivered)/float64(s.baseSent)) {
			t.Errorf("%s %s %s baseline: %d at %v, recount %d of %d", r.Channel, r.Country, r.Network, r.BaselineSent, r.BaselineRate, s.baseDelivered, s.baseSent)
		}
	}
}

func FuzzDecodeRollup(f *testing.F) {
	f.Add(encodeRollup(&rollupRec{Sent: 3, Delivered: 1, Failed: map[string]int64{"30003": 2}}))
	f.Add(encodeRollup(&rollupRec{Sent: 9, Delivered: 8, Followed: 7, Converted: 6}))
	// A version 1 rollup (before conversion was kept): sent 2, delivered 1,
	// unverified 0, eleven latency slots, no failure codes.
	f.Add([]byte{1, 4, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r rollupRec
		if decodeRollup(b, &r) != nil {
			return
		}
		var again rollupRec
		if err := decodeRollup(encodeRollup(&r), &again); err != nil || again.Sent != r.Sent || !maps.Equal(again.Failed, r.Failed) || again.Latency != r.Latency ||
			again.Followed != r.Followed || again.Converted != r.Converted {
			t.Fatalf("%x: %+v does not round-trip: %+v, %v", b, r, again, err)
		}
	})
}

// A rollup written before conversion was kept (version 1) still reads, with
// nothing followed; written again it is version 2 with the same counts.
func TestRollupVersion1StillReads(t *testing.T) {
	v1 := []byte{1, 4, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	var r rollupRec
	if err := decodeRollup(v1, &r); err != nil || r.Sent != 2 || r.Delivered != 1 || r.Followed != 0 {
		t.Fatalf("version 1: %+v, %v", r, err)
	}
	r.Followed, r.Converted = 2, 1
	var again rollupRec
	if b := encodeRollup(&r); b[0] != rollupVersion || decodeRollup(b, &again) != nil || again.Followed != 2 || again.Converted != 1 || again.Sent != 2 {
		t.Errorf("version 2: %+v", again)
	}
	if decodeRollup(append(v1, 0), &r) == nil {
		t.Error("a version 1 rollup with a byte too many reads")
	}
}
