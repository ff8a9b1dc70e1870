//go:build !linux

package bundle

import "os"

// openUnnamed is Linux-only (O_TMPFILE): elsewhere createTemp names the
// file and removes the name at once.
func openUnnamed(string) *os.File { return nil }
