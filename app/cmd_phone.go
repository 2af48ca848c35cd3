package app

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"verifydesk/services/phone"
)

// maxPhoneLine bounds one stdin line; nobody's phone number is a megabyte.
const maxPhoneLine = 1 << 20

// runPhone is `verifydesk phone [--region CC] [--format json|text] [--] [INPUT...]`:
// the diagnosis of each input exactly as a customer typed it with the country
// CC chosen. Each INPUT argument gives one JSON object per line; with none, every
// line of stdin is one input (blank lines included, so output lines pair with
// input lines). Any diagnosis, however bad the number, exits 0: the exit status
// is about the command, not the number.
func runPhone(args []string, std Stdio) int {
	fs := flag.NewFlagSet("phone", flag.ContinueOnError)
	region := fs.String("region", "", "the country the customer chose in the app, ISO 3166-1 alpha-2 (TW, GB, US...); empty for none")
	format := fs.String("format", "json", "output: json (one object per line) or text (for people)")
	if status, ok := parseFlags(fs, args, std, phoneUsage); !ok {
		return status
	}
	if *format != "json" && *format != "text" {
		fmt.Fprintf(std.Err, "verifydesk phone: --format must be json or text, not %q\n", *format)
		return exitUsage
	}
	if *region != "" && !knownRegion(*region) {
		fmt.Fprintf(std.Err, "verifydesk phone: unknown region %q: use a two-letter code such as TW, GB or US\n", *region)
		return exitUsage
	}
	out := bufio.NewWriter(std.Out)
	defer out.Flush()
	write := phoneWriter(out, *format)
	if fs.NArg() > 0 {
		for i, in := range fs.Args() {
			if err := write(i, phone.Diagnose(*region, in)); err != nil {
				fmt.Fprintln(std.Err, "verifydesk phone:", err)
				return exitFail
			}
		}
		return exitOK
	}
	if std.In == nil {
		fmt.Fprintln(std.Err, "verifydesk phone: give a number, or numbers one per line on stdin")
		return exitUsage
	}
	sc := bufio.NewScanner(std.In)
	sc.Buffer(make([]byte, 0, 4096), maxPhoneLine)
	for i := 0; sc.Scan(); i++ {
		if err := write(i, phone.Diagnose(*region, strings.TrimSuffix(sc.Text(), "\r"))); err != nil {
			fmt.Fprintln(std.Err, "verifydesk phone:", err)
			return exitFail
		}
		// Flush per line so a script feeding one number at a time gets its
		// answer without closing stdin.
		if err := out.Flush(); err != nil {
			fmt.Fprintln(std.Err, "verifydesk phone:", err)
			return exitFail
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(std.Err, "verifydesk phone: reading stdin:", err)
		return exitFail
	}
	return exitOK
}

// phoneWriter returns the function that prints the i-th diagnosis.
func phoneWriter(w io.Writer, format string) func(int, phone.Diagnosis) error {
	if format == "text" {
		return func(i int, d phone.Diagnosis) error {
			if i > 0 {
				if _, err := io.WriteString(w, "\n"); err != nil {
					return err
				}
			}
			_, err := io.WriteString(w, d.Text())
			return err
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return func(_ int, d phone.Diagnosis) error { return enc.Encode(d) }
}

func knownRegion(code string) bool {
	code = strings.ToUpper(strings.TrimSpace(code))
	for _, r := range phone.Regions() {
		if r.Code == code {
			return true
		}
	}
	return false
}

func phoneUsage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintln(w, "Usage: verifydesk phone [--region CC] [--format json|text] [--] [INPUT...]")
	fmt.Fprintln(w, "\nDiagnose phone numbers exactly as a customer typed them into the app, with the")
	fmt.Fprintln(w, "country CC chosen: e164, national, international, region, type, carrier, valid,")
	fmt.Fprintln(w, "sms_capable, app_entry, app_entry_with_trunk and findings (code, severity, message,")
	fmt.Fprintln(w, "advice). Put -- before inputs that start with a minus or plus sign.")
	fmt.Fprintln(w, "With no INPUT, every line of stdin is one input and gives one JSON line.")
	fmt.Fprintln(w, "Exit status 0 for any diagnosis, 2 on a usage error.")
	fmt.Fprintln(w, "\nExample: verifydesk phone --region TW -- \"0936 123 456\"")
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
}
