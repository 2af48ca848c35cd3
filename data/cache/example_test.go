package cache_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"verifydesk/data"
	"verifydesk/data/cache"
)

// The console caches a case it opened, the agent adds a note offline, and the
// case is found again by the customer's number and by a word of the note.
func Example() {
	dir, _ := os.MkdirTemp("", "verifydesk-example")
	defer os.RemoveAll(dir)
	c, err := cache.Open(filepath.Join(dir, "cache.db"), cache.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	_ = c.PutCase(cache.CaseRecord{Case: data.Case{ID: "c-7f3e", AccountID: "acc_1001", AgentID: "ag_ana",
		CustomerContact: "+886 936 123 456", Category: "sms_never_arrives", Status: data.CaseOpen,
		CreatedAt: at, UpdatedAt: at, Version: 1}})
	item, _ := c.QueueNote("c-7f3e", data.Note{ID: "n-1", AuthorID: "ag_ana", Text: "Customer is roaming in Spain"})
	fmt.Println("queued:", item.Seq, item.Kind, item.State)

	for _, q := range []string{"+886936123456", "ROAMING spain", "acc_1001"} {
		found, _ := c.Search(q)
		fmt.Printf("%s: %d case(s), queued changes %d\n", q, len(found), found[0].Queued)
	}
	// Output:
	// queued: 1 note queued
	// +886936123456: 1 case(s), queued changes 1
	// ROAMING spain: 1 case(s), queued changes 1
	// acc_1001: 1 case(s), queued changes 1
}
