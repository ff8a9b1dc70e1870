// Package shelltest checks the shell commands that findings print, for tests.
package shelltest

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
)

// CheckShell parses command with `bash -n` (syntax only, nothing runs) and
// returns bash's complaint, if any. Verify commands are pasted into a shell
// at 3 a.m.: they must parse. It needs bash on PATH.
func CheckShell(command string) error {
	cmd := exec.Command("bash", "-n", "-c", command)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("bash -n: %v: %s (command %q)", err, strings.TrimSpace(stderr.String()), command)
	}
	return nil
}

// placeholderRE matches the placeholders a fix must not hold: <kind>,
// <name>, <new-bundle.tgz>...
var placeholderRE = regexp.MustCompile(`<[a-z][a-z0-9._-]*>`)

// Placeholder returns the first placeholder in text, "" if none.
func Placeholder(text string) string { return placeholderRE.FindString(text) }
