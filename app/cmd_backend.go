package app

import "fmt"

// runBackend is a placeholder replaced by the backend subcommand's owner.
func runBackend(args []string, std Stdio) int {
	fmt.Fprintln(std.Err, "verifydesk backend: not built yet")
	return exitFail
}
