package app

import "fmt"

// runPhone is a placeholder replaced by the phone subcommand's owner.
func runPhone(args []string, std Stdio) int {
	fmt.Fprintln(std.Err, "verifydesk phone: not built yet")
	return exitFail
}
