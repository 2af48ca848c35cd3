package app

import "fmt"

// runGeo is a placeholder replaced by the geo subcommand's owner.
func runGeo(args []string, std Stdio) int {
	fmt.Fprintln(std.Err, "verifydesk geo: not built yet")
	return exitFail
}
