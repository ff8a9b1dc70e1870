package bundle

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// openUnnamed opens a file in dir that has no name from the start
// (O_TMPFILE), so not even a kill between creating and unlinking it leaves
// one behind; nil if the file system does not support it.
func openUnnamed(dir string) *os.File {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil
	}
	return os.NewFile(uintptr(fd), filepath.Join(dir, "(unnamed)"))
}
