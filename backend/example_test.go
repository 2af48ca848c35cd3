package backend_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"verifydesk/backend"
	"verifydesk/data"
)

// StartDemo serves the demo data on a loopback port: sign in as a demo agent and
// search an account by the number the customer gives.
func ExampleStartDemo() {
	dir, _ := os.MkdirTemp("", "verifydesk-example")
	defer os.RemoveAll(dir)
	base, stop, err := backend.StartDemo(context.Background(), filepath.Join(dir, "demo.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()

	res, _ := http.Post(base+"/v1/agent/sessions", "application/json", strings.NewReader(`{"username":"ana","password":"demo"}`))
	var s data.Session
	json.NewDecoder(res.Body).Decode(&s)
	res.Body.Close()

	req, _ := http.NewRequest("GET", base+"/v1/accounts?phone=%2B886936123456", nil)
	req.Header.Set("Authorization", "Bearer "+s.Token)
	res, _ = http.DefaultClient.Do(req)
	var l data.AccountList
	json.NewDecoder(res.Body).Decode(&l)
	res.Body.Close()
	a := l.Accounts[0]
	fmt.Println(s.Agent.Role, a.ID, a.PhoneMasked, a.PhoneStoredForm)
	// Output: agent acc_1001 +886 0*** *** 456 trunk_0
}
